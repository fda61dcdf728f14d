"""How a case's trail (流转记录) reads: one sentence per event, in the reader's language.

Every kind of event the journal writes — the workflow's actions (``workflow.Action``), creation,
photos, merges seen from the case merged into, a caller's follow-up call, the deadline sweep's system actions and a
resident's rating — has a sentence here (``SENTENCES``; a test iterates over all kinds). The
sentence says who did what in words ("李网格 立案", "派遣至 学院路城管分队，限 2 个工作日"); what
was written with it (a reason, a result, a comment) follows as notes; a change of status or tier
reads as labels; integrity data (the event's hash, a photo's SHA-256 and size) is kept apart for
a folded detail and never enters the sentence.

Names behind codes (a dispatch target, a returned handler) are looked up once for the whole trail,
so a long trail costs no more queries than a short one.
"""
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.calendar import working_periods
from grids.models import Department, StreetUnit

from .deadlines import step_limit_hours
from .models import Attachment, Case, CaseEvent
from .workflow import (
    ABSORB,
    ATTACH,
    CALLBACK,
    CREATE,
    FOLLOW_UP,
    SYSTEM_ESCALATE,
    SYSTEM_EVALUATE,
    SYSTEM_OVERDUE,
    SYSTEM_WARN,
    Action,
    Status,
    Tier,
    Urgency,
    Whistle,
)

User = get_user_model()

# Actor labels the journal writes for events without a staff member (see journal.actor_label,
# services.case_create, services.case_evaluate_by_token and the sweep).
SYSTEM_LABEL = "system"
ANONYMOUS_LABELS = ("public", "resident")


@dataclass
class TrailLine:
    """One event as the page shows it."""

    seq: int
    at: dt.datetime
    actor: str
    sentence: SafeString
    notes: list[tuple[str, str]] = field(default_factory=list)  # (label, text): reason, result, comment
    change: str = ""  # "信息采集 → 案卷建立", "小循环（街镇） → 大循环（区级）"
    integrity: list[tuple[str, str]] = field(default_factory=list)  # (label, token)
    system: bool = False


class Context:
    """What sentences need beyond the event: the case, and names behind the codes of the trail."""

    def __init__(self, case: Case, names: dict[str, str]):
        self.case = case
        self.names = names

    def name_of(self, code: str) -> str:
        return self.names.get(code) or code


# ---------------------------------------------------------------- words

def satisfaction_words(score) -> str:
    """A rating as words and points: "满意（4 分）"."""
    words = {5: _("Very satisfied"), 4: _("Satisfied"), 3: _("Fairly satisfied"), 2: _("Dissatisfied"),
             1: _("Very dissatisfied")}
    try:
        score = int(score)
    except (TypeError, ValueError):
        return str(score)
    return _("%(words)s (%(score)s of 5)") % {"words": words.get(score, ""), "score": score}


def moment(value) -> str:
    """A date-time in Beijing time, short: "12月4日 17:00" (with the year when it is not this year)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is None:
        return "—"
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    this_year = local.year == timezone.localtime().year
    return dateformat.format(local, _("M j, H:i") if this_year else _("M j, Y, H:i"))


def _number(value: Decimal) -> str:
    text = f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"
    return text or "0"


def step_limit(case: Case, step: str) -> str:
    """A step's limit in words: "2 个工作日", "6 个工作小时", urgent cases "4 小时"."""
    hours = step_limit_hours(case.category, step, case.urgency == Urgency.URGENT)
    if case.urgency == Urgency.URGENT:
        return _("%(n)s hours") % {"n": _number(hours)}
    day = Decimal(sum((dt.datetime.combine(dt.date.min, end) - dt.datetime.combine(dt.date.min, start)).seconds
                      for start, end in working_periods())) / 3600
    if day and hours >= day and hours % day == 0:
        days = hours / day
        return _("1 working day") if days == 1 else _("%(n)s working days") % {"n": _number(days)}
    return _("1 working hour") if hours == 1 else _("%(n)s working hours") % {"n": _number(hours)}


def tier_unit(tier: str) -> str:
    """Who dispatches in a tier, as an escalation goes to them."""
    return {Tier.MICRO: _("the community"), Tier.SMALL: _("the street sub-centre"),
            Tier.LARGE: _("the district command centre")}.get(tier, tier)


def _case_link(number: str) -> SafeString:
    return format_html('<a href="{}">{}</a>', reverse("cases:detail", args=[number]), number)


def actor_name(event: CaseEvent) -> str:
    """Who did it, in words: a staff member's name, "系统", "居民" (or the resident's own name)."""
    label = event.actor_label
    if event.actor_id is None and label == SYSTEM_LABEL:
        return _("System")
    if event.actor_id is None and (not label or label in ANONYMOUS_LABELS):
        return _("A resident")
    return label


def _is_resident(event: CaseEvent, case: Case) -> bool:
    """Done by a resident (on the public pages), not by staff, the sweep or a connected system."""
    return event.actor_id is None and event.actor_label != SYSTEM_LABEL and not (
        case.open311_client_id and event.action == CREATE)


def _resident(event: CaseEvent, actor: str, case: Case) -> str:
    """A named resident is marked as one: "王先生（居民）"."""
    if _is_resident(event, case) and actor != _("A resident"):
        return _("%(name)s (resident)") % {"name": actor}
    return actor


# ---------------------------------------------------------------- the sentences, per kind

Sentence = Callable[[CaseEvent, str, dict, Context], SafeString]


def _says(template: str, **values) -> SafeString:
    """A translated sentence with its values escaped (values may be safe HTML, e.g. a link)."""
    return mark_safe(conditional_escape(template) % {k: conditional_escape(v) for k, v in values.items()})


def _create(event, actor, payload, ctx):
    case = ctx.case
    return _says(_("%(actor)s reported it: %(category)s, %(grid)s"), actor=_resident(event, actor, case),
                 category=case.category.name, grid=case.grid.name)


def _dispatch(event, actor, payload, ctx):
    return _says(_("%(actor)s dispatched it to %(to)s, due within %(limit)s"), actor=actor,
                 to=ctx.name_of(str(payload.get("to", ""))), limit=step_limit(ctx.case, "handle"))


def _summon(event, actor, payload, ctx):
    units = [_("%(unit)s (lead)") % {"unit": ctx.name_of(str(payload.get("lead", "")))}]
    units += [ctx.name_of(str(code)) for code in payload.get("co_handlers", [])]
    return _says(_("%(actor)s blew the %(whistle)s, summoning %(units)s to report in by %(due)s"), actor=actor,
                 whistle=_whistle(payload.get("kind")), units="、".join(units),
                 due=moment(payload.get("report_due_at")))


def _whistle(kind) -> str:
    return str(Whistle(kind).label) if kind in Whistle.values else str(kind)


def _report_in(event, actor, payload, ctx):
    unit = ctx.name_of(str(payload.get("unit", "")))
    if payload.get("late"):
        return _says(_("%(actor)s reported in for %(unit)s, late (due %(due)s)"), actor=actor, unit=unit,
                     due=moment(payload.get("report_due_at")))
    return _says(_("%(actor)s reported in for %(unit)s"), actor=actor, unit=unit)


def _party_feedback(event, actor, payload, ctx):
    return _says(_("%(actor)s fed back the part of %(unit)s"), actor=actor, unit=ctx.name_of(str(payload.get("unit"))))


def _party_return(event, actor, payload, ctx):
    unit = ctx.name_of(str(payload.get("unit", "")))
    if payload.get("ended"):
        return _says(_("%(actor)s returned the lead's part for %(unit)s; the summons ended"), actor=actor, unit=unit)
    return _says(_("%(actor)s returned the part of %(unit)s"), actor=actor, unit=unit)


def _rework(event, actor, payload, ctx):
    if payload.get("party"):
        return _says(_("%(actor)s sent the part of %(unit)s back for rework"), actor=actor,
                     unit=ctx.name_of(str(payload["party"])))
    return _says(_("%(actor)s sent it back for rework"), actor=actor)


def _merge(event, actor, payload, ctx):
    return _says(_("%(actor)s merged it into %(number)s"), actor=actor, number=_case_link(str(payload.get("into"))))


def _absorb(event, actor, payload, ctx):
    return _says(_("%(actor)s merged %(number)s into this case"), actor=actor,
                 number=_case_link(str(payload.get("merged"))))


def _escalate(event, actor, payload, ctx):
    return _says(_("%(actor)s escalated it to %(unit)s"), actor=actor, unit=tier_unit(event.to_tier))


def _request_extension(event, actor, payload, ctx):
    return _says(_("%(actor)s asked for an extension until %(until)s"), actor=actor,
                 until=moment(payload.get("until")))


def _approve_extension(event, actor, payload, ctx):
    return _says(_("%(actor)s approved the extension until %(until)s"), actor=actor,
                 until=moment(payload.get("until")))


def _deny_extension(event, actor, payload, ctx):
    return _says(_("%(actor)s denied the extension until %(until)s"), actor=actor,
                 until=moment(payload.get("until")))


def _evaluate(event, actor, payload, ctx):
    rating = satisfaction_words(payload.get("satisfaction"))
    if payload.get("callback"):  # the rating the reporter gave on a callback (callbacks.py)
        return _says(_("%(actor)s recorded the reporter's rating from the callback: %(rating)s"), actor=actor,
                     rating=rating)
    if _is_resident(event, ctx.case) and actor == _("A resident"):
        return _says(_("Resident's rating: %(rating)s"), rating=rating)
    return _says(_("%(actor)s rated it: %(rating)s"), actor=_resident(event, actor, ctx.case), rating=rating)


def _callback(event, actor, payload, ctx):
    if not payload.get("reached"):
        return _says(_("%(actor)s called the reporter back: not reached"), actor=actor)
    answer = _("solved") if payload.get("solved") else _("not solved")
    if payload.get("satisfaction") is None:
        return _says(_("%(actor)s called the reporter back: %(answer)s"), actor=actor, answer=answer)
    return _says(_("%(actor)s called the reporter back: %(answer)s, %(rating)s"), actor=actor, answer=answer,
                 rating=satisfaction_words(payload.get("satisfaction")))


def _attach(event, actor, payload, ctx):
    stage = dict(Attachment.Stage.choices).get(payload.get("stage"), "")
    return _says(_("%(actor)s added a photo (%(stage)s)"), actor=_resident(event, actor, ctx.case), stage=stage)


def _follow_up(event, actor, payload, ctx):
    caller = str(payload.get("caller_name") or "").strip() or _("the caller")
    return _says(_("%(actor)s took another call from %(caller)s about this case"), actor=actor, caller=caller)


def _simple(template: str) -> Sentence:
    """A sentence that needs only the actor (the template is looked up in the reader's language)."""
    return lambda event, actor, payload, ctx: _says(_(template), actor=actor)


def _system(template: str, key: str = "due_at") -> Sentence:
    return lambda event, actor, payload, ctx: _says(_(template), due=moment(payload.get(key)),
                                                    unit=tier_unit(event.to_tier),
                                                    rating=satisfaction_words(payload.get("satisfaction")))


SENTENCES: dict[str, Sentence] = {
    CREATE: _create,
    ATTACH: _attach,
    ABSORB: _absorb,
    FOLLOW_UP: _follow_up,
    Action.FILE: _simple(gettext_noop("%(actor)s filed the case")),
    Action.REJECT: _simple(gettext_noop("%(actor)s did not file the case")),
    Action.MERGE: _merge,
    Action.DISPATCH: _dispatch,
    Action.ACCEPT: _simple(gettext_noop("%(actor)s accepted the task")),
    Action.RETURN: _simple(gettext_noop("%(actor)s returned it to the dispatcher")),
    Action.FEEDBACK: _simple(gettext_noop("%(actor)s fed back the result")),
    Action.HANDLE_ON_SPOT: _simple(gettext_noop("%(actor)s handled it on the spot")),
    Action.VERIFY: _simple(gettext_noop("%(actor)s verified the result and closed the case")),
    Action.REWORK: _rework,
    Action.SUMMON: _summon,
    Action.REPORT_IN: _report_in,
    Action.PARTY_FEEDBACK: _party_feedback,
    Action.PARTY_RETURN: _party_return,
    Action.ESCALATE: _escalate,
    Action.REQUEST_EXTENSION: _request_extension,
    Action.APPROVE_EXTENSION: _approve_extension,
    Action.DENY_EXTENSION: _deny_extension,
    Action.EVALUATE: _evaluate,
    Action.REOPEN: _simple(gettext_noop("%(actor)s reopened it after the callback and sent it back for rework")),
    CALLBACK: _callback,
    Action.COMMENT: _simple(gettext_noop("%(actor)s added a comment")),
    SYSTEM_WARN: _system(gettext_noop("System: due soon (yellow light), due %(due)s")),
    SYSTEM_OVERDUE: _system(gettext_noop("System: overdue (red light), was due %(due)s")),
    SYSTEM_ESCALATE: _system(gettext_noop("System: overdue, escalated automatically to %(unit)s")),
    SYSTEM_EVALUATE: _system(gettext_noop("System: nobody rated it in time, rated by default: %(rating)s")),
}
SYSTEM_KINDS = (SYSTEM_WARN, SYSTEM_OVERDUE, SYSTEM_ESCALATE, SYSTEM_EVALUATE)


def _notes(event: CaseEvent, payload: dict) -> list[tuple[str, str]]:
    """What was written with the event, labelled. The sweep's automatic escalation carries its
    reason in the language of the moment it ran; its sentence says it already."""
    notes = []
    if event.action == SYSTEM_ESCALATE:
        return notes
    note = _("The caller says") if event.action == FOLLOW_UP else _("Note")
    for key, label in (("reason", _("Reason")), ("result", _("Result")), ("comment", _("Comment")), ("note", note)):
        text = str(payload.get(key) or "").strip()
        if text:
            notes.append((label, text))
    return notes


def _change(event: CaseEvent) -> str:
    statuses, tiers = dict(Status.choices), dict(Tier.choices)
    parts = []
    if event.from_status != event.to_status:
        to = statuses.get(event.to_status, event.to_status)
        parts.append(f"{statuses[event.from_status]} → {to}" if event.from_status in statuses else str(to))
    if event.from_tier and event.from_tier != event.to_tier:
        parts.append(f"{tiers.get(event.from_tier, event.from_tier)} → {tiers.get(event.to_tier, event.to_tier)}")
    return _("; ").join(parts)


def _integrity(event: CaseEvent, payload: dict) -> list[tuple[str, str]]:
    rows = [(_("Record hash"), event.hash)]
    if event.prev_hash:
        rows.append((_("Previous record hash"), event.prev_hash))
    if payload.get("sha256"):
        rows.append((_("Photo SHA-256"), str(payload["sha256"])))
    if payload.get("size") is not None and event.action == ATTACH:
        rows.append((_("Photo size"), _("%(n)s bytes") % {"n": f"{int(payload['size']):,}"}))
    return rows


def describe(event: CaseEvent, ctx: Context) -> TrailLine:
    payload = event.payload or {}
    actor = actor_name(event)
    sentence = SENTENCES.get(event.action)
    if sentence is None:  # a kind written by a newer version of the code: say at least who and when
        text = _says(_("%(actor)s: %(action)s"), actor=actor, action=event.action)
    else:
        text = sentence(event, actor, payload, ctx)
    return TrailLine(seq=event.seq, at=event.created_at, actor=actor, sentence=text, notes=_notes(event, payload),
                     change=_change(event), integrity=_integrity(event, payload),
                     system=event.action in SYSTEM_KINDS)


NAMING_ACTIONS = (Action.DISPATCH, Action.RETURN, Action.SUMMON, Action.REPORT_IN, Action.PARTY_FEEDBACK,
                  Action.PARTY_RETURN, Action.REWORK)


def _names(events: Iterable[CaseEvent]) -> dict[str, str]:
    """Names of the people, stations and departments the trail names by code (a few queries at
    most, however long the trail)."""
    codes = {str(e.payload.get(key)) for e in events for key in ("to", "from", "lead", "unit", "party")
             if e.action in NAMING_ACTIONS and e.payload.get(key)}
    codes |= {str(code) for e in events if e.action == Action.SUMMON for code in e.payload.get("co_handlers", [])}
    if not codes:
        return {}
    names = dict(StreetUnit.objects.filter(code__in=codes).values_list("code", "name"))
    rest = codes - set(names)
    if rest:
        names.update(Department.objects.filter(code__in=rest).values_list("code", "name"))
        rest -= set(names)
    if rest:
        names.update(User.objects.filter(username__in=rest, staff_profile__isnull=False)
                     .values_list("username", "staff_profile__full_name"))
    return names


def case_trail(case: Case, events: Iterable[CaseEvent] | None = None) -> list[TrailLine]:
    """The trail of a case as sentences, oldest first."""
    events = list(case.events.order_by("seq") if events is None else events)
    ctx = Context(case, _names(events))
    return [describe(event, ctx) for event in events]
