"""One way to change the state of anything: a table of transitions, and one check behind it.

Every stateful thing — a case, a social organisation's registration, a purchased project, a
practical matter, a complaint, a follow-up action — declares its lifecycle as a ``Workflow``: a
table from action name to ``Transition(sources, target, who, label)`` that reads on one screen.
The same code path answers "which actions may this user take now?" (``available``: the page's
buttons, the API's ``available_actions``) and "may they take this one?" (``check``, called by
``act``), and every app answers every mistake the same way:

- 404 ``Http404`` — the object is out of the user's sight (callers fetch it through
  ``visible_to`` before anything else, so missing and forbidden look alike);
- 403 ``PermissionDenied`` — the step is not theirs: their role lacks the workflow's permission,
  or they are not who the transition names;
- 409 ``Conflict`` — the object is not in a state that allows the action, or it changed since
  they read it (a stale ``version``);
- 400 ``ValidationError`` — a field the action needs is missing or bad (an unknown action too).

An action's work beyond moving the state lives in its effect, registered with
``@workflow.effect("action")`` beside the service that owns the object; the effect runs after the
state has moved to the transition's target and gets a ``Step`` saying what is being done.
"""
import datetime as dt
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import Conflict

# What stands in the way of an action, in the order the error contract checks it.
ROLE, OWNER, STATE, GUARD, PART = "role", "owner", "state", "guard", "part"


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]  # the states the action starts from
    target: str | None  # the state it leads to; None: unchanged, or decided by the effect
    who: Hashable  # who may take it: a key of the workflow's ``deciders``
    label: str  # what the button says
    needs: tuple[str, ...] = ()  # fields that must be given
    # A condition on the object beyond its state: returns why the action cannot be taken now.
    guard: Callable[[Any], str | None] | None = field(default=None, compare=False)
    # Where several people share one object, each with a part of their own (the units summoned to a joint case):
    # ``part(user, obj)`` says why the user's own part is not in a state for the action, or None. Like the state,
    # a part that has already moved on is a 409: acting twice, or after the object went on without them.
    part: Callable[[Any, Any], str | None] | None = field(default=None, compare=False)

    def starts_from(self, obj, state: str) -> bool:
        return state in self.sources


@dataclass
class Step:
    """One action being taken: what an effect needs to know."""

    action: str
    transition: Transition
    user: Any
    source: str  # the state before the action
    data: dict
    now: dt.datetime


class Workflow:
    def __init__(self, name: str, transitions: dict[str, Transition], *,
                 deciders: dict[Hashable, Callable[[Any, Any], bool]], permission: str, state: str = "status"):
        missing = {t.who for t in transitions.values()} - set(deciders)
        if missing:
            raise ValueError(f"{name}: no decider for {sorted(map(str, missing))}")
        self.name = name
        self.transitions = transitions
        self.deciders = deciders
        self.permission = permission
        self.state = state
        self._effects: dict[str, Callable] = {}

    def __iter__(self):
        return iter(self.transitions.items())

    def label(self, action: str) -> str:
        return str(self.transitions[action].label)

    def choices(self) -> list[tuple[str, str]]:
        """(action, label) pairs, for a form's or a serializer's choice field."""
        return [(str(action), transition.label) for action, transition in self]

    def effect(self, action: str):
        """Register the function doing ``action``'s work: ``effect(obj, step) -> anything``."""
        if action not in self.transitions:
            raise ValueError(f"{self.name}: no action {action!r}")

        def register(function):
            self._effects[action] = function
            return function

        return register

    # ------------------------------------------------------------------ asking

    def _may_act(self, user) -> bool:
        return getattr(user, "is_authenticated", False) and user.has_perm(self.permission)

    def _obstacle(self, user, obj, action: str, may_act: bool | None = None) -> str | None:
        """The first thing in the way of ``action``, in the contract's order (ROLE, OWNER, STATE,
        GUARD, PART), or None. It builds no message: a list page asks it for every row and every step."""
        transition = self.transitions[action]
        if not (self._may_act(user) if may_act is None else may_act):
            return ROLE
        if not self.deciders[transition.who](user, obj):
            return OWNER
        if not transition.starts_from(obj, getattr(obj, self.state)):
            return STATE
        if transition.guard and transition.guard(obj):
            return GUARD
        if transition.part and transition.part(user, obj):
            return PART
        return None

    def refusal(self, user, obj, action: str) -> Exception | None:
        """Why ``user`` may not take ``action`` on ``obj`` now (fields aside), or None if they may."""
        obstacle = self._obstacle(user, obj, action)
        transition = self.transitions[action]
        if obstacle == ROLE:
            return PermissionDenied(_("Your role may not do this."))
        if obstacle == OWNER:
            return PermissionDenied(_("This step is not yours."))
        if obstacle == STATE:
            return Conflict(_("“%(action)s” is not possible while it is “%(state)s”.") % {
                "action": transition.label, "state": self._state_label(obj)}, code="wrong_state")
        if obstacle == GUARD:
            return Conflict(transition.guard(obj), code="wrong_state")
        if obstacle == PART:
            return Conflict(transition.part(user, obj), code="wrong_state")
        return None

    def available(self, user, obj) -> list[str]:
        """The actions ``user`` may take on ``obj`` now, in table order: those ``check`` lets through."""
        if not self._may_act(user):
            return []
        state = getattr(obj, self.state)
        # The state test first: the same answer, but the deciders run only for the steps it leaves.
        return [action for action, transition in self
                if transition.starts_from(obj, state) and self._obstacle(user, obj, action, True) is None]

    def held_back(self, user, obj) -> list[tuple[str, str]]:
        """The steps that would be the user's from the object's state but for a condition, with why
        (``[(label, reason)]``): a page says why a button is missing instead of hiding it silently."""
        return [(str(transition.label), str(transition.guard(obj))) for action, transition in self
                if self._obstacle(user, obj, action) == GUARD]

    def check(self, user, obj, action: str, data: dict | None = None, *, version: int | None = None) -> Transition:
        """Raise the error the contract names for the first thing that is wrong; else the transition."""
        if action not in self.transitions:
            raise ValidationError({"action": _("Unknown action “%(action)s”.") % {"action": action}})
        if version is not None and version != obj.version:
            raise Conflict(_("It changed since you read it (version %(now)s, yours %(yours)s).")
                           % {"now": obj.version, "yours": version}, code="stale_version")
        refusal = self.refusal(user, obj, action)
        if refusal is not None:
            raise refusal
        transition = self.transitions[action]
        missing = {name: _("This field is required.") for name in transition.needs
                   if (data or {}).get(name) in (None, "")}
        if missing:
            raise ValidationError(missing)
        return transition

    # ------------------------------------------------------------------ doing

    def act(self, user, obj, action: str, data: dict | None = None, *, version: int | None = None,
            now: dt.datetime | None = None):
        """Check, move the state to the target, run the effect; returns what the effect returns.
        The caller locked ``obj`` and saves it (one transaction, with whatever else it records)."""
        data = data or {}
        transition = self.check(user, obj, action, data, version=version)
        step = Step(action=action, transition=transition, user=user, source=getattr(obj, self.state), data=data,
                    now=now or timezone.now())
        if transition.target is not None:
            setattr(obj, self.state, transition.target)
        effect = self._effects.get(action)
        return effect(obj, step) if effect else None

    def _state_label(self, obj) -> str:
        display = getattr(obj, f"get_{self.state}_display", None)
        return str(display()) if display else str(getattr(obj, self.state))
