"""Who sees which results: the district everything (drafts too); a street its street, grids and stations;
a department its own and its stations; nobody else anything. Missing and forbidden look alike (404);
a role without the permission gets 403; bad input gets 400 with field messages, never a 500."""
import pytest

from evaluation.models import SubjectResult
from evaluation.services import run_compute, run_publish, run_review
from tests.conftest import GRID_A, GRID_A2, GRID_B, STREET_A, built_for_a_module, make_cast

from .conftest import build_history, make_police_a

pytestmark = pytest.mark.django_db
API = "/api/v1/evaluation"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The cast, the history and its computed draft, built once for the module inside a transaction rolled back
    afterwards (each test's own transaction nests in it as a savepoint): most tests here only read, and the
    history and its computation took seconds per test. ``published`` still reviews and publishes per test."""
    def build():
        cast = make_cast()
        police = make_police_a()
        return cast, police, build_history(cast, police), run_compute(period_code="2026H1")

    with built_for_a_module(django_db_blocker, build) as world:
        yield world


@pytest.fixture(scope="module")
def cast(world):
    return world[0]


@pytest.fixture(scope="module")
def police_a(world):
    return world[1]


@pytest.fixture(scope="module")
def history(world):
    return world[2]


@pytest.fixture(scope="module")
def draft(world):
    return world[3]


@pytest.fixture
def published(draft, cast):
    run_review(actor=cast.evaluator, run_id=draft.pk)
    return run_publish(actor=cast.evaluator, run_id=draft.pk)


def unit(run, kind, code) -> SubjectResult:
    return SubjectResult.objects.get(run=run, kind=kind, code=code)


def test_another_streets_dispatcher_cannot_read_the_scorecard(published, api_as, client, cast):
    street_a = unit(published, "street", STREET_A)
    grid_a = unit(published, "grid", GRID_A)
    assert api_as(cast.dispatcher_a).get(f"{API}/results/{street_a.pk}/").status_code == 200
    assert api_as(cast.dispatcher_a).get(f"{API}/results/{grid_a.pk}/").status_code == 200
    b = api_as(cast.dispatcher_b)
    assert b.get(f"{API}/results/{street_a.pk}/").status_code == 404
    assert b.get(f"{API}/results/{grid_a.pk}/").status_code == 404
    assert b.get(f"{API}/results/{grid_a.pk}/cases/?drill=overdue").status_code == 404
    client.force_login(cast.dispatcher_b)
    assert client.get(f"/evaluation/results/{street_a.pk}/").status_code == 404
    assert client.get(f"/evaluation/results/{grid_a.pk}/cases/overdue/").status_code == 404


def test_a_street_lists_its_street_grids_and_stations_only(published, api_as, cast):
    url = f"{API}/results/?run={published.pk}&page_size=1000"
    rows = api_as(cast.dispatcher_a).get(url).json()["results"]
    kinds = {row["kind"] for row in rows}
    assert kinds == {"grid", "street", "station"}
    assert all(row["code"].startswith(STREET_A) for row in rows if row["kind"] != "station")
    assert all(row["street_code"] == STREET_A for row in rows)
    assert GRID_B not in {row["code"] for row in rows}
    all_rows = api_as(cast.evaluator).get(url).json()
    # grids, streets, departments, stations, sections, joint enforcement teams
    assert all_rows["count"] == 643 + 29 + 13 + 232 + 203 + 29


def test_departments_and_stations_see_themselves(published, api_as, cast):
    url = f"{API}/results/?run={published.pk}&page_size=1000"
    station = api_as(cast.station_a).get(url).json()["results"]
    assert [(row["kind"], row["code"]) for row in station] == [("station", "urban_enforcement-110108009")]
    bureau = api_as(cast.bureau).get(url).json()["results"]
    assert {row["kind"] for row in bureau} == {"department", "station"}
    assert {row["department_code"] for row in bureau} == {"urban_enforcement"}
    assert len(bureau) == 1 + 29


def test_community_staff_see_their_community_grids(published, api_as, cast):
    rows = api_as(cast.community_a).get(f"{API}/results/?run={published.pk}&page_size=1000").json()["results"]
    codes = {row["code"] for row in rows}
    assert GRID_A in codes and GRID_A2 not in codes and STREET_A not in codes


def test_drafts_are_for_the_district_only(draft, api_as, cast):
    grid_a = unit(draft, "grid", GRID_A)
    assert api_as(cast.dispatcher_a).get(f"{API}/runs/{draft.pk}/").status_code == 404
    assert api_as(cast.dispatcher_a).get(f"{API}/results/{grid_a.pk}/").status_code == 404
    for user in (cast.evaluator, cast.commander, cast.auditor):
        assert api_as(user).get(f"{API}/results/{grid_a.pk}/").status_code == 200


def test_the_drill_down_lists_the_cases_behind_the_number(published, history, api_as, client, cast):
    grid_a = unit(published, "grid", GRID_A)
    response = api_as(cast.dispatcher_a).get(f"{API}/results/{grid_a.pk}/cases/?drill=overdue")
    assert [row["number"] for row in response.json()["results"]] == [history["c3"].number]
    numbers = lambda drill: [row["number"] for row in api_as(cast.evaluator).get(  # noqa: E731
        f"{API}/results/{grid_a.pk}/cases/?drill={drill}").json()["results"]]
    assert numbers("not_closed") == [history["c8"].number, history["c5"].number]
    assert numbers("reworked") == [history["c2"].number]
    assert numbers("returned") == [history["c7"].number]
    assert numbers("extended") == [history["c4"].number]
    assert numbers("defaulted") == [history["c3"].number]
    assert len(numbers("collected")) == grid_a.collected == 8
    assert len(numbers("on_time_closed")) == grid_a.on_time_closed == 4
    assert len(numbers("rated")) == grid_a.rated == 4
    client.force_login(cast.dispatcher_a)
    page = client.get(f"/evaluation/results/{grid_a.pk}/cases/overdue/")
    assert page.status_code == 200 and history["c3"].number in page.content.decode()
    assert api_as(cast.evaluator).get(f"{API}/results/{grid_a.pk}/cases/?drill=bogus").status_code == 400


def test_roles_without_the_permission_are_refused(published, api_as, api, client, cast):
    assert api_as(cast.worker_a).get(f"{API}/results/").status_code == 403
    assert api.get(f"{API}/results/").status_code in (401, 403)
    for user in (cast.dispatcher_a, cast.commander, cast.auditor):
        assert api_as(user).post(f"{API}/runs/", {"period": "2026H1"}, format="json").status_code == 403
        assert api_as(user).post(f"{API}/runs/{published.pk}/review/", {}, format="json").status_code in (403, 404)
    assert api_as(cast.dispatcher_a).get(f"{API}/surveys/").status_code == 403
    assert api_as(cast.dispatcher_a).get(f"{API}/bonuses/").status_code == 403
    assert api_as(cast.auditor).get(f"{API}/bonuses/").status_code == 200
    client.force_login(cast.worker_a)
    assert client.get("/evaluation/").status_code == 403
    client.logout()
    assert client.get("/evaluation/").status_code == 302


@pytest.mark.parametrize(("path", "body", "field"), [
    ("runs/", {"period": "2026X9"}, "period"),
    ("runs/", {}, "period"),
    ("runs/", {"period": "2026H1", "rule": 99}, "rule"),
    ("runs/", {"period": "2026H1", "as_of": "2025-01-01T00:00:00+08:00"}, "as_of"),
    ("runs/", {"period": "2099H1"}, "period"),
    ("rules/", {"weights": {"grid": {"closure": 50}}}, "weights"),
    ("rules/", {"weights": "heavy"}, "weights"),
    ("rules/", {"weights": {k: {"closure": 100} for k in ("grid", "street", "department", "station")},
                "parameters": {"handling_hours_full": "90"}}, "parameters"),
    ("rules/", {"weights": {k: {"speedy": 100} for k in ("grid", "street", "department", "station")}}, "weights"),
    ("bonus-rules/", {"base_by_post": {"general": 900}}, "base_by_post"),
    ("bonus-rules/", {"base_by_post": {"general": 900, "deputy": 1050, "head": -1}}, "base_by_post"),
    ("bonus-rules/", {"base_by_post": {"general": 900, "deputy": 1050, "head": 1200}, "personal_weight": "2"},
     "personal_weight"),
    ("bonuses/", {"period": "2026H1"}, "period"),
    ("rounds/", {"period": "nonsense"}, "period"),
    ("worker-assessments/", {"period": "2026Q1", "username": "nobody", "score": 50}, "username"),
    ("worker-assessments/", {"period": "2026Q1", "username": "community_a", "score": 500}, "score"),
])
def test_bad_input_is_a_400_with_field_messages(history, api_as, cast, path, body, field):
    response = api_as(cast.evaluator).post(f"{API}/{path}", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()


def test_a_new_rule_version_is_created_and_never_edited(api_as, cast):
    weights = {k: {"closure": 60, "on_time": 40} for k in ("grid", "street", "department", "station")}
    response = api_as(cast.evaluator).post(f"{API}/rules/", {"weights": weights, "note": "新细则"}, format="json")
    assert response.status_code == 201 and response.json()["version"] == 2
    assert response.json()["weights"]["grid"]["satisfaction"] == 0
    assert api_as(cast.evaluator).put(f"{API}/rules/2/", {"weights": weights}, format="json").status_code in (403, 405)
    assert api_as(cast.evaluator).delete(f"{API}/rules/2/").status_code in (403, 405)
    assert api_as(cast.dispatcher_a).get(f"{API}/rules/").json()["count"] == 2


@pytest.mark.parametrize("url", [
    "results/?run=abc", "results/abc/", "results/999999/", "results/abc/cases/?drill=overdue", "runs/abc/",
    "runs/abc/verify/", "rules/abc/", "bonus-rules/v1/", "periods/nope/", "sheets/abc/", "bonuses/abc/export/",
    "public/sheets/%00/", "periods/%00/", "sheets/?evaluator_code=%00", "results/?code=%00&kind=grid",
    "runs/?period=%00",
])
def test_garbage_in_urls_and_filters_is_never_a_500(published, api_as, cast, url):
    assert api_as(cast.evaluator).get(f"{API}/{url}").status_code in (400, 404)


def test_filters_answer_an_unknown_period_with_nothing_and_an_unknown_status_with_a_400(api_as, cast):
    assert api_as(cast.evaluator).get(f"{API}/sheets/?period=nope").json()["count"] == 0
    response = api_as(cast.evaluator).get(f"{API}/sheets/?status=zzz")
    assert response.status_code == 400 and "status" in response.json()


def test_garbage_posted_is_never_a_500(published, api_as, cast):
    client = api_as(cast.evaluator)
    for url, body in (("runs/abc/review/", {}), ("runs/abc/publish/", {}),
                      ("runs/", {"period": ["2026H1"]}), ("runs/", {"period": "2026H1", "as_of": "yesterday"}),
                      ("rules/", {"weights": [1, 2]}), ("bonuses/", {"period": None}), ("rounds/", "[]")):
        assert client.post(f"{API}/{url}", body, format="json").status_code in (400, 404), url
    assert api_as(cast.dispatcher_a).post(f"{API}/sheets/abc/submit/", {"scores": {}}, format="json").status_code == 404
