"""Scope: each user sees and acts only where they serve; outside, objects do not exist for them."""
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from guardian.shortcuts import assign_perm

from core.scoping import scope_of
from grids.models import Grid, StreetUnit
from tests.conftest import GRID_A, GRID_B, STREET_A, STREET_B

pytestmark = pytest.mark.django_db


def codes(response):
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


def test_it_refuses_anonymous_callers(api):
    for url in ("/api/v1/grids/", f"/api/v1/grids/{GRID_A}/", "/api/v1/staff/", "/api/v1/departments/", "/api/v1/me/"):
        assert api.get(url).status_code in (401, 403)


def test_street_dispatcher_sees_every_grid_of_their_street_and_nothing_else(api_as, cast):
    client = api_as(cast.dispatcher_a)
    listed = codes(client.get("/api/v1/grids/", {"page_size": 1000}))
    assert listed and all(code.startswith(STREET_A) for code in listed)
    assert STREET_A in listed and GRID_A in listed
    assert client.get(f"/api/v1/grids/{GRID_A}/").status_code == 200
    assert client.get(f"/api/v1/grids/{STREET_B}/").status_code == 404
    assert client.get(f"/api/v1/grids/{GRID_B}/").status_code == 404
    assert codes(client.get("/api/v1/grids/", {"under": STREET_B})) == []


def test_grid_worker_sees_only_their_grid(api_as, cast):
    client = api_as(cast.worker_a)
    assert codes(client.get("/api/v1/grids/")) == [GRID_A]
    assert client.get(f"/api/v1/grids/{STREET_A}002001/").status_code == 404


def test_community_staff_serve_every_grid_of_their_community(cast):
    scope = scope_of(cast.community_a)
    grids = list(Grid.objects.visible_to(cast.community_a).values_list("code", flat=True))
    assert GRID_A in grids
    assert all(code.startswith(GRID_A[:12]) for code in grids)
    assert scope.covers(GRID_A) and not scope.covers(GRID_B)


def test_district_roles_see_the_whole_tree(api_as, cast):
    for user in (cast.commander, cast.auditor, cast.evaluator):
        response = api_as(user).get("/api/v1/grids/", {"level": 3, "page_size": 1})
        assert response.json()["count"] == 643


def test_station_handler_sees_the_grids_of_its_street_only(api_as, cast):
    client = api_as(cast.station_a)
    assert client.get(f"/api/v1/grids/{GRID_A}/").status_code == 200
    assert client.get(f"/api/v1/grids/{GRID_B}/").status_code == 404


def test_staff_listing_is_scoped(api_as, cast):
    client = api_as(cast.dispatcher_a)
    usernames = {row["username"] for row in client.get("/api/v1/staff/", {"page_size": 1000}).json()["results"]}
    assert {"worker_a", "community_a", "dispatcher_a"} <= usernames
    assert not usernames & {"worker_b", "dispatcher_b"}
    other = cast.worker_b.staff_profile.id
    assert client.get(f"/api/v1/staff/{other}/").status_code == 404


def test_filters_by_level_kind_and_parent(api_as, cast):
    client = api_as(cast.commander)
    assert client.get("/api/v1/grids/", {"level": 2}).json()["count"] == 29
    assert client.get("/api/v1/grids/", {"kind": "road"}).json()["count"] == 4
    children = client.get("/api/v1/grids/", {"parent": STREET_A, "page_size": 100}).json()
    assert children["count"] > 0 and all(row["parent"] == STREET_A for row in children["results"])
    assert client.get("/api/v1/grids/", {"level": "seven"}).status_code == 400


def test_grid_detail_has_its_boundary(api_as, cast):
    detail = api_as(cast.worker_a).get(f"/api/v1/grids/{GRID_A}/").json()
    assert detail["boundary"]["type"] == "Polygon"
    assert detail["parent"] == STREET_A


def test_me_reports_role_and_scope(api_as, cast):
    assert api_as(cast.dispatcher_a).get("/api/v1/me/").json()["grid_codes"] == [STREET_A]
    me = api_as(cast.station_a).get("/api/v1/me/").json()
    assert me["role"] == "department_handler" and me["stations"] == [f"urban_enforcement-{STREET_A}"]


def test_departments_and_stations_are_listed_for_staff(api_as, cast):
    client = api_as(cast.worker_a)
    assert len(client.get("/api/v1/departments/").json()) == 13
    units = client.get("/api/v1/stations/", {"street": STREET_A}).json()
    assert units["count"] == 8 + 7 + 1  # stations, sections, the joint enforcement team
    sections = client.get("/api/v1/stations/", {"street": STREET_A, "kind": "section"}).json()["results"]
    assert {(u["section"], u["department"]) for u in sections} >= {("environment", None), ("public_safety", None)}


def test_what_a_group_holds_counts_with_what_its_member_holds_directly(cast):
    """Scope and model permissions are each read in one query (grids.selectors, core.backends): a grant through a
    group and a grant to the person both count, stations bring their street into view, and the permissions are
    the ones Django's own backend finds."""
    user = get_user_model().objects.create_user("deputy_on_duty")
    duty = Group.objects.create(name="学院路联合值班")
    user.groups.add(duty)
    station = StreetUnit.objects.get(code=f"urban_enforcement-{STREET_A}")
    assign_perm("grids.serve_grid", duty, Grid.objects.get(code=GRID_B))
    assign_perm("grids.serve_station", duty, station)
    assign_perm("grids.serve_grid", user, Grid.objects.get(code=GRID_A))
    duty.permissions.add(Permission.objects.get(codename="view_grid"))
    user.user_permissions.add(Permission.objects.get(codename="view_staffprofile"))

    scope = scope_of(get_user_model().objects.get(pk=user.pk))
    assert scope.grid_codes == (GRID_A, GRID_B)
    assert scope.station_ids == {station.id} and not scope.department_ids
    assert scope.viewing_codes == (STREET_A, GRID_B)
    permissions = get_user_model().objects.get(pk=user.pk).get_all_permissions()
    assert {"grids.view_grid", "grids.view_staffprofile"} <= permissions
    assert permissions == ModelBackend().get_all_permissions(get_user_model().objects.get(pk=user.pk))
