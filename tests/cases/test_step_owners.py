"""Who hears of a case follows the street's staff as it changes, although each process keeps its directory of who
dispatches and who handles (cases.selectors.step_owner_directory) instead of asking the database for every case."""
from unittest import mock

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.selectors import is_dispatcher_of, step_owner_directory, unit_handlers
from core.access import GENERATION_KEY, access_generation
from core.models import Notification
from core.roles import Role
from grids.models import Grid, StreetUnit
from grids.services import staff_create
from tests.conftest import GRID_A, STREET_A

from .conftest import STATION_A, new_case


def told_of(case) -> set[str]:
    return set(Notification.objects.filter(subject=case.number, kind=Notification.Kind.ASSIGNED)
               .values_list("user__username", flat=True))


def test_a_new_case_reaches_the_dispatchers_serving_its_street_as_they_are_now(cast):
    assert told_of(new_case(cast.worker_a)) == {"dispatcher_a"}

    relief = staff_create(username="relief_a", role=Role.STREET_DISPATCHER, password=None, grid_code=STREET_A)
    assert told_of(new_case(cast.worker_a)) == {"dispatcher_a", "relief_a"}

    cast.dispatcher_a.is_active = False  # as the admin's user form saves it: the whole row
    cast.dispatcher_a.save()
    assert told_of(new_case(cast.worker_a)) == {"relief_a"}

    relief.email = "relief@haidian.example"
    relief.save(update_fields=["email"])
    case = new_case(cast.worker_a)
    assert Notification.objects.get(subject=case.number, user=relief).mail_pending

    relief.staff_profile.role = Role.CALL_TAKER
    relief.staff_profile.save()
    assert told_of(new_case(cast.worker_a)) == set()


def test_service_held_through_a_group_counts_as_the_scope_counts_it(cast):
    """A street's relief rota as a group: its members hear of the street's new cases and of what its stations are
    sent, as their scope already lets them act on those cases."""
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    relief = Group.objects.create(name="学院路值班调度")
    assign_perm("grids.serve_grid", relief, Grid.objects.get(code=STREET_A))
    cast.dispatcher_b.groups.add(relief)  # 青龙桥's dispatcher, on 学院路's rota too
    case = new_case(cast.worker_a)
    assert told_of(case) == {"dispatcher_a", "dispatcher_b"}
    assert is_dispatcher_of(type(cast.dispatcher_b).objects.get(pk=cast.dispatcher_b.pk), case)

    station = StreetUnit.objects.get(code=STATION_A)
    team = Group.objects.create(name="城管分队支援")
    assign_perm("grids.serve_station", team, station)
    cast.section_a.groups.add(team)
    assert set(unit_handlers([(station.department_id, station.id)]).values_list("username", flat=True)) >= {
        "station_a", "section_a"}
    assert cast.section_a.id in {u.id for u in step_owner_directory().by_station[station.id]}


def test_another_object_permission_on_a_station_makes_nobody_its_handler(cast):
    """Only the service (serve_station) counts, as in the scope: a permission to view the station's record does not
    make its holder one of those told of what the station is sent."""
    from guardian.shortcuts import assign_perm

    station = StreetUnit.objects.get(code=STATION_A)
    assign_perm("grids.view_streetunit", cast.section_a, station)
    assert "section_a" not in set(unit_handlers([(None, station.id)]).values_list("username", flat=True))
    assert "station_a" in set(unit_handlers([(None, station.id)]).values_list("username", flat=True))


def test_the_directory_is_read_once_for_many_reports_and_again_after_a_grant(cast):
    new_case(cast.worker_a)
    with CaptureQueriesContext(connection) as reports:
        for _ in range(3):
            new_case(cast.worker_a)
    assert not [query for query in reports if "grids_griduserobjectpermission" in query["sql"]]

    staff_create(username="relief_a", role=Role.STREET_DISPATCHER, password=None, grid_code=STREET_A)
    with CaptureQueriesContext(connection) as after_grant:
        new_case(cast.worker_a)
    assert [query for query in after_grant if "grids_griduserobjectpermission" in query["sql"]]


def test_a_report_reads_the_access_generation_once(api_as, cast):
    """A request keeps the generation it read with the reporter's cached scope: telling the dispatchers costs no
    second read (outside a request, as in the tests above, every read asks the cache)."""
    get, get_many = cache.get, cache.get_many
    reads, inside_many = [], []  # a local-memory cache's get_many calls its get for each key: one read all the same

    def read_one(key, *args, **kwargs):
        if not inside_many:
            reads.append([key])
        return get(key, *args, **kwargs)

    def read_many(keys, *args, **kwargs):
        reads.append(list(keys))
        inside_many.append(True)
        try:
            return get_many(keys, *args, **kwargs)
        finally:
            inside_many.pop()

    client = api_as(type(cast.worker_a).objects.get(pk=cast.worker_a.pk))
    grid = Grid.objects.get(code=GRID_A)
    access_generation()  # there is one (the tests' cache starts empty; a lost generation is read again, once)
    with mock.patch.object(cache, "get", side_effect=read_one), mock.patch.object(cache, "get_many",
                                                                                side_effect=read_many):
        response = client.post("/api/v1/cases/", {
            "title": "一次", "description": "一次", "category": "E0101", "lat": grid.centroid_lat,
            "lng": grid.centroid_lng, "address": "测试地址", "source": "grid_patrol"}, format="json")
    assert response.status_code == 201
    assert sum(GENERATION_KEY in keys for keys in reads) == 1, reads
