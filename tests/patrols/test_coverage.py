"""Coverage per grid and street: the plans behind (fewer patrols than the plan asks over its period) and the
points nobody visited for PATROL_POINT_STALE_DAYS, on the grid and street pages, the command dashboard and the
API, in a bounded number of queries; and the patrol rate the assessment reads."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from evaluation.indicators import CaseCounts
from evaluation.models import SubjectResult
from evaluation.periods import QUARTER, containing
from evaluation.scoring import components, figures
from evaluation.services import run_compute
from grids.models import Grid
from patrols.coverage import coverage, patrol_counts
from patrols.models import Patrol
from patrols.services import patrol_check_in, patrol_end, patrol_start, plan_set
from tests.conftest import GRID_A, GRID_A2, STREET_A


def walk(user, grid, when, point=None):
    patrol = patrol_start(user=user, grid=grid, now=when)
    patrol_check_in(user=user, patrol=patrol, lat=grid.centroid_lat, lng=grid.centroid_lng, point=point, now=when)
    return patrol_end(user=user, patrol=patrol, now=when + dt.timedelta(minutes=40))


@pytest.fixture
def history(cast, plan_a, grid_a):
    """Grid A (twice a week): a patrol ten days ago at the gate, one two hours ago at the station — one patrol in
    its week, behind; the gate not visited for ten days. Grid A2 (once every three days, no points): one patrol
    today by the street's dispatcher — on track."""
    now = timezone.now()
    walk(cast.worker_a, grid_a, now - dt.timedelta(days=10), plan_a.gate)
    walk(cast.worker_a, grid_a, now - dt.timedelta(hours=2), plan_a.station)
    grid_a2 = Grid.objects.get(code=GRID_A2)
    plan_set(user=cast.dispatcher_a, grid=grid_a2, times=1, every_days=3)
    walk(cast.dispatcher_a, grid_a2, now - dt.timedelta(hours=1))
    return now


def test_it_finds_the_plans_behind_and_the_points_not_visited_lately(cast, history, django_assert_max_num_queries):
    for user in (cast.dispatcher_a, cast.commander):  # their permissions and scope, loaded once per request
        coverage(user)
    with django_assert_max_num_queries(5):  # plans, patrols per grid and day, points: whatever the grids
        street = coverage(cast.dispatcher_a, STREET_A)
    assert [(p.grid_code, p.made, p.behind) for p in street.plans] == [(GRID_A, 1, True), (GRID_A2, 1, False)]
    assert (street.points, street.stale_count, [p.name for p in street.stale_points]) == (2, 1, ["东门"])
    assert [p.grid_code for p in coverage(cast.worker_a).plans] == [GRID_A]
    assert coverage(cast.worker_b).plans == [] and coverage(cast.worker_b).points == 0
    with django_assert_max_num_queries(5):
        district = coverage(cast.commander)
    assert (len(district.plans), len(district.behind), district.stale_count) == (2, 1, 1)


def test_the_grid_street_and_dashboard_pages_show_the_coverage(client, api_as, cast, history):
    client.force_login(cast.dispatcher_a)
    street_page = client.get(f"/cases/grids/{STREET_A}/").content.decode()
    assert 'id="patrol-coverage"' in street_page and "东门" in street_page and f"/cases/grids/{GRID_A}/" in street_page
    grid_page = client.get(f"/cases/grids/{GRID_A}/").content.decode()
    assert 'id="patrol-coverage"' in grid_page and "东门" in grid_page
    board = client.get("/cases/dashboard/data.json").json()["patrols"]
    assert {k: board[k] for k in ("plans", "behind", "points", "stale")} == {"plans": 2, "behind": 1, "points": 2,
                                                                              "stale": 1}
    assert [row["code"] for row in board["behind_grids"]] == [GRID_A]
    assert client.get("/cases/dashboard/").status_code == 200
    answer = api_as(cast.dispatcher_a).get(f"/api/v1/patrol-plans/coverage/?grid={STREET_A}").json()
    assert (answer["behind"], answer["stale_count"], answer["stale_points"][0]["name"]) == (1, 1, "东门")
    assert api_as(cast.dispatcher_b).get(f"/api/v1/patrol-plans/coverage/?grid={STREET_A}").status_code == 404


def test_the_assessment_reads_patrols_made_against_the_plan(cast, history):
    week = patrol_counts(start=history - dt.timedelta(days=7), end=history + dt.timedelta(seconds=1))
    grid_a, street_a = Grid.objects.get(code=GRID_A), Grid.objects.get(code=STREET_A)
    assert (week[("grid", grid_a.pk)].planned, week[("grid", grid_a.pk)].made) == (Decimal("2.00"), 1)
    assert week[("grid", grid_a.pk)].rate == Decimal("0.5")
    assert (week[("street", street_a.pk)].planned, week[("street", street_a.pk)].made) == (Decimal("4.33"), 2)
    parts = components(figures(CaseCounts(), {}), None, None, {}, patrol_rate=week[("grid", grid_a.pk)].rate)
    assert parts["patrol"] == Decimal("50.00")

    run = run_compute(period_code=containing(QUARTER, timezone.localdate()).code)
    result = SubjectResult.objects.get(run=run, kind="grid", code=GRID_A)
    made = Patrol.objects.filter(grid=grid_a, started_at__gte=run.period.start).count()
    assert result.patrols_made == made and result.patrols_planned > 0
    assert result.patrol_rate == min(Decimal(1), (made / result.patrols_planned).quantize(Decimal("0.0001")))
    assert result.components["patrol"] is not None
