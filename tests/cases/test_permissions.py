"""Who may do what: the step's owner acts; others get 403; outsiders do not even see the case (404)."""
import pytest

from cases.models import Case
from tests.conftest import SECTION_A

from .conftest import MICRO_CATEGORY, STATION_A, act, new_case

pytestmark = pytest.mark.django_db


def post(api_as, user, case, action, **body):
    return api_as(user).post(f"/api/v1/cases/{case.number}/actions/{action}/", body, format="json")


def test_another_streets_dispatcher_cannot_see_or_touch_the_case(api_as, cast, small_case):
    client = api_as(cast.dispatcher_b)
    assert client.get(f"/api/v1/cases/{small_case.number}/").status_code == 404
    assert client.get(f"/api/v1/cases/{small_case.number}/events/").status_code == 404
    assert post(api_as, cast.dispatcher_b, small_case, "file").status_code == 404
    assert small_case.number not in [c["number"] for c in client.get("/api/v1/cases/").json()["results"]]
    assert Case.objects.get(pk=small_case.pk).status == "collected"


def test_a_grid_worker_cannot_file_or_dispatch(api_as, cast, small_case):
    response = post(api_as, cast.worker_a, small_case, "file")
    assert response.status_code == 403
    assert Case.objects.get(pk=small_case.pk).status == "collected"


def test_read_only_roles_see_but_cannot_act(api_as, cast, small_case):
    for user in (cast.auditor, cast.evaluator):
        client = api_as(user)
        detail = client.get(f"/api/v1/cases/{small_case.number}/").json()
        assert detail["actions"] == []
        assert post(api_as, user, small_case, "file").status_code == 403
        assert client.post("/api/v1/cases/", {}, format="json").status_code == 403


def test_a_station_handles_only_what_was_dispatched_to_it(api_as, cast, small_case):
    assert api_as(cast.station_a).get(f"/api/v1/cases/{small_case.number}/").status_code == 404
    act(cast.dispatcher_a, small_case, "file")
    act(cast.dispatcher_a, small_case, "dispatch", department=SECTION_A)
    assert post(api_as, cast.station_a, small_case, "accept").status_code == 404
    assert api_as(cast.bureau).get(f"/api/v1/cases/{small_case.number}/").status_code == 404


def test_the_department_sees_cases_of_all_its_stations(api_as, cast, small_case):
    act(cast.dispatcher_a, small_case, "file")
    act(cast.dispatcher_a, small_case, "dispatch", department=STATION_A)
    assert api_as(cast.bureau).get(f"/api/v1/cases/{small_case.number}/").status_code == 200
    assert api_as(cast.station_a).get(f"/api/v1/cases/{small_case.number}/").json()["actions"] == [
        "accept", "return", "request_extension", "comment"]


def test_street_dispatcher_does_not_dispatch_micro_cases_and_community_not_small(api_as, cast, small_case):
    micro = new_case(cast.worker_a, MICRO_CATEGORY)
    assert post(api_as, cast.dispatcher_a, micro, "file").status_code == 403
    assert post(api_as, cast.community_a, small_case, "file").status_code == 403


def test_actions_listed_are_exactly_what_the_user_may_do(api_as, cast, small_case):
    assert api_as(cast.dispatcher_a).get(f"/api/v1/cases/{small_case.number}/").json()["actions"] == [
        "file", "reject", "merge", "escalate", "comment"]
    assert api_as(cast.worker_a).get(f"/api/v1/cases/{small_case.number}/").json()["actions"] == ["comment"]


def test_wrong_state_is_409_and_changes_nothing(api_as, cast, small_case):
    response = post(api_as, cast.dispatcher_a, small_case, "verify")
    assert response.status_code == 409
    assert "detail" in response.json()
    assert Case.objects.get(pk=small_case.pk).version == 1


def test_a_stale_version_is_409(api_as, cast, small_case):
    assert post(api_as, cast.dispatcher_a, small_case, "file", version=1).status_code == 200
    response = post(api_as, cast.dispatcher_a, small_case, "dispatch", version=1, department=STATION_A)
    assert response.status_code == 409
    assert Case.objects.get(pk=small_case.pk).status == "filed"


def test_lists_are_scoped(api_as, cast, small_case):
    other = new_case(cast.worker_b, grid_code="110108012001001")
    numbers_a = [c["number"] for c in api_as(cast.dispatcher_a).get("/api/v1/cases/").json()["results"]]
    numbers_b = [c["number"] for c in api_as(cast.dispatcher_b).get("/api/v1/cases/").json()["results"]]
    assert small_case.number in numbers_a and other.number not in numbers_a
    assert other.number in numbers_b and small_case.number not in numbers_b
    district = [c["number"] for c in api_as(cast.commander).get("/api/v1/cases/").json()["results"]]
    assert {small_case.number, other.number} <= set(district)


def test_anonymous_callers_are_refused(api, small_case):
    assert api.get("/api/v1/cases/").status_code in (401, 403)
    assert api.post(f"/api/v1/cases/{small_case.number}/actions/file/", {}).status_code in (401, 403)
