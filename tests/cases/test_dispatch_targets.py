"""Where a dispatcher may send a case, through the API: the routed units first, refusals that change nothing, and a
landscaping case that no station could take walked to evaluation through the street's own section."""
import pytest

from cases.models import Case, CaseEvent
from cases.routing import routing_health
from grids.models import Grid, StreetUnit
from tests.conftest import GRID_A, SECTION_A

from .conftest import MICRO_CATEGORY, STATION_A, act, new_case

pytestmark = pytest.mark.django_db
LANDSCAPING = "C0401"  # 行道树倒伏或死亡: 园林绿化局 keeps no station in any street


def options(api_as, user, case):
    response = api_as(user).get(f"/api/v1/cases/{case.number}/dispatch-options/")
    assert response.status_code == 200
    return response.json()


def test_the_routed_units_come_first_with_their_handlers(api_as, cast):
    tree = act(cast.dispatcher_a, new_case(cast.worker_a, LANDSCAPING), "file")
    found = options(api_as, cast.dispatcher_a, tree)
    assert found[0] == {"code": SECTION_A, "name": "学院路环境保护科", "kind": "section", "kind_label": "本街镇科室",
                        "routed": True, "handlers": 1}
    assert [o["routed"] for o in found].count(True) == 1 and len(found) == 8 + 7 + 1  # stations, sections, team
    assert {o["code"][-9:] for o in found} == {"110108009"}  # only units of the case's street
    building = act(cast.dispatcher_a, new_case(cast.worker_a, "E0101"), "file")  # 私搭乱建: 城管分队, then 城市管理科
    assert [(o["code"], o["routed"]) for o in options(api_as, cast.dispatcher_a, building)[:3]] == [
        (STATION_A, True), ("urban_management-110108009", True), ("police-110108009", False)]


def refused(api_as, user, case, body):
    before = Case.objects.get(pk=case.pk)
    events = CaseEvent.objects.filter(case=case).count()
    response = api_as(user).post(f"/api/v1/cases/{case.number}/actions/dispatch/", body, format="json")
    after = Case.objects.get(pk=case.pk)
    assert (after.status, after.version, after.station_id, after.department_id, after.assignee_id) == (
        before.status, before.version, before.station_id, before.department_id, before.assignee_id)
    assert CaseEvent.objects.filter(case=case).count() == events
    return response


@pytest.mark.parametrize("code", [
    "police-110108012",  # a station of another street
    "environment-110108012",  # a section of another street
    "police",  # a whole department: the district centre's
])
def test_a_unit_outside_the_dispatchers_tier_and_street_is_403(api_as, cast, code):
    case = act(cast.dispatcher_a, new_case(cast.worker_a), "file")
    response = refused(api_as, cast.dispatcher_a, case, {"department": code})
    assert response.status_code == 403, response.content


def test_the_micro_cycle_goes_to_people_not_units(api_as, cast):
    case = act(cast.community_a, new_case(cast.worker_a, MICRO_CATEGORY), "file")
    response = refused(api_as, cast.community_a, case, {"department": SECTION_A})
    assert response.status_code == 403 and "网格" in response.json()["detail"]
    assert [o["code"] for o in options(api_as, cast.community_a, case)] == ["worker_a"]


def test_a_unit_with_no_one_to_accept_is_409_naming_it(api_as, cast):
    case = act(cast.dispatcher_a, new_case(cast.worker_a), "file")
    response = refused(api_as, cast.dispatcher_a, case, {"department": "police-110108009"})
    assert response.status_code == 409
    assert response.json()["detail"] == "学院路派出所没有可接收案件的在岗承办人，请选择其他单位。"
    assert next(o for o in options(api_as, cast.dispatcher_a, case) if o["code"] == "police-110108009")["handlers"] == 0


def test_a_landscaping_case_goes_from_filing_to_evaluation_through_the_street_section(api_as, cast):
    grid = Grid.objects.get(code=GRID_A)
    report = {"title": "行道树倒伏", "description": "学院路东侧一棵国槐倒伏压住非机动车道", "category": LANDSCAPING,
              "lat": grid.centroid_lat, "lng": grid.centroid_lng, "address": "学院路东侧", "source": "grid_patrol",
              "grid": GRID_A}
    created = api_as(cast.worker_a).post("/api/v1/cases/", report, format="json")
    assert created.status_code == 201, created.content
    number, url = created.json()["number"], f"/api/v1/cases/{created.json()['number']}"

    def step(user, action, **body):
        version = api_as(user).get(f"{url}/").json()["version"]
        response = api_as(user).post(f"{url}/actions/{action}/", {"version": version, **body}, format="json")
        assert response.status_code == 200, (action, response.content)
        return response.json()

    step(cast.dispatcher_a, "file")
    first = options(api_as, cast.dispatcher_a, Case.objects.get(number=number))[0]
    dispatched = step(cast.dispatcher_a, "dispatch", department=first["code"])
    assert (dispatched["station"], dispatched["department"]) == (SECTION_A, None)
    assert api_as(cast.station_a).get(f"{url}/").status_code == 404  # the 城管分队 has nothing to do with it
    step(cast.section_a, "accept")
    step(cast.section_a, "feedback", result="已扶正加固并清理树枝")
    step(cast.dispatcher_a, "verify")
    evaluated = step(cast.worker_a, "evaluate", satisfaction=5)
    assert (evaluated["status"], evaluated["satisfaction"]) == ("evaluated", 5)
    events = api_as(cast.dispatcher_a).get(f"{url}/events/").json()
    assert [e["action"] for e in events] == ["create", "file", "dispatch", "accept", "feedback", "verify", "evaluate"]
    assert events[2]["payload"] == {"to": SECTION_A}


def test_a_section_deleted_leaves_a_dead_end_named_on_the_routing_page(client, cast):
    StreetUnit.objects.filter(code="environment-110108012").delete()  # 青龙桥环境保护科, no staff, no cases
    gaps = [g for g in routing_health().gaps if g.street == "青龙桥街道" and g.category.startswith(LANDSCAPING)]
    # (The large cycle's 园林绿化局 has no handler in this district without staff: a dead end of its own.)
    assert [(g.tier, g.reason) for g in gaps] == [("small", "本街镇没有路由指定的单位。"),
                                                  ("large", "海淀区园林绿化局没有在岗承办人。")]
    client.force_login(cast.commander)
    assert "本街镇没有路由指定的单位。" in client.get("/cases/routing/", {"street": "110108012"}).content.decode()
