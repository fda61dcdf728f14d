"""The quarterly bonus of community workers: by post (900 / 1,050 / 1,200 yuan on average), scaled by
each worker's quarterly score, from the quarter's published results; exported for the payroll."""
import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
from openpyxl import load_workbook

from core.roles import Role
from evaluation.models import BonusLine, BonusRun, SubjectResult
from evaluation.services import bonus_compute, bonus_rule_create, run_compute, worker_assess
from grids.services import staff_create
from tests.conftest import GRID_A, GRID_A2, GRID_B, PASSWORD, kept

from .conftest import publish

pytestmark = pytest.mark.django_db
API = "/api/v1/evaluation"
CENT = Decimal("0.01")


def worker(username, grid, post="general"):
    return staff_create(username=username, role=Role.GRID_WORKER, password=PASSWORD, full_name=username,
                        grid_code=grid, post=post, force_group="community", check_password=False)


@pytest.fixture
def workers(cast):
    return {"h1": worker("h1", GRID_A, "head"), "d1": worker("d1", GRID_A, "deputy"), "g1": worker("g1", GRID_A),
            "g2": worker("g2", GRID_A2), "gb": worker("gb", GRID_B), "community_a": cast.community_a}


@pytest.fixture
def q1(history, cast):
    return kept("published 2026Q1", lambda: publish(cast, "2026Q1"))


def grid_score(run) -> Decimal:
    return SubjectResult.objects.get(run=run, kind="grid", code=GRID_A).composite


def amounts(bonus) -> dict[str, Decimal]:
    return dict(BonusLine.objects.filter(bonus=bonus).values_list("username", "amount"))


def test_with_equal_scores_each_post_gets_its_average(q1, workers, cast):
    bonus, created = bonus_compute(actor=cast.evaluator, period_code="2026Q1")
    assert created and bonus_compute(actor=cast.evaluator, period_code="2026Q1") == (bonus, False)  # same inputs
    assert amounts(bonus) == {"h1": Decimal("1200.00"), "d1": Decimal("1050.00"), "g1": Decimal("900.00"),
                              "g2": Decimal("900.00"), "gb": Decimal("900.00"), "community_a": Decimal("900.00")}
    assert (bonus.workers, bonus.total) == (6, Decimal("5850.00"))
    line = BonusLine.objects.get(bonus=bonus, username="g2")
    # Grid A2 had no case: it takes the district mean of the scored grids, here grid A's alone.
    assert line.grid_score == grid_score(q1) and line.grid_code == GRID_A2


def test_scores_scale_the_bonus_and_each_post_still_averages_its_base(q1, workers, cast):
    bonus_rule_create(actor=cast.evaluator, base_by_post={"general": 900, "deputy": 1050, "head": 1200},
                      personal_weight="0.5")
    worker_assess(actor=cast.community_a, period_code="2026Q1", username="g1", score=100, comment="表现突出")
    worker_assess(actor=cast.dispatcher_a, period_code="2026Q1", username="g2", score=60)
    bonus, _ = bonus_compute(actor=cast.evaluator, period_code="2026Q1")
    x = grid_score(q1)
    g1 = ((x + 100) / 2).quantize(CENT, ROUND_HALF_UP)
    g2 = ((x + 60) / 2).quantize(CENT, ROUND_HALF_UP)
    mean = (g1 + g2 + x + x) / 4
    expected = {name: (900 * score / mean).quantize(CENT, ROUND_HALF_UP)
                for name, score in (("g1", g1), ("g2", g2), ("gb", x), ("community_a", x))}
    got = amounts(bonus)
    assert {name: got[name] for name in expected} == expected
    assert got["g1"] > got["community_a"] > got["g2"]
    assert abs(sum(expected.values()) - 4 * 900) <= Decimal("0.02")  # rounding to the fen only
    assert got["h1"] == Decimal("1200.00")


def test_absolute_scaling_and_the_floor(q1, workers, cast):
    bonus_rule_create(actor=cast.evaluator, base_by_post={"general": 900, "deputy": 1050, "head": 1200},
                      scaling="absolute", personal_weight="1", floor_score="60")
    worker_assess(actor=cast.community_a, period_code="2026Q1", username="g1", score="59.99")
    worker_assess(actor=cast.community_a, period_code="2026Q1", username="h1", score=80)
    got = amounts(bonus_compute(actor=cast.evaluator, period_code="2026Q1")[0])
    assert got["g1"] == Decimal("0.00") and got["h1"] == Decimal("960.00")  # 1200 × 80 / 100
    assert got["d1"] == (1050 * grid_score(q1) / 100).quantize(CENT, ROUND_HALF_UP)


def test_a_bonus_needs_the_quarters_published_results(history, workers, api_as, cast):
    run_compute(period_code="2026Q1")  # computed, not published
    response = api_as(cast.evaluator).post(f"{API}/bonuses/", {"period": "2026Q1"}, format="json")
    assert response.status_code == 409
    assert not BonusRun.objects.exists()


def test_workers_are_assessed_within_ones_area_and_not_after_the_bonus(q1, workers, api_as, cast):
    body = {"period": "2026Q1", "username": "g2", "score": 70}
    assert api_as(cast.community_a).post(f"{API}/worker-assessments/", body, format="json").status_code == 400
    assert api_as(cast.dispatcher_b).post(f"{API}/worker-assessments/", body, format="json").status_code == 400
    assert api_as(cast.worker_a).post(f"{API}/worker-assessments/", body, format="json").status_code == 403
    assert api_as(cast.dispatcher_a).post(f"{API}/worker-assessments/", body, format="json").status_code == 201
    assert api_as(cast.dispatcher_b).get(f"{API}/worker-assessments/").json()["count"] == 0
    bonus_compute(actor=cast.evaluator, period_code="2026Q1")
    assert api_as(cast.dispatcher_a).post(f"{API}/worker-assessments/", body, format="json").status_code == 409


def test_the_payroll_export(q1, workers, api_as, cast, settings):
    settings.LANGUAGE_CODE = "en"  # the headers are read in English here
    response = api_as(cast.evaluator).post(f"{API}/bonuses/", {"period": "2026Q1"}, format="json")
    assert response.status_code == 201, response.json()
    bonus_id = response.json()["id"]
    export = api_as(cast.evaluator).get(f"{API}/bonuses/{bonus_id}/export/")
    assert export.status_code == 200
    book = load_workbook(io.BytesIO(export.content))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "Staff number" and rows[0][-1] == "Bonus (yuan)"
    assert len(rows) == 1 + 6
    by_user = {row[1]: row for row in rows[1:]}
    assert by_user["h1"][-1] == 1200 and by_user["h1"][3] == "Head post" and by_user["g2"][5] == GRID_A2
    totals = list(book.worksheets[1].iter_rows(values_only=True))
    assert ("General staff", 4, 3600, 900) in totals
    lines = api_as(cast.evaluator).get(f"{API}/bonuses/{bonus_id}/lines/").json()
    assert lines["count"] == 6
    assert api_as(cast.dispatcher_a).get(f"{API}/bonuses/{bonus_id}/export/").status_code == 403


def test_the_bonus_pages(q1, workers, client, cast):
    client.force_login(cast.evaluator)
    response = client.post("/evaluation/", {"form": "bonus", "bonus-period": "2026Q1"})
    bonus = BonusRun.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/evaluation/bonuses/{bonus.pk}/")
    page = client.get(f"/evaluation/bonuses/{bonus.pk}/")
    assert page.status_code == 200 and "1,200 元" in page.content.decode()
    assert client.get(f"/evaluation/bonuses/{bonus.pk}/export.xlsx").status_code == 200
    client.force_login(cast.dispatcher_a)
    assert client.get(f"/evaluation/bonuses/{bonus.pk}/").status_code == 403
