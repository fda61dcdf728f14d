"""The three rates (三率) from a small history worked by hand, and the dashboard showing them in Chinese.

Five urgent cases of street A, dispatched to A's 城管分队 three days ago (urgent: 30 clock minutes to accept),
and a sixth dispatched five minutes before the cut-off:

| case | accepted        | callbacks (reached?, solved?, satisfaction) | own rating          |
|------|-----------------|---------------------------------------------|---------------------|
| c1   | +10 min: on time| reached, solved, 5 (rates the unrated case) | 5 (from callback)   |
| c2   | +60 min: late   | reached, NOT solved, 4 → reopened           | 2, cleared by reopen|
| c3   | never: late     | —                                           | —                   |
| c4   | +20 min: on time| not reached; reached, solved                | —                   |
| c5   | +20 min: on time| reached, solved, 5                          | 1 (the resident's)  |
| c6   | not yet, not due| —                                           | —                   |

响应率: due c1–c5 (c6 is neither accepted nor due yet) = 5, on time c1, c4, c5 = 3 → 3/5.
解决率: reached callbacks c1 ✓, c2 ✗, c4 ✓, c5 ✓ (c4's unreached one does not count) → 3/4.
满意率: rated c1 (5), c2 (no rating of its own after the reopen: its callback's 4), c5 (own 1; the callback's 5
never overrides it) = 3; satisfied c1, c2 = 2 → 2/3.
"""
import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.callbacks import callback_record
from cases.models import Case
from cases.rates import RateCounts, rate_counts
from evaluation.indicators import rates_by_unit
from grids.models import StreetUnit

from .conftest import STATION_A, act, new_case

pytestmark = pytest.mark.django_db


def dispatched(cast, at):
    case = new_case(cast.worker_a, urgency="urgent", now=at - dt.timedelta(minutes=5))
    act(cast.dispatcher_a, case, "file", now=at - dt.timedelta(minutes=1))
    return act(cast.dispatcher_a, case, "dispatch", department=STATION_A, now=at)


def closed(cast, at, accepted_after):
    case = dispatched(cast, at)
    act(cast.station_a, case, "accept", now=at + accepted_after)
    act(cast.station_a, case, "feedback", result="已处理", now=at + dt.timedelta(hours=2))
    return act(cast.dispatcher_a, case, "verify", now=at + dt.timedelta(hours=3))


@pytest.fixture
def history(cast):
    now = timezone.now()
    at = now - dt.timedelta(days=3)
    call = at + dt.timedelta(hours=5)
    c1 = closed(cast, at, dt.timedelta(minutes=10))
    callback_record(actor=cast.dispatcher_a, number=c1.number, reached=True, solved=True, satisfaction=5, now=call)
    c2 = closed(cast, at, dt.timedelta(minutes=60))
    act(cast.worker_a, c2, "evaluate", satisfaction=2, now=at + dt.timedelta(hours=4))
    callback_record(actor=cast.dispatcher_a, number=c2.number, reached=True, solved=False, satisfaction=4, now=call)
    act(cast.dispatcher_a, c2, "reopen", reason="回访未解决")
    c3 = dispatched(cast, at)
    c4 = closed(cast, at, dt.timedelta(minutes=20))
    callback_record(actor=cast.dispatcher_a, number=c4.number, reached=False, now=call)
    callback_record(actor=cast.dispatcher_a, number=c4.number, reached=True, solved=True,
                    now=call + dt.timedelta(hours=1))
    c5 = closed(cast, at, dt.timedelta(minutes=20))
    act(cast.worker_a, c5, "evaluate", satisfaction=1, now=at + dt.timedelta(hours=4))
    callback_record(actor=cast.dispatcher_a, number=c5.number, reached=True, solved=True, satisfaction=5, now=call)
    c6 = dispatched(cast, now - dt.timedelta(minutes=5))
    return [c1, c2, c3, c4, c5, c6], now


def test_the_three_rates_of_a_hand_worked_history(history):
    cases, now = history
    cohort = Case.objects.filter(pk__in=[c.pk for c in cases])
    counts = rate_counts(cohort, as_of=now)[None]
    assert counts == RateCounts(responses=5, responded_on_time=3, reached=4, solved=3, rated=3, satisfied=2)
    assert counts.response_rate == Decimal("0.6000")  # 3 / 5
    assert counts.resolution_rate == Decimal("0.7500")  # 3 / 4
    assert counts.satisfaction_rate == Decimal("0.6667")  # 2 / 3


def test_the_rates_are_read_at_the_cut_off_and_grouped_by_unit(history):
    cases, now = history
    cohort = Case.objects.filter(pk__in=[c.pk for c in cases])
    station = StreetUnit.objects.get(code=STATION_A)
    by_station = rate_counts(cohort, as_of=now, group_by="station_id")
    assert by_station == {station.pk: rate_counts(cohort, as_of=now)[None]}
    # Before any callback (an hour after the dispatch): only the responses are known, and c3 is already late.
    early = rate_counts(cohort, as_of=cases[0].dispatched_at + dt.timedelta(hours=1))[None]
    assert early == RateCounts(responses=5, responded_on_time=3)


def test_the_assessment_reads_the_same_rates_per_unit(history):
    cases, now = history
    start = min(c.created_at for c in cases)
    found = rates_by_unit(start=start, end=now, as_of=now, levels=["street", "station"])
    station = StreetUnit.objects.get(code=STATION_A)
    assert found[("station", station.pk)].response_rate == Decimal("0.6000")
    assert found[("street", cases[0].street_id)].resolution_rate == Decimal("0.7500")


def test_the_dashboard_shows_the_three_rates_in_chinese(client, cast, history):
    client.force_login(cast.commander)
    page = client.get(reverse("cases:dashboard"), {"street": "110108009"}).content.decode()
    for label in ("响应率", "解决率", "满意率"):
        assert label in page
    data = client.get(reverse("cases:dashboard-data"), {"street": "110108009"}).json()["three_rates"]
    assert (data["response"], data["resolution"], data["satisfaction"]) == (60.0, 75.0, 66.7)
