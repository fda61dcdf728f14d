"""Every indicator of the known history (see conftest.py), computed by hand.

Grid A's cohort in 2026H1 is c1–c8: 8 collected; 7 filed (c6 rejected); 5 closed before 1 July (c1, c2,
c3, c4, c7; c5 closed on 2 July, c8 still open); 4 closed on time (c3's filing was late); working
hours to closure 5 + 2.5 + 6 + 58 + 2.5 = 74 h = 266,400 s, mean 14.80 h; explicit ratings 5, 3, 4, 5
(c3's 5 is a default rating).
"""
from decimal import Decimal

import pytest

from evaluation.models import SubjectResult
from evaluation.services import rule_create, run_compute
from tests.cases.conftest import act, new_case
from tests.conftest import GRID_A, GRID_A2, STREET_A

from .conftest import at

pytestmark = pytest.mark.django_db
D = Decimal


def result(run, kind, code) -> SubjectResult:
    return SubjectResult.objects.get(run=run, kind=kind, code=code)


def test_it_counts_each_indicator_of_the_grid_by_hand(history):
    grid = result(run_compute(period_code="2026H1"), "grid", GRID_A)
    assert (grid.collected, grid.filed, grid.closed, grid.on_time_closed) == (8, 7, 5, 4)
    assert (grid.overdue, grid.reworked, grid.returned, grid.escalated, grid.extended) == (1, 1, 1, 1, 1)
    assert grid.closure_rate == D("0.7143")  # 5 / 7
    assert grid.on_time_rate == D("0.5714")  # 4 / 7
    assert grid.rework_rate == D("0.1429")  # 1 / 7
    assert grid.return_rate == D("0.1429")  # 1 / 7
    assert grid.escalation_rate == D("0.1250")  # 1 / 8 (escalation is counted over the collected)
    assert grid.handling_seconds == (5 + 2.5 + 6 + 58 + 2.5) * 3600
    assert grid.mean_handling_hours == D("14.80")  # 74 h / 5
    assert (grid.rated, grid.satisfaction_sum, grid.satisfied, grid.defaulted) == (4, 17, 3, 1)
    assert grid.satisfaction_mean == D("4.25")  # (5 + 3 + 4 + 5) / 4, c3's default rating left out
    assert grid.satisfied_share == D("0.7500")  # 3 of 4 rated 4 or 5


def test_it_scores_the_components_and_the_composite_by_hand(history):
    grid = result(run_compute(period_code="2026H1"), "grid", GRID_A)
    assert grid.components == {
        "closure": "71.43", "on_time": "57.14", "rework": "85.71", "return": "85.71", "escalation": "87.50",
        "handling": "90.56",  # (80 − 14.80) / (80 − 8) × 100
        "satisfaction": "75.00", "two_way": None, "survey": None,
        # The three rates: every dispatch accepted in time, no callback yet, the same four ratings (weighted 0).
        "response": "100.00", "resolution": None, "satisfaction_rate": "75.00",
        "patrol": None,  # grid A has no patrol plan
    }
    # Grid weights of rule v1 over the defined components: closure 20, on-time 20, rework 5, escalation 5,
    # speed 10, satisfaction 10 (return weighs 0 for a grid; no sheets, no survey).
    expected = (20 * D("71.43") + 20 * D("57.14") + 5 * D("85.71") + 5 * D("87.50") + 10 * D("90.56")
                + 10 * D("75.00")) / 70
    assert grid.composite == expected.quantize(D("0.01")) == D("72.76")
    assert grid.rank == 1


def test_it_counts_the_street_department_and_station_by_their_own_attribution(history):
    run = run_compute(period_code="2026H1")
    street = result(run, "street", STREET_A)
    assert (street.collected, street.filed, street.closed, street.handling_seconds) == (8, 7, 5, 266400)
    assert street.composite == D("74.80")  # street weights: on-time 15, return 5 — 5235.90 / 70
    # A case counts for the department it is (last) dispatched to: c6 never was; c7 went to the police
    # first, was returned and handled by urban enforcement.
    department = result(run, "department", "urban_enforcement")
    station = result(run, "station", "urban_enforcement-110108009")
    for unit in (department, station):
        assert (unit.collected, unit.filed, unit.closed, unit.on_time_closed, unit.returned) == (7, 7, 5, 4, 1)
        assert unit.escalation_rate == D("0.1429")  # 1 / 7
        assert unit.composite == D("73.50")
    police = result(run, "station", "police-110108009")
    assert police.collected == 0 and police.composite is None


def test_it_leaves_a_period_without_cases_empty_rather_than_zero(history):
    grid = result(run_compute(period_code="2025H2"), "grid", GRID_A)
    assert (grid.collected, grid.filed, grid.closed, grid.handling_seconds, grid.rated) == (0, 0, 0, 0, 0)
    assert grid.closure_rate is grid.mean_handling_hours is grid.satisfaction_mean is None
    assert grid.composite is None and grid.rank is None
    assert all(value is None for value in grid.components.values())


def test_a_case_crossing_the_boundary_counts_in_the_period_it_was_collected(history):
    h1 = result(run_compute(period_code="2026H1"), "grid", GRID_A)
    assert h1.collected == 8 and h1.closed == 5  # c5 collected and filed in H1, not closed by 1 July
    h2 = result(run_compute(period_code="2026H2", as_of=at("2026-07-10")), "grid", GRID_A)
    assert (h2.collected, h2.closed) == (0, 0)  # its closure on 2 July belongs to no H2 case


def test_outcomes_are_read_at_the_cut_off(history):
    # At 15:30 on 4 March: c1, c2 and c3 are collected; c3 (closing at 16:00) is filed but open.
    grid = result(run_compute(period_code="2026H1", as_of=at("2026-03-04", "15:30")), "grid", GRID_A)
    assert (grid.collected, grid.filed, grid.closed, grid.handling_seconds) == (3, 3, 2, (5 + 2.5) * 3600)
    assert (grid.rated, grid.satisfaction_sum) == (2, 8)


def test_a_rule_version_may_count_default_ratings(history, cast):
    rule = rule_create(actor=cast.evaluator, weights={"grid": {"satisfaction": 100}, "street": {"closure": 100},
                                                      "department": {"closure": 100}, "station": {"closure": 100}},
                       parameters={"count_default_ratings": True})
    assert rule.version == 2
    grid = result(run_compute(period_code="2026H1", rule_version=2), "grid", GRID_A)
    assert (grid.rated, grid.satisfaction_sum, grid.satisfied) == (5, 22, 4)
    assert grid.satisfaction_mean == D("4.40") and grid.satisfied_share == D("0.8000")
    assert grid.composite == D("80.00")  # only satisfaction weighs


def test_grids_are_ranked_in_the_district_and_in_their_street(history, cast):
    c = new_case(cast.worker_a, grid_code=GRID_A2, now=at("2026-03-09"))
    act(cast.dispatcher_a, c, "file", now=at("2026-03-09", "09:10"))
    run = run_compute(period_code="2026H1")
    a, a2 = result(run, "grid", GRID_A), result(run, "grid", GRID_A2)
    # GRID_A2: 1 filed, 0 closed → closure 0, on-time 0, speed undefined; rework and escalation 100.
    assert a2.composite == D("20.00")  # (20·0 + 20·0 + 5·100 + 5·100) / 50
    assert (a.rank, a2.rank) == (1, 2) and (a.rank_in_street, a2.rank_in_street) == (1, 2)
    assert SubjectResult.objects.filter(run=run, kind="grid", rank__isnull=False).count() == 2
