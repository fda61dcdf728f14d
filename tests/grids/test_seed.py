"""The seeded structure matches the source's figures and its codes form a tree."""
import pytest
from django.contrib.auth import get_user_model

from grids import seed_data
from grids.models import Community, Department, Grid, ServiceStation, StaffProfile, StreetUnit
from grids.seeding import seed_staff, seed_structure

pytestmark = pytest.mark.django_db


def test_it_has_29_second_level_grids_22_streets_and_7_towns():
    streets = Grid.objects.filter(level=Grid.Level.STREET)
    assert streets.count() == 29
    assert streets.filter(kind=Grid.Kind.STREET).count() == 22
    assert streets.filter(kind=Grid.Kind.TOWN).count() == 7
    assert set(streets.values_list("name", flat=True)) == {name for name, *_ in seed_data.STREETS}
    assert "学院路街道" in set(streets.values_list("name", flat=True))


def test_it_has_643_unit_grids_split_620_19_4():
    units = Grid.objects.filter(level=Grid.Level.UNIT)
    assert units.count() == 643
    assert units.filter(kind__in=[Grid.Kind.COMMUNITY, Grid.Kind.VILLAGE]).count() == 620
    assert units.filter(kind=Grid.Kind.KEY_UNIT).count() == 19
    assert units.filter(kind=Grid.Kind.ROAD).count() == 4


def test_it_has_570_communities_495_stations_13_departments():
    assert Community.objects.count() == 570
    assert ServiceStation.objects.count() == 495
    assert Department.objects.count() == 13
    # 8 kinds of station (派出所, 工商所, 交通大队, 城管分队, 卫生监督站, 司法所, 房管所, 统计所) in each street, and
    # the street's own 7 sections, under the same codes everywhere.
    assert StreetUnit.objects.filter(kind="station").count() == 8 * 29
    assert StreetUnit.objects.filter(kind="section", department=None).count() == 7 * 29
    assert set(StreetUnit.objects.filter(kind="section").values_list("section", flat=True)) == {
        "urban_management", "public_safety", "community_building", "social_affairs", "work_safety", "economy",
        "environment"}
    assert StreetUnit.objects.get(code="environment-110108009").name == "学院路环境保护科"
    assert StreetUnit.objects.filter(name__endswith="司法所", management_mode="street").count() == 29
    assert StreetUnit.objects.filter(name__endswith="派出所", management_mode="dual").count() == 29


def test_codes_nest_so_ancestors_are_prefixes():
    district = Grid.objects.get(level=Grid.Level.DISTRICT)
    assert district.code == "110108"
    for grid in Grid.objects.exclude(level=Grid.Level.DISTRICT).select_related("parent", "community"):
        assert grid.code.startswith(grid.parent.code)
        assert len(grid.code) == {Grid.Level.STREET: 9, Grid.Level.UNIT: 15}[grid.level]
        if grid.level == Grid.Level.STREET:
            continue
        if grid.community_id:
            assert grid.code.startswith(grid.community.code)
            assert grid.community.street_id == grid.parent_id
        else:
            assert grid.kind in (Grid.Kind.KEY_UNIT, Grid.Kind.ROAD)
            assert grid.code[9:12] in ("901", "951")


def test_every_community_has_one_or_two_grids():
    counts = [len(c.grids.all()) for c in Community.objects.prefetch_related("grids")]
    assert set(counts) == {1, 2}
    assert sum(counts) == 620


def test_a_second_run_changes_nothing():
    before = list(Grid.objects.order_by("code").values_list("code", "name", "boundary", "parent__code"))
    report = seed_structure()
    assert not report.changed_anything
    assert list(Grid.objects.order_by("code").values_list("code", "name", "boundary", "parent__code")) == before


def test_staff_seed_loads_13922_in_the_four_groups_once():
    report = seed_staff()
    assert report.created["staff"] == 13_922
    sunk = StaffProfile.objects.exclude(force_group="")
    assert sunk.count() == 13_922
    assert sunk.filter(force_group="district_bureau").count() == 1_467
    assert sunk.filter(force_group="street_section").count() == 2_325
    assert sunk.filter(force_group="coordinator").count() == 5_947
    assert sunk.filter(force_group="community").count() == 4_183
    # Every unit grid has people listed, and each serves the grid they are listed in.
    assert sunk.values("home_grid").distinct().count() == 643
    profile = sunk.select_related("user", "home_grid").first()
    assert profile.user.has_perm("grids.serve_grid", profile.home_grid)
    assert seed_staff().created["staff"] == 0
    assert get_user_model().objects.filter(staff_profile__force_group__gt="").count() == 13_922
