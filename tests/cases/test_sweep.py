"""The deadline sweep: yellow, red, automatic escalation, default evaluation; never twice."""
import datetime as dt

import pytest
from django.core import mail

from cases.integrity import verify_trails
from cases.models import Case
from cases.sweeps import sweep_deadlines
from core.models import Notification
from core.tasks import deliver_notification_outbox

from .conftest import MICRO_CATEGORY, STATION_A, act, new_case, notified, trail

pytestmark = pytest.mark.django_db


def test_yellow_at_80_percent_then_red_then_escalation(cast, django_capture_on_commit_callbacks):
    case = new_case(cast.community_a, MICRO_CATEGORY)  # filed: 2 working hours to dispatch
    report = sweep_deadlines(now=case.warn_at - dt.timedelta(seconds=1))
    assert report.total == 0

    report = sweep_deadlines(now=case.warn_at)
    case.refresh_from_db()
    assert (report.warned, case.light, case.next_due_at) == (1, "yellow", case.due_at)
    assert notified(cast.community_a, case, "warning")

    report = sweep_deadlines(now=case.due_at)
    case.refresh_from_db()
    assert (report.overdue, case.light, case.overdue_steps, case.next_due_at) == (1, "red", 1, case.escalate_at)
    assert notified(cast.community_a, case, "overdue")

    report = sweep_deadlines(now=case.escalate_at)
    case.refresh_from_db()
    assert report.escalated == 1
    assert (case.tier, case.status, case.light, case.escalation_count, case.overdue_steps) == (
        "small", "filed", "green", 1, 1)
    assert notified(cast.dispatcher_a, case, "escalated")
    assert [a for a, *_ in trail(case)][-3:] == ["warn", "overdue", "auto_escalate"]
    assert verify_trails([case.number])[1] == []


def test_a_late_sweep_jumps_straight_to_the_furthest_threshold(cast):
    case = new_case(cast.community_a, MICRO_CATEGORY)
    report = sweep_deadlines(now=case.escalate_at + dt.timedelta(hours=1))
    case.refresh_from_db()
    assert report.escalated == 1 and case.tier == "small" and case.overdue_steps == 1


def test_running_the_sweep_twice_warns_once(cast):
    case = new_case(cast.community_a, MICRO_CATEGORY)
    assert sweep_deadlines(now=case.warn_at).warned == 1
    assert sweep_deadlines(now=case.warn_at).total == 0
    assert Notification.objects.filter(subject=case.number, kind="warning").count() == 1


def test_large_cases_turn_red_but_have_nowhere_to_escalate(cast):
    case = new_case(cast.commander, "E0401")
    sweep_deadlines(now=case.due_at)
    case.refresh_from_db()
    assert (case.light, case.next_due_at) == ("red", None)
    assert sweep_deadlines(now=case.due_at + dt.timedelta(days=30)).total == 0


def test_handlers_are_warned_while_the_case_is_with_them(cast, small_case):
    act(cast.dispatcher_a, small_case, "file")
    case = act(cast.dispatcher_a, small_case, "dispatch", department=STATION_A)
    sweep_deadlines(now=case.warn_at)
    assert notified(cast.station_a, case, "warning") and not notified(cast.dispatcher_a, case, "warning")


def test_an_action_after_the_deadline_counts_the_step_as_overdue_once(cast, small_case):
    act(cast.dispatcher_a, small_case, "file")
    case = Case.objects.get(pk=small_case.pk)
    late = case.due_at + dt.timedelta(minutes=5)
    case = act(cast.dispatcher_a, case, "dispatch", now=late, department=STATION_A)
    assert case.overdue_steps == 1 and case.light == "green"


def test_closed_cases_nobody_rates_are_evaluated_by_default(cast, small_case, settings):
    act(cast.dispatcher_a, small_case, "file")
    act(cast.dispatcher_a, small_case, "dispatch", department=STATION_A)
    act(cast.station_a, small_case, "accept")
    act(cast.station_a, small_case, "feedback", result="done")
    case = act(cast.dispatcher_a, small_case, "verify")
    assert case.next_due_at == case.closed_at + dt.timedelta(hours=settings.CASE_EVALUATION_WINDOW_HOURS)
    report = sweep_deadlines(now=case.next_due_at)
    case.refresh_from_db()
    assert report.evaluated == 1
    assert (case.status, case.satisfaction, case.satisfaction_defaulted) == (
        "evaluated", settings.CASE_DEFAULT_SATISFACTION, True)
    assert trail(case)[-1][0] == "default_evaluate"


def test_a_rated_case_is_not_evaluated_again(cast):
    case = new_case(cast.worker_a, MICRO_CATEGORY)
    act(cast.community_a, case, "file")
    act(cast.community_a, case, "dispatch", assignee="worker_a")
    act(cast.worker_a, case, "accept")
    act(cast.worker_a, case, "feedback", result="ok")
    case = act(cast.community_a, case, "verify")
    act(cast.community_a, case, "evaluate", satisfaction=2, comment="不太满意")  # the resident's word, recorded
    assert sweep_deadlines(now=case.closed_at + dt.timedelta(days=30)).total == 0
    assert Case.objects.get(pk=case.pk).satisfaction == 2


def test_warnings_are_mailed_to_people_with_an_address(cast, django_capture_on_commit_callbacks):
    cast.community_a.email = "community@example.org"
    cast.community_a.save()
    case = new_case(cast.community_a, MICRO_CATEGORY)
    with django_capture_on_commit_callbacks() as callbacks:
        sweep_deadlines(now=case.warn_at)
    assert len(callbacks) == 1  # one delivery kick per sweep batch, after commit
    assert not mail.outbox  # nothing is mailed inside the transaction
    deliver_notification_outbox.apply()  # what the worker runs
    deliver_notification_outbox.apply()  # a second run (beat's) sends nothing twice
    assert [m.to for m in mail.outbox] == [["community@example.org"]]
    assert case.number in mail.outbox[0].subject
    assert Notification.objects.get(subject=case.number, kind="warning", user=cast.community_a).emailed_at is not None
