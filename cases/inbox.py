"""What waits on whom, read from the workflow table itself.

A case *waits on* a user when an action of its current step is theirs to take now: the same
transitions, owners and guards ``services.available_actions`` checks, written as one query.
So "N waiting on you", the "Waiting on me" view, "My tasks" on the phone page and the labelled
actions each inbox row offers are one notion. Three actions never make a case wait: a comment
(anyone, any time), escalating (the dispatcher's way out, open while a case is with its
handler) and reopening a closed case after its callback (the desk's decision on a resident's
word, not a step that falls due); the case page offers them.
"""
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from core.roles import Role, role_of
from core.scoping import scope_of
from grids.models import Grid

from .filters import CaseFilter
from .models import Case, CaseParty, units_served
from .selectors import DISPATCHER_ROLE
from .services import CASE_WORKFLOW, available_actions
from .workflow import TRANSITIONS, Action, Owner, PartyStatus, extension_pending, no_extension_pending, single_handler

# The step's main action first (the case page opens its form), then the exceptional ones.
ACTION_ORDER = [Action.FILE, Action.DISPATCH, Action.SUMMON, Action.ACCEPT, Action.REPORT_IN, Action.FEEDBACK,
                Action.PARTY_FEEDBACK, Action.HANDLE_ON_SPOT, Action.VERIFY, Action.EVALUATE,
                Action.APPROVE_EXTENSION, Action.DENY_EXTENSION, Action.REQUEST_EXTENSION, Action.RETURN,
                Action.PARTY_RETURN, Action.REWORK, Action.REOPEN, Action.ESCALATE, Action.REJECT, Action.MERGE,
                Action.COMMENT]
NEVER_WAITING = (Action.COMMENT, Action.ESCALATE, Action.REOPEN)
STEP_ACTIONS = tuple(action for action in ACTION_ORDER if action not in NEVER_WAITING)

# The workflow's guards as conditions on rows (a new guard must be added here: the import fails).
GUARD_ROWS = {extension_pending: Q(extension_requested_until__isnull=False),
              no_extension_pending: Q(extension_requested_until__isnull=True),
              single_handler: Q(joint=False)}
_unmapped = {TRANSITIONS[a].guard for a in STEP_ACTIONS if TRANSITIONS[a].guard} - set(GUARD_ROWS)
if _unmapped:
    raise ImportError(f"cases.inbox: no row condition for the guards {_unmapped}")


def _served(scope) -> Q:
    """Cases in the grids the user serves (what ``Scope.covers`` answers for one case)."""
    if scope.everywhere:
        return Q()
    parts = []
    for pk, code, level in Grid.objects.filter(code__in=scope.grid_codes).values_list("id", "code", "level"):
        if level == Grid.Level.STREET:
            parts.append(Q(street_id=pk))
        elif level == Grid.Level.UNIT:
            parts.append(Q(grid_id=pk))
        else:
            parts.append(Q(grid__code__startswith=code))
    return reduce(or_, parts) if parts else Q(pk__in=[])


def _owner_rows(user) -> dict[Owner, Q | None]:
    """For each owner of a step, the cases on which the user is that owner (None: on none)."""
    role, scope = role_of(user), scope_of(user)
    served = _served(scope) if scope.grid_codes else Q(pk__in=[])
    tiers = [tier for tier, dispatcher in DISPATCHER_ROLE.items() if dispatcher == role]
    dispatcher = Q(tier__in=tiers) & served if tiers else None
    handler = Q(assignee_id=user.id)
    if role == Role.DEPARTMENT_HANDLER:
        handler |= Q(assignee__isnull=True) & (Q(station_id__in=sorted(scope.station_ids))
                                                | Q(department_id__in=sorted(scope.department_ids)))
    evaluator = Q(reporter_id=user.id) | dispatcher if dispatcher is not None else Q(reporter_id=user.id)
    return {
        Owner.DISPATCHER: dispatcher,
        Owner.HANDLER: handler,
        Owner.PARTY: _party_rows(scope) if role == Role.DEPARTMENT_HANDLER else None,
        Owner.GRID_WORKER: served if role == Role.GRID_WORKER else None,
        Owner.EVALUATOR: evaluator,
        Owner.VIEWER: Q(),
    }


def _party_rows(scope) -> Q:
    """Joint cases where the user's unit has a part still to report in or to feed back (``workflow._part_refusal``
    as a condition on rows)."""
    open_parts = CaseParty.objects.filter(units_served(scope), summons__ended_at__isnull=True,
                                          status__in=[PartyStatus.SUMMONED, PartyStatus.HANDLING])
    return Q(joint=True, pk__in=open_parts.values("case_id"))


def waiting_on(user) -> QuerySet[Case]:
    """Cases on which an action of the current step is the user's to take now."""
    visible = Case.objects.visible_to(user)
    if not (getattr(user, "is_authenticated", False) and user.has_perm(CASE_WORKFLOW.permission)):
        return visible.none()
    owners = _owner_rows(user)
    # Steps with the same owner, tiers and guard differ only in their statuses: one clause each.
    statuses: dict[tuple, set[str]] = {}
    for action in STEP_ACTIONS:
        transition = TRANSITIONS[action]
        if owners[transition.who] is not None:
            statuses.setdefault((transition.who, transition.tiers, transition.guard), set()).update(transition.sources)
    clauses = []
    for (who, tiers, guard), sources in statuses.items():
        clause = Q(status__in=sorted(sources), tier__in=list(tiers)) & owners[who]
        clauses.append(clause & GUARD_ROWS[guard] if guard else clause)
    return visible.filter(reduce(or_, clauses)) if clauses else visible.none()


def step_actions(user, case: Case) -> list[tuple[str, str]]:
    """The actions of the case's current step the user may take now, labelled, main one first:
    what an inbox row offers (non-empty exactly when the case is in ``waiting_on(user)``)."""
    mine = set(available_actions(user, case))
    return [(action, CASE_WORKFLOW.label(action)) for action in STEP_ACTIONS if action in mine]


ORDERS = {"oldest": ["id"], "due": ["due_at", "-id"]}


def filtered(queryset: QuerySet[Case], params, sort: str = "") -> QuerySet[Case]:
    """The inbox's filters (the same FilterSet as the API's list), in the order asked for."""
    return CaseFilter(params, queryset=queryset).qs.order_by(*ORDERS.get(sort, ["-id"]))


def listed(user, params, view: str, sort: str = "") -> QuerySet[Case]:
    """The case list's rows: those waiting on the user (view "mine") or all they see, filtered by ``params``."""
    base = waiting_on(user) if view == "mine" else Case.objects.visible_to(user)
    return filtered(base, params, sort)
