"""The assessment's two lifecycles, each on one screen (``core.workflow``).

Result runs: the district's evaluators review a computed run and publish a reviewed one; the
system supersedes a period's drafts when a newer run is computed or another one is published.
Publishing needs a period whose outcomes are final and that has no published run yet.

Score sheets: the party a sheet names as its evaluator submits it, once, while the round takes
sheets. Residents' representatives have no login: holding the sheet's access code (``AccessCode``)
is what lets them submit it, through the same check as everyone else.

Two-way rounds are not a workflow: a round opens when it is created and the beat closes it at its
deadline; nobody acts on it.

Democratic supervision rounds (民主评议): the committee meets while its round is open; those who convene it
(its community's staff, its street's sub-centre, the district's evaluators) record its questions and
ratings then (``record``: the state does not move, but a closed round takes nothing more) and close it.
Each question is answered once, by the unit it is put to: a station's handlers, or the street's
sub-centre for the street office.
"""
from dataclasses import dataclass
from enum import Enum

from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.scoping import scope_of
from core.workflow import Transition, Workflow

from .models import ResultRun, Round, ScoreSheet, SupervisionQuestion, SupervisionRound
from .parties import STREET_CODE_LENGTH, Party, speaks_for

Run = ResultRun.Status
Sheet = ScoreSheet.Status
Meeting = SupervisionRound.Status
Question = SupervisionQuestion.Status
SHEET_PERMISSION = "evaluation.change_scoresheet"


class Who(Enum):
    EVALUATION_OFFICE = "evaluation_office"  # the district's evaluators (考评办)
    SHEET_EVALUATOR = "sheet_evaluator"  # the party the sheet names as its evaluator
    SYSTEM = "system"  # the platform itself; no person takes these steps
    CONVENER = "convener"  # those who convene a supervision committee: its community, street, the district
    ADDRESSEE = "addressee"  # the unit a supervision question is put to


class RunAction(TextChoices):
    REVIEW = "review", _("Review")
    PUBLISH = "publish", _("Publish")
    SUPERSEDE = "supersede", _("Supersede")


class SheetAction(TextChoices):
    SUBMIT = "submit", _("Submit")


class SupervisionAction(TextChoices):
    RECORD = "record", _("Record questions and ratings")
    CLOSE = "close", _("Close the round")


class QuestionAction(TextChoices):
    ANSWER = "answer", _("Answer")


def _minute(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def publishable(run: ResultRun) -> str | None:
    """Why the run cannot be published (its state aside), or None."""
    if ResultRun.objects.filter(period_id=run.period_id, status=Run.PUBLISHED).exclude(pk=run.pk).exists():
        return gettext("Period %(code)s already has published results.") % {"code": run.period.code}
    complete_at = run.period.complete_at(run.rule)
    if run.as_of < complete_at:
        return gettext("The results were computed before the period was complete (cut-off %(as_of)s); "
                       "recompute after %(end)s.") % {"as_of": _minute(run.as_of), "end": _minute(complete_at)}
    return None


def round_takes_sheets(sheet: ScoreSheet) -> str | None:
    """Why the sheet's round takes no more sheets, or None."""
    assessment = sheet.round
    if assessment.status != Round.Status.OPEN or timezone.now() >= assessment.deadline:
        return gettext("The round is closed: the deadline was %(deadline)s.") % {
            "deadline": _minute(assessment.deadline)}
    return None


T = Transition
RUN_TRANSITIONS = {
    RunAction.REVIEW: T((Run.COMPUTED,), Run.REVIEWED, Who.EVALUATION_OFFICE, RunAction.REVIEW.label),
    RunAction.PUBLISH: T((Run.REVIEWED,), Run.PUBLISHED, Who.EVALUATION_OFFICE, RunAction.PUBLISH.label,
                         guard=publishable),
    RunAction.SUPERSEDE: T((Run.COMPUTED, Run.REVIEWED), Run.SUPERSEDED, Who.SYSTEM, RunAction.SUPERSEDE.label),
}
SHEET_TRANSITIONS = {
    SheetAction.SUBMIT: T((Sheet.PENDING,), Sheet.SUBMITTED, Who.SHEET_EVALUATOR, SheetAction.SUBMIT.label,
                          needs=("scores",), guard=round_takes_sheets),
}
SUPERVISION_TRANSITIONS = {
    SupervisionAction.RECORD: T((Meeting.OPEN,), None, Who.CONVENER, SupervisionAction.RECORD.label),
    SupervisionAction.CLOSE: T((Meeting.OPEN,), Meeting.CLOSED, Who.CONVENER, SupervisionAction.CLOSE.label),
}
QUESTION_TRANSITIONS = {
    QuestionAction.ANSWER: T((Question.ASKED,), Question.ANSWERED, Who.ADDRESSEE, QuestionAction.ANSWER.label,
                             needs=("answer",)),
}


@dataclass(frozen=True)
class AccessCode:
    """Whoever holds a residents' sheet's access code: their key to that one sheet."""

    token: str
    is_authenticated = True
    is_active = True

    def has_perm(self, permission: str) -> bool:
        return permission == SHEET_PERMISSION


def fills_in(actor, sheet: ScoreSheet) -> bool:
    """Is ``actor`` the sheet's evaluator? (Nobody speaks for the residents: they hold the code.)"""
    if isinstance(actor, AccessCode):
        return sheet.evaluator_kind == Party.RESIDENTS and actor.token == sheet.token
    return speaks_for(actor, sheet.evaluator_kind, sheet.evaluator_code)


def convenes(user, meeting: SupervisionRound) -> bool:
    return scope_of(user).covers(meeting.committee.grid.code)


def is_addressed(user, question: SupervisionQuestion) -> bool:
    """The station's handlers (or its whole department's) for a station; the street's sub-centre for the
    street office."""
    if question.station_id is None:
        return speaks_for(user, Party.STREET, question.round.committee.grid.code[:STREET_CODE_LENGTH])
    scope = scope_of(user)
    return question.station_id in scope.station_ids or question.station.department_id in scope.department_ids


RUN_FLOW = Workflow("result run", RUN_TRANSITIONS, permission="evaluation.change_resultrun", deciders={
    Who.EVALUATION_OFFICE: lambda user, run: scope_of(user).everywhere,
    Who.SYSTEM: lambda user, run: False,
})
SHEET_FLOW = Workflow("score sheet", SHEET_TRANSITIONS, permission=SHEET_PERMISSION, deciders={
    Who.SHEET_EVALUATOR: fills_in,
})
SUPERVISION_FLOW = Workflow("supervision round", SUPERVISION_TRANSITIONS,
                            permission="evaluation.change_supervisionround", deciders={Who.CONVENER: convenes})
QUESTION_FLOW = Workflow("supervision question", QUESTION_TRANSITIONS,
                         permission="evaluation.change_supervisionquestion", deciders={Who.ADDRESSEE: is_addressed})
