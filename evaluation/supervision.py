"""Residents' democratic supervision (民主评议), one transaction each: a community's supervision committee and
its representatives, the committee's half-yearly round, the questions it puts to the street office and the
department stations serving the community (and their answers), and its ratings of them.

A committee rates each unit once per round, on the scale residents rate a case with (1–5, satisfied from
4): ``services.compute_results`` counts the share satisfied as the residents' part of the unit's two-way
score. The round's state moves only through ``workflow.SUPERVISION_FLOW``; a question's through
``workflow.QUESTION_FLOW``.
"""
import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.services import text_field
from core.privacy import normalised_phone
from core.scoping import scope_of
from core.workflow import Step
from grids.models import Grid, StreetUnit

from .models import (
    Period,
    Representative,
    SupervisionCommittee,
    SupervisionQuestion,
    SupervisionRating,
    SupervisionRound,
)
from .parties import COMMUNITY_KINDS, STREET_CODE_LENGTH
from .services import period_ensure
from .workflow import QUESTION_FLOW, SUPERVISION_FLOW, QuestionAction, SupervisionAction

QUESTION_MAX, ANSWER_MAX, COMMENT_MAX = 2000, 4000, 500


def _text(value, field: str, limit: int, *, required: bool = True) -> str:
    return text_field({field: value}, field, limit, required=required)


# ---------------------------------------------------------------- committees


@transaction.atomic
def committee_create(*, actor, grid: str, name: str = "", formed_on: dt.date | None = None,
                     now: dt.datetime | None = None) -> SupervisionCommittee:
    """A community's committee: its community grid must be in the actor's area and have none yet."""
    community = Grid.objects.filter(code=str(grid or ""), level=Grid.Level.UNIT, kind__in=COMMUNITY_KINDS).first()
    if community is None or not scope_of(actor).covers(community.code):
        raise ValidationError({"grid": _("No community grid “%(code)s” in your area.") % {"code": grid}})
    if SupervisionCommittee.objects.filter(grid=community).exists():
        raise ValidationError({"grid": _("%(grid)s has a supervision committee already.") % {"grid": community.name}})
    name = _text(name, "name", 100, required=False) or _("%(grid)s residents' supervision committee") % {
        "grid": community.name}
    return SupervisionCommittee.objects.create(grid=community, name=name, created_by=actor,
                                               formed_on=formed_on or timezone.localdate(now or timezone.now()))


def _committee_to_change(actor, committee_id) -> SupervisionCommittee:
    committee = (SupervisionCommittee.objects.visible_to(actor, "change").select_related("grid")
                 .filter(pk=committee_id).first())
    if committee is None:
        raise Http404(_("No such supervision committee."))
    return committee


@transaction.atomic
def representative_add(*, actor, committee_id: int, name: str, phone: str, role: str = Representative.Role.MEMBER,
                       term_starts_on: dt.date, term_ends_on: dt.date) -> Representative:
    """A residents' representative for a term; a committee has one chair at a time."""
    committee = _committee_to_change(actor, committee_id)
    SupervisionCommittee.objects.select_for_update().get(pk=committee.pk)  # one chair check at a time
    name = _text(name, "name", 50)
    phone = normalised_phone(_text(phone, "phone", 20))
    if role not in Representative.Role.values:
        raise ValidationError({"role": _("A chair or a member.")})
    if term_ends_on <= term_starts_on:
        raise ValidationError({"term_ends_on": _("The term ends after it starts.")})
    chairs = committee.representatives.filter(role=Representative.Role.CHAIR, term_starts_on__lt=term_ends_on,
                                              term_ends_on__gt=term_starts_on)
    if role == Representative.Role.CHAIR and chairs.exists():
        raise ValidationError({"role": _("The committee has a chair for this term already.")})
    return Representative.objects.create(committee=committee, name=name, phone=phone, role=role,
                                         term_starts_on=term_starts_on, term_ends_on=term_ends_on)


# ---------------------------------------------------------------- rounds


@transaction.atomic
def supervision_round_open(*, actor, committee_id: int, period_code: str,
                           now: dt.datetime | None = None) -> tuple[SupervisionRound, bool]:
    """The committee's round of a half-year; a committee that has it gets it back (created False)."""
    committee = _committee_to_change(actor, committee_id)
    period = period_ensure(code=period_code)
    if period.kind != Period.Kind.HALF:
        raise ValidationError({"period": _("Democratic supervision is held per half-year (e.g. 2026H1).")})
    try:
        with transaction.atomic():
            return SupervisionRound.objects.get_or_create(
                committee=committee, period=period, defaults={"opened_at": now or timezone.now(), "opened_by": actor})
    except IntegrityError:  # opened at the same moment by someone else
        return SupervisionRound.objects.get(committee=committee, period=period), False


def _round_to_record(actor, round_id: int, action: str = SupervisionAction.RECORD,
                     now: dt.datetime | None = None) -> SupervisionRound:
    """The round, locked, once the workflow lets the actor take ``action`` on it (404 / 403 / 409)."""
    visible = SupervisionRound.objects.visible_to(actor).filter(pk=round_id)
    meeting = (SupervisionRound.objects.select_for_update(of=("self",)).select_related("committee__grid", "period")
               .filter(pk__in=visible.values("pk")).first())
    if meeting is None:
        raise Http404(_("No such supervision round."))
    SUPERVISION_FLOW.act(actor, meeting, action, now=now)
    return meeting


def serving_units(committee: SupervisionCommittee) -> list[tuple[str, str, StreetUnit | None]]:
    """(code, name, station) of the units a committee questions and rates: the street office of its
    community (no station) and the department stations in service in its street."""
    street = Grid.objects.get(code=committee.grid.code[:STREET_CODE_LENGTH])
    stations = StreetUnit.objects.filter(street=street, kind=StreetUnit.Kind.STATION, in_service=True)
    return [(street.code, street.name, None), *((s.code, s.name, s) for s in stations.order_by("code"))]


def _serving_unit(meeting: SupervisionRound, unit: str) -> tuple[str, StreetUnit | None]:
    for code, name, station in serving_units(meeting.committee):
        if code == str(unit or ""):
            return name, station
    raise ValidationError({"unit": _("“%(unit)s” is not the street office or a department station serving %(grid)s.")
                           % {"unit": unit, "grid": meeting.committee.grid.name}})


@transaction.atomic
def question_ask(*, actor, round_id: int, unit: str, text: str, now: dt.datetime | None = None) -> SupervisionQuestion:
    """Record a question the committee puts to a unit serving its community (409 once the round is closed)."""
    meeting = _round_to_record(actor, round_id, now=now)
    unit_name, station = _serving_unit(meeting, unit)
    return SupervisionQuestion.objects.create(round=meeting, station=station, unit_name=unit_name,
                                              text=_text(text, "text", QUESTION_MAX), asked_by=actor,
                                              asked_at=now or timezone.now())


@transaction.atomic
def rating_record(*, actor, round_id: int, unit: str, score, comment: str = "",
                  now: dt.datetime | None = None) -> SupervisionRating:
    """Record the committee's rating of a unit serving its community: once per unit and round, 1–5."""
    meeting = _round_to_record(actor, round_id, now=now)
    unit_name, station = _serving_unit(meeting, unit)
    if isinstance(score, bool) or str(score).strip() not in {str(value) for value in SupervisionRating.Score.values}:
        raise ValidationError({"score": _("A rating is a whole number from 1 (very dissatisfied) to 5 (very "
                                          "satisfied).")})
    if meeting.ratings.filter(station=station).exists():
        raise ValidationError({"unit": _("The committee has rated %(unit)s in this round already.")
                               % {"unit": unit_name}})
    return SupervisionRating.objects.create(round=meeting, station=station, unit_name=unit_name, score=int(score),
                                            comment=_text(comment, "comment", COMMENT_MAX, required=False),
                                            rated_by=actor, rated_at=now or timezone.now())


@SUPERVISION_FLOW.effect(SupervisionAction.CLOSE)
def _closed(meeting: SupervisionRound, step: Step) -> None:
    meeting.closed_at, meeting.closed_by = step.now, step.user


@transaction.atomic
def supervision_round_close(*, actor, round_id: int, now: dt.datetime | None = None) -> SupervisionRound:
    meeting = _round_to_record(actor, round_id, SupervisionAction.CLOSE, now=now)
    meeting.save(update_fields=["status", "closed_at", "closed_by"])
    return meeting


# ---------------------------------------------------------------- answers


@QUESTION_FLOW.effect(QuestionAction.ANSWER)
def _answered(question: SupervisionQuestion, step: Step) -> None:
    question.answer = _text(step.data["answer"], "answer", ANSWER_MAX)
    question.answered_at, question.answered_by = step.now, step.user


@transaction.atomic
def question_answer(*, actor, question_id: int, answer: str, now: dt.datetime | None = None) -> SupervisionQuestion:
    """The addressed unit answers, once (403 for anyone else, 409 when answered already)."""
    visible = SupervisionQuestion.objects.visible_to(actor).filter(pk=question_id)
    question = (SupervisionQuestion.objects.select_for_update(of=("self",))
                .select_related("round__committee__grid", "station").filter(pk__in=visible.values("pk")).first())
    if question is None:
        raise Http404(_("No such supervision question."))
    QUESTION_FLOW.act(actor, question, QuestionAction.ANSWER, {"answer": str(answer or "").strip()}, now=now)
    question.save(update_fields=["status", "answer", "answered_at", "answered_by"])
    return question
