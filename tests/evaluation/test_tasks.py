"""Celery beat: rounds open at the start of a half-year, evaluators are reminded before the deadline,
ended periods are computed — each job safe to run twice."""
import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from core.errors import Conflict
from core.models import Notification
from evaluation import tasks
from evaluation.models import Period, ResultRun, Round, ScoreSheet
from evaluation.parties import Party, parties_of, people_of
from evaluation.periods import containing
from evaluation.seeding import seed
from evaluation.services import round_open, rounds_remind, sheet_submit
from grids.models import Grid
from tests.conftest import SECTION_A, STREET_A, STREET_B

from .conftest import at

pytestmark = pytest.mark.django_db


def test_the_jobs_are_scheduled_in_the_database():
    scheduled = {task.task: task for task in PeriodicTask.objects.filter(task__startswith="evaluation.")}
    assert set(scheduled) == {tasks.OPEN_ROUNDS_TASK, tasks.REMIND_TASK, tasks.COMPUTE_TASK}
    assert all(task.enabled and task.crontab is not None for task in scheduled.values())


def test_seeding_twice_changes_nothing():
    assert not seed(demo=False).changed_anything


def test_the_round_of_the_current_half_year_opens_once(db):
    tasks.open_rounds.apply()
    tasks.open_rounds.apply()
    current = containing("half", timezone.localdate()).code
    assert list(Round.objects.values_list("period__code", flat=True)) == [current]
    assert ScoreSheet.objects.count() == Round.objects.get().sheets.count() > 0


def test_ended_periods_are_computed_once(history):
    tasks.compute_ended_periods.apply()
    tasks.compute_ended_periods.apply()
    today = timezone.localdate()
    expected = {containing("half", today).previous().code, containing("quarter", today).previous().code}
    assert set(ResultRun.objects.values_list("period__code", flat=True)) == expected
    assert ResultRun.objects.count() == 2
    assert Period.objects.filter(code__in=expected).count() == 2


def test_reminders_go_out_once_per_step_to_the_people_of_each_party(cast):
    assessment, _ = round_open(period_code="2026H1", now=at("2026-01-05"), deadline=at("2026-01-20", "18:00"))
    assert rounds_remind(now=at("2026-01-05", "10:00")) == 0  # 15 days left: nothing yet
    sent = rounds_remind(now=at("2026-01-18", "09:00"))  # 2.4 days left: the 14-, 7- and 3-day steps at once
    reminded = set(Notification.objects.values_list("user__username", flat=True))
    assert reminded == {"dispatcher_a", "dispatcher_b", "community_a", "bureau", "section_a"} and sent == 5
    assert rounds_remind(now=at("2026-01-18", "10:00")) == 0  # a second beat, a retry: nothing twice
    street_a = Notification.objects.get(user=cast.dispatcher_a)
    expected = ScoreSheet.objects.filter(round=assessment, evaluator_code=STREET_A).count()
    assert f" {expected} " in street_a.message
    assert (street_a.kind, street_a.subject, street_a.target) == ("warning", "2026H1", assessment)
    # The street submits everything; at the last step only the others are reminded.
    ScoreSheet.objects.filter(round=assessment, evaluator_code=STREET_A).update(status="submitted", total=80)
    assert rounds_remind(now=at("2026-01-20", "09:00")) == 4
    assert Notification.objects.filter(user=cast.dispatcher_a).count() == 1
    assert rounds_remind(now=at("2026-01-21")) == 0  # past the deadline


def test_whoever_may_fill_a_partys_sheets_is_reminded_and_nobody_else(cast):
    """The people reminded for a party are those its sheets let in (``parties_of``, from the scope): service held
    through a group counts (a street's relief rota), and another object permission on the street does not."""
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    street = Grid.objects.get(code=STREET_A)
    assign_perm("grids.view_grid", cast.dispatcher_b, street)  # may read 学院路's record, does not serve it
    assert usernames(people_of(Party.STREET, {STREET_A})) == {STREET_A: {"dispatcher_a"}}
    relief = Group.objects.create(name="学院路值班调度")
    assign_perm("grids.serve_grid", relief, street)
    cast.dispatcher_b.groups.add(relief)  # 青龙桥's dispatcher, on 学院路's rota too
    assert usernames(people_of(Party.STREET, {STREET_A, STREET_B})) == {
        STREET_A: {"dispatcher_a", "dispatcher_b"}, STREET_B: {"dispatcher_b"}}
    on_the_rota = type(cast.dispatcher_b).objects.get(pk=cast.dispatcher_b.pk)
    assert parties_of(on_the_rota)[Party.STREET] == {STREET_A, STREET_B}
    assert usernames(people_of(Party.SECTION, {SECTION_A})) == {SECTION_A: {"section_a"}}


def usernames(people: dict) -> dict:
    return {code: {user.username for user in users} for code, users in people.items()}


def test_rounds_past_their_deadline_close(cast):
    assessment, _ = round_open(period_code="2026H1", now=at("2026-01-05"), deadline=at("2026-01-20"))
    sheet = ScoreSheet.objects.filter(round=assessment, evaluator_code=STREET_A).first()
    tasks.compute_ended_periods.apply()  # today is past the deadline
    assessment.refresh_from_db()
    assert assessment.status == "closed"
    with pytest.raises(Conflict) as refused:
        sheet_submit(actor=cast.dispatcher_a, sheet_id=sheet.pk, scores={})
    assert "2026-01-20 09:00" in refused.value.message  # the deadline it missed
