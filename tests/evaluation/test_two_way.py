"""Two-way assessment (双向考评): a round opens exactly the pairs the source describes; each sheet is
submitted once, only by its evaluator; the results take the mean of each flow that rates a unit."""
from collections import Counter
from decimal import Decimal

import pytest

from evaluation.models import Round, ScoreSheet, SubjectResult
from evaluation.services import round_open, run_compute, sheet_submit_by_token
from grids.models import Department, Grid, StreetUnit
from tests.conftest import GRID_A, STREET_A, STREET_B, kept

from .conftest import at

pytestmark = pytest.mark.django_db
OPENED = at("2026-01-05")
STREET_SCORES = {"response": 90, "quality": 80, "cooperation": 70}  # 0.3·90 + 0.4·80 + 0.3·70 = 80


@pytest.fixture
def assessment(db):
    """The round opened once (its 1,600-odd sheets: about a second) and its rows put back for the later tests."""
    return kept("two-way round 2026H1", lambda: round_open(period_code="2026H1", now=OPENED)[0])


@pytest.fixture
def clock(monkeypatch):
    """Submissions happen while the round is open (its deadline is the end of June 2026)."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: at("2026-03-01"))


def sheet(assessment, flow, evaluator, evaluatee) -> ScoreSheet:
    return ScoreSheet.objects.get(round=assessment, flow=flow, evaluator_code=evaluator, evaluatee_code=evaluatee)


def test_it_opens_exactly_the_pairs_of_the_source(assessment):
    community_grids = list(Grid.objects.filter(level=3, kind__in=["community", "village"]).values_list(
        "code", "parent__code"))
    streets = list(Grid.objects.filter(level=2).values_list("code", flat=True))
    departments = list(Department.objects.values_list("code", flat=True))
    stations = list(StreetUnit.objects.filter(kind="station").values_list("code", "street__code", "department__code",
                                                                          "management_mode"))
    sections = list(StreetUnit.objects.filter(kind="section").values_list("code", "street__code"))
    pairs = {flow: set() for flow in ("residents_grid", "grid_street", "street_department", "department_street",
                                      "street_grid", "street_station", "department_station", "grid_section",
                                      "section_street")}
    for flow, evaluator, evaluatee in assessment.sheets.values_list("flow", "evaluator_code", "evaluatee_code"):
        pairs[flow].add((evaluator, evaluatee))
    assert pairs["residents_grid"] == {(grid, grid) for grid, _street in community_grids}
    assert pairs["grid_street"] == {(grid, street) for grid, street in community_grids}
    assert pairs["street_department"] == {(s, d) for s in streets for d in departments}
    assert pairs["department_street"] == {(d, s) for d in departments for s in streets}
    assert pairs["street_grid"] == {(street, grid) for grid, street in community_grids}
    # A station is rated by those who manage it: its street unless vertically managed, its department unless
    # managed by the street alone.
    assert pairs["street_station"] == {(street, station) for station, street, _d, mode in stations
                                       if mode != "vertical"}
    assert pairs["department_station"] == {(department, station) for station, _s, department, mode in stations
                                           if mode != "street"}
    assert {mode for *_unit, mode in stations} == {"dual", "street"}  # the seeded modes (see grids.seed_data)
    # The street's own sections are rated by its communities and rate its sub-centre.
    assert pairs["grid_section"] == {(grid, section) for grid, street in community_grids
                                     for section, section_street in sections if section_street == street}
    assert pairs["section_street"] == {(section, street) for section, street in sections}
    assert assessment.sheets.count() == sum(len(p) for p in pairs.values())  # no pair twice
    assert not assessment.sheets.filter(evaluatee_code__in=Grid.objects.filter(
        kind__in=["key_unit", "road"]).values("code")).exists()  # no residents there
    directions = Counter(assessment.sheets.values_list("flow", "direction"))
    assert {flow for flow, direction in directions if direction == "up"} == {
        "residents_grid", "grid_street", "street_department", "grid_section", "section_street"}
    residents = assessment.sheets.filter(evaluator_kind="residents")
    assert residents.filter(token__isnull=True).count() == 0
    assert not assessment.sheets.exclude(evaluator_kind="residents").filter(token__isnull=False).exists()


def test_opening_twice_opens_one_round(assessment):
    again, created = round_open(period_code="2026H1", now=OPENED)
    assert (again.pk, created) == (assessment.pk, False)
    assert Round.objects.count() == 1
    assert ScoreSheet.objects.filter(round=assessment).count() == assessment.sheets.count()


def test_a_round_is_per_half_year_and_its_deadline_in_the_future(db, api_as, cast):
    client = api_as(cast.evaluator)
    response = client.post("/api/v1/evaluation/rounds/", {"period": "2026Q1"}, format="json")
    assert response.status_code == 400 and "period" in response.json()
    response = client.post("/api/v1/evaluation/rounds/", {"period": "2020H1"}, format="json")
    assert response.status_code == 400 and "deadline" in response.json()
    assert not Round.objects.exists()


def test_the_evaluator_submits_once_with_a_weighted_total(assessment, clock, api_as, cast):
    target = sheet(assessment, "street_department", STREET_A, "urban_enforcement")
    client = api_as(cast.dispatcher_a)
    url = f"/api/v1/evaluation/sheets/{target.pk}/submit/"
    response = client.post(url, {"scores": STREET_SCORES, "comment": "响应及时"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["total"] == "80.00" and response.json()["status"] == "submitted"
    again = client.post(url, {"scores": {"response": 10, "quality": 10, "cooperation": 10}}, format="json")
    assert again.status_code == 409
    target.refresh_from_db()
    assert target.total == Decimal("80.00") and target.submitted_by == cast.dispatcher_a


def test_each_mistake_on_a_sheet_gets_its_own_answer(assessment, clock, api_as, cast):
    target = sheet(assessment, "street_department", STREET_A, "urban_enforcement")
    url = f"/api/v1/evaluation/sheets/{target.pk}/submit/"
    assert api_as(cast.dispatcher_b).post(url, {"scores": STREET_SCORES}).status_code == 404  # another street's
    residents = sheet(assessment, "residents_grid", GRID_A, GRID_A)
    community = api_as(cast.community_a)
    assert community.get(f"/api/v1/evaluation/sheets/{residents.pk}/").json()["available_actions"] == []
    response = community.post(f"/api/v1/evaluation/sheets/{residents.pk}/submit/", {"scores": STREET_SCORES})
    assert response.status_code == 403  # they hand the code out; the residents fill the sheet in
    street = api_as(cast.dispatcher_a)
    assert street.get(f"/api/v1/evaluation/sheets/{target.pk}/").json()["available_actions"] == ["submit"]
    response = street.post(url, {"scores": {"response": 90}})
    assert response.status_code == 400 and "scores" in response.json()
    submitted = street.post(url, {"scores": STREET_SCORES}).json()
    assert (submitted["status"], submitted["available_actions"]) == ("submitted", [])
    assert street.post(url, {"scores": STREET_SCORES}).status_code == 409  # once


def test_nobody_else_submits_it(assessment, clock, api_as, cast):
    target = sheet(assessment, "street_department", STREET_A, "urban_enforcement")
    url = f"/api/v1/evaluation/sheets/{target.pk}/submit/"
    body = {"scores": STREET_SCORES}
    assert api_as(cast.dispatcher_b).post(url, body, format="json").status_code == 404  # another street's sheet
    assert api_as(cast.evaluator).post(url, body, format="json").status_code == 403  # sees it, is not its evaluator
    assert api_as(cast.bureau).post(url, body, format="json").status_code == 404  # the evaluatee never sees it
    assert api_as(cast.worker_a).post(url, body, format="json").status_code == 403  # role without sheets
    residents = sheet(assessment, "residents_grid", GRID_A, GRID_A)
    response = api_as(cast.community_a).post(f"/api/v1/evaluation/sheets/{residents.pk}/submit/", body, format="json")
    assert response.status_code == 403  # the community hands the code out; the residents fill it in
    assert ScoreSheet.objects.filter(round=assessment, status="submitted").count() == 0


def test_bad_scores_are_refused_with_field_messages(assessment, clock, api_as, cast):
    target = sheet(assessment, "street_department", STREET_A, "urban_enforcement")
    client = api_as(cast.dispatcher_a)
    url = f"/api/v1/evaluation/sheets/{target.pk}/submit/"
    for body in ({"scores": {"response": 90, "quality": 80}},  # one criterion missing
                 {"scores": {**STREET_SCORES, "quality": 101}},
                 {"scores": {**STREET_SCORES, "speed": 50}},
                 {"scores": {**STREET_SCORES, "quality": "abc"}},
                 {"scores": "ninety"}, {}):
        response = client.post(url, body, format="json")
        assert response.status_code == 400, body
        assert "scores" in response.json(), response.json()
    assert client.post(url, {"scores": STREET_SCORES, "comment": "x" * 2001}, format="json").status_code == 400
    target.refresh_from_db()
    assert target.status == "pending"


def test_a_sheet_cannot_be_submitted_after_the_deadline(assessment, api_as, cast, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: at("2026-07-01", "00:00"))
    target = sheet(assessment, "street_department", STREET_A, "urban_enforcement")
    response = api_as(cast.dispatcher_a).post(f"/api/v1/evaluation/sheets/{target.pk}/submit/",
                                              {"scores": STREET_SCORES}, format="json")
    assert response.status_code == 409


def test_residents_submit_with_the_access_code_once(assessment, clock, api):
    target = sheet(assessment, "residents_grid", GRID_A, GRID_A)
    url = f"/api/v1/evaluation/public/sheets/{target.token}/"
    opened = api.get(url).json()
    assert (opened["evaluatee_code"], opened["available_actions"]) == (GRID_A, ["submit"])
    scores = {"attitude": 100, "solving": 80, "contact": 60, "openness": 90}  # 25 + 28 + 12 + 18 = 83
    response = api.post(url, {"scores": scores, "comment": "网格员很负责"}, format="json")
    assert response.status_code == 200 and response.json()["total"] == "83.00"
    assert api.post(url, {"scores": scores}, format="json").status_code == 409
    assert api.get("/api/v1/evaluation/public/sheets/not-a-code/").status_code == 404


def test_the_street_submits_from_its_page(assessment, clock, client, cast):
    target = sheet(assessment, "street_grid", STREET_A, GRID_A)
    client.force_login(cast.dispatcher_a)
    page = client.get(f"/evaluation/sheets/{target.pk}/")
    assert page.status_code == 200
    response = client.post(f"/evaluation/sheets/{target.pk}/", {
        "c_implementation": "90", "c_collection": "80", "c_service": "100", "comment": "好"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.total == Decimal("90.00")  # 36 + 24 + 30
    client.force_login(cast.dispatcher_b)
    assert client.get(f"/evaluation/sheets/{target.pk}/").status_code == 404
    pending = sheet(assessment, "street_grid", STREET_A, target.evaluatee_code.replace("001001", "002001"))
    client.force_login(cast.evaluator)  # sees every sheet, fills in none
    assert "c_implementation" not in client.get(f"/evaluation/sheets/{pending.pk}/").content.decode()
    assert client.post(f"/evaluation/sheets/{pending.pk}/", {"c_implementation": "90", "c_collection": "80",
                                                           "c_service": "100"}).status_code == 403


def test_the_results_take_the_mean_of_each_flow_that_rates_the_unit(assessment, clock, cast, history):
    residents = sheet(assessment, "residents_grid", GRID_A, GRID_A)
    sheet_submit_by_token(token=residents.token, scores={"attitude": 100, "solving": 80, "contact": 60,
                                                         "openness": 90})  # 83
    from evaluation.services import sheet_submit

    street = sheet(assessment, "street_grid", STREET_A, GRID_A)
    sheet_submit(actor=cast.dispatcher_a, sheet_id=street.pk, scores={"implementation": 70, "collection": 70,
                                                                       "service": 70})  # 70
    other = sheet(assessment, "street_department", STREET_B, "urban_enforcement")
    sheet_submit(actor=cast.dispatcher_b, sheet_id=other.pk, scores=STREET_SCORES)  # 80
    run = run_compute(period_code="2026H1", now=at("2026-07-02"))
    grid = SubjectResult.objects.get(run=run, kind="grid", code=GRID_A)
    assert grid.sheets == 2 and grid.two_way_score == Decimal("76.50")  # (83 + 70) / 2
    assert grid.two_way == {"residents_grid": {"sheets": 1, "mean": "83.00"},
                            "street_grid": {"sheets": 1, "mean": "70.00"}}
    assert grid.components["two_way"] == "76.50"
    # 5093.05 (the case components, see test_indicators) + 15 × 76.50, over 70 + 15
    assert grid.composite == ((Decimal("5093.05") + 15 * Decimal("76.50")) / 85).quantize(Decimal("0.01"))
    department = SubjectResult.objects.get(run=run, kind="department", code="urban_enforcement")
    assert department.sheets == 1 and department.two_way_score == Decimal("80.00")
    assert run.inputs["sheets_submitted"] == 3


def test_each_round_shows_its_own_progress_newest_first(assessment, clock, api_as, client, cast):
    """The rounds list (API) and the evaluation page count each round's sheets and those submitted, the newest
    round first: a sheet of one round never counts in another's."""
    earlier = round_open(period_code="2025H2", now=at("2025-07-06"))[0]
    target = sheet(assessment, "street_department", STREET_A, "urban_enforcement")
    submitted = api_as(cast.dispatcher_a).post(f"/api/v1/evaluation/sheets/{target.pk}/submit/",
                                               {"scores": STREET_SCORES}, format="json")
    assert submitted.status_code == 200, submitted.json()
    expected = [(r.period.code, ScoreSheet.objects.filter(round=r).count(), done)
                for r, done in ((assessment, 1), (earlier, 0))]
    rows = api_as(cast.evaluator).get("/api/v1/evaluation/rounds/").json()["results"]
    assert [(row["period"], row["sheet_count"], row["submitted_count"]) for row in rows] == expected
    client.force_login(cast.evaluator)
    page = client.get("/evaluation/").content.decode()
    shown = [f"{done} / {total}" for _code, total, done in expected]
    assert all(text in page for text in shown) and page.index(shown[0]) < page.index(shown[1])
