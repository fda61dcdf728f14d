"""Bad input to every case endpoint: a 4xx naming the field, never a 500, nothing stored or changed."""
import pytest

from cases.models import Case, CaseEvent

from .conftest import MICRO_CATEGORY, STATION_A, act, new_case

pytestmark = pytest.mark.django_db

GOOD = {"title": "井盖丢失", "description": "人行道井盖丢失", "category": "C0101", "lat": 39.99, "lng": 116.35,
        "address": "学院路", "source": "grid_patrol", "urgency": "normal"}


def test_creating_a_case_returns_number_grid_version_and_actions(api_as, cast):
    response = api_as(cast.worker_a).post("/api/v1/cases/", GOOD, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("HD") and len(body["number"]) == 16
    assert (body["status"], body["tier"], body["version"], body["actions"]) == ("collected", "small", 1, ["comment"])
    assert body["grid"] == "110108009013001"  # located from the point


def test_a_dispatcher_creating_in_its_tier_files_at_once(api_as, cast):
    body = api_as(cast.dispatcher_a).post("/api/v1/cases/", GOOD, format="json").json()
    assert body["status"] == "filed" and "dispatch" in body["actions"]


@pytest.mark.parametrize(
    "change,field",
    [
        ({"category": "NOPE"}, "category"),
        ({"category": "E01"}, "category"),  # a class, not a subclass
        ({"lat": 31.23, "lng": 121.47}, "lat"),  # Shanghai
        ({"lat": "north"}, "lat"),
        ({"lat": 95}, "lat"),
        ({"title": ""}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"source": "pigeon"}, "source"),
        ({"urgency": "panic"}, "urgency"),
        ({"grid": "110108009"}, "grid"),  # a street, not a unit grid
        ({"reporter_email": "not-an-email"}, "reporter_email"),
    ],
)
def test_bad_case_fields_get_400_naming_the_field(api_as, cast, change, field):
    before = Case.objects.count()
    response = api_as(cast.worker_a).post("/api/v1/cases/", {**GOOD, **change}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Case.objects.count() == before


def test_missing_fields_are_all_named(api_as, cast):
    response = api_as(cast.worker_a).post("/api/v1/cases/", {}, format="json")
    assert response.status_code == 400
    assert {"title", "description", "category", "lat", "lng", "address", "source"} <= set(response.json())


def test_malformed_json_is_400(api_as, cast):
    response = api_as(cast.worker_a).post("/api/v1/cases/", "{not json", content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "action,body,field",
    [
        ("dispatch", {}, "department"),
        ("dispatch", {"department": "nope"}, "department"),
        ("dispatch", {"assignee": "worker_b"}, "assignee"),  # does not serve this grid
        ("dispatch", {"assignee": "ghost"}, "assignee"),
        ("dispatch", {"department": STATION_A, "assignee": "worker_a"}, "department"),
        ("merge", {"into": "HD20990101000001"}, "into"),
        ("escalate", {}, "reason"),
        ("reject", {"reason": ""}, "reason"),
        ("comment", {}, "comment"),
    ],
)
def test_bad_action_fields_get_400_and_change_nothing(api_as, cast, small_case, action, body, field):
    act(cast.dispatcher_a, small_case, "file") if action == "dispatch" else None
    before = Case.objects.get(pk=small_case.pk)
    events = CaseEvent.objects.filter(case=small_case).count()
    response = api_as(cast.dispatcher_a).post(f"/api/v1/cases/{small_case.number}/actions/{action}/", body,
                                              format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    after = Case.objects.get(pk=small_case.pk)
    assert (after.status, after.version, after.station_id) == (before.status, before.version, before.station_id)
    assert CaseEvent.objects.filter(case=small_case).count() == events


def test_unknown_action_is_400(api_as, cast, small_case):
    response = api_as(cast.dispatcher_a).post(f"/api/v1/cases/{small_case.number}/actions/teleport/", {})
    assert response.status_code == 400 and "action" in response.json()


@pytest.mark.parametrize("value", [0, 6, "five"])
def test_satisfaction_outside_1_to_5_is_refused(api_as, cast, value):
    case = new_case(cast.community_a, MICRO_CATEGORY)
    act(cast.community_a, case, "dispatch", assignee="worker_a")
    act(cast.worker_a, case, "accept")
    act(cast.worker_a, case, "feedback", result="ok")
    act(cast.community_a, case, "verify")
    response = api_as(cast.community_a).post(f"/api/v1/cases/{case.number}/actions/evaluate/",
                                             {"satisfaction": value}, format="json")
    assert response.status_code == 400 and "satisfaction" in response.json()
    assert Case.objects.get(pk=case.pk).status == "closed"


@pytest.mark.parametrize("until,message_part", [("tomorrow-ish", "until"), ("2020-01-01T10:00:00+08:00", "until"),
                                                ("2099-01-01", "until")])
def test_bad_extension_requests_are_refused(api_as, cast, small_case, until, message_part):
    act(cast.dispatcher_a, small_case, "file")
    act(cast.dispatcher_a, small_case, "dispatch", department=STATION_A)
    response = api_as(cast.station_a).post(f"/api/v1/cases/{small_case.number}/actions/request_extension/",
                                           {"until": until, "reason": "x"}, format="json")
    assert response.status_code == 400 and message_part in response.json()


def test_filters_accept_codes_and_reject_nonsense(api_as, cast, small_case):
    client = api_as(cast.commander)
    assert client.get("/api/v1/cases/", {"grid": "110108009"}).json()["results"]
    assert client.get("/api/v1/cases/", {"grid": "110108012"}).json()["results"] == []
    assert client.get("/api/v1/cases/", {"category": "E01"}).json()["results"]
    assert client.get("/api/v1/cases/", {"q": small_case.number}).json()["results"][0]["number"] == small_case.number
    assert client.get("/api/v1/cases/", {"status": "sleeping"}).status_code == 400
    assert client.get("/api/v1/cases/", {"created_after": "yesterday"}).status_code == 400
    assert client.get("/api/v1/cases/", {"overdue": "purple"}).status_code == 400


def test_a_search_of_several_words_finds_the_text_as_typed(api_as, cast):
    """Each word of a search is also asked for on its own (for PostgreSQL's trigram index), but a case is found only
    where the text stands as typed: in one field, the words in that order."""
    wanted = new_case(cast.worker_a, title="违规停车 学院路口 12345号")
    in_the_address = new_case(cast.worker_a, title="巡查发现", address="违规停车 学院路口 12345号")
    new_case(cast.worker_a, title="学院路口 违规停车 12345号")
    new_case(cast.worker_a, title="违规停车 12345号", address="学院路口")
    client = api_as(cast.commander)

    def found(text):
        return {row["number"] for row in client.get("/api/v1/cases/", {"q": text}).json()["results"]}

    assert found("违规停车 学院路口") == found(" 违规停车 学院路口 ") == {wanted.number, in_the_address.number}
    assert found("学院路口 12345号") == {wanted.number, in_the_address.number}
    assert found("停车 学院路口") == {wanted.number, in_the_address.number}  # a piece too short for the index


def test_categories_list_the_catalogue_with_limits(api_as, cast):
    rows = api_as(cast.worker_a).get("/api/v1/categories/").json()
    exposed = next(r for r in rows if r["code"] == "E0102")
    assert exposed["default_tier"] == "micro" and exposed["limits"]["handle"] == 4.0
    assert exposed["parent"] == "E01" and exposed["department"] == "sanitation"
    assert len([r for r in rows if r["parent"]]) >= 40
    assert sorted(r["must_report_item"] for r in rows if r["must_report_item"]) == list(range(1, 10))
