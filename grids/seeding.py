"""Loads the district's structure (and optionally its 13,922 sunk-down staff) into the database.

Everything is generated deterministically from ``seed_data``: the same input gives the same
rows, and the loader upserts by natural key, so a second run changes nothing. Boundaries are a
Voronoi tiling: the district outline is split among the 29 street seeds, each street among its
unit grids (seed points relaxed a few Lloyd steps for even cells). Cells share their edges, so
the unit grids cover the district without overlapping.
"""
import json
import random
from dataclasses import dataclass, field
from functools import cache
from itertools import groupby

import shapely
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from shapely.geometry import MultiPoint, Point, Polygon, mapping
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from core.access import new_access_generation
from core.roles import Role

from . import seed_data
from .demo import seed_demo_people
from .geometry import forget_index
from .models import (
    KEY_UNIT_COMMUNITY_CODE,
    ROAD_COMMUNITY_CODE,
    Community,
    Department,
    DepartmentUserObjectPermission,
    Grid,
    GridUserObjectPermission,
    ServiceStation,
    StaffProfile,
    StationUserObjectPermission,
    StreetUnit,
)

LLOYD_STEPS = 4
# Lat/lng degrees to km at Haidian's latitude, for areas shown to people.
KM_PER_DEG_LAT = 111.0
KM_PER_DEG_LNG = 85.2


@dataclass
class CommunityPlan:
    code: str
    name: str
    kind: str
    street_code: str
    is_compound: bool
    is_old_neighbourhood: bool
    grid_count: int
    has_station: bool


@dataclass
class GridPlan:
    code: str
    name: str
    level: int
    kind: str
    parent_code: str | None
    community_code: str | None
    geometry: BaseGeometry


@dataclass
class DistrictPlan:
    grids: list[GridPlan] = field(default_factory=list)
    communities: list[CommunityPlan] = field(default_factory=list)


def _short(name: str) -> str:
    return name.removesuffix("街道").removesuffix("镇")


def _polygons_only(geometry: BaseGeometry) -> BaseGeometry:
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = [g for g in getattr(geometry, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return unary_union(parts)


def _voronoi_cells(seeds: list[Point], region: BaseGeometry) -> list[BaseGeometry]:
    """The Voronoi cell of each seed, clipped to the region, in the order of the seeds."""
    if len(seeds) == 1:
        return [region]
    diagram = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=region.envelope.buffer(0.05))
    cells = list(diagram.geoms)
    tree = shapely.STRtree(cells)
    ordered = []
    for seed in seeds:
        hits = tree.query(seed, predicate="intersects")
        ordered.append(_polygons_only(cells[int(hits[0])].intersection(region)))
    return ordered


def _relaxed_cells(region: BaseGeometry, count: int, rng: random.Random) -> list[BaseGeometry]:
    minx, miny, maxx, maxy = region.bounds
    seeds: list[Point] = []
    while len(seeds) < count:
        point = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if region.contains(point):
            seeds.append(point)
    cells = _voronoi_cells(seeds, region)
    for _step in range(LLOYD_STEPS):
        seeds = [c.centroid if region.contains(c.centroid) else c.representative_point() for c in cells]
        cells = _voronoi_cells(seeds, region)
    # Number north → south in bands of ~1 km, west → east within a band (as DB11/T 2157 does).
    return sorted(cells, key=lambda c: (-round(c.centroid.y / 0.01), c.centroid.x))


def _community_plans() -> list[CommunityPlan]:
    per_street, extra = divmod(seed_data.COMMUNITIES_TOTAL, len(seed_data.STREETS))
    two_grid_every = seed_data.COMMUNITIES_TOTAL // (
        (seed_data.UNIT_GRIDS_COMMUNITY - seed_data.COMMUNITIES_TOTAL) // 5
    )
    no_station_every = seed_data.COMMUNITIES_TOTAL // (
        (seed_data.COMMUNITIES_TOTAL - seed_data.SERVICE_STATIONS_TOTAL) // 5
    )
    plans = []
    serial = 0
    for s_index, (name, kind, _lng, _lat) in enumerate(seed_data.STREETS):
        street_code = f"{seed_data.DISTRICT['code']}{s_index + 1:03d}"
        for c_index in range(per_street + (1 if s_index < extra else 0)):
            is_village = kind == "town" and c_index % 5 < 3
            plans.append(
                CommunityPlan(
                    code=f"{street_code}{c_index + 1:03d}",
                    name=f"{_short(name)}第{c_index + 1:02d}{'村' if is_village else '社区'}",
                    kind=Community.Kind.VILLAGE if is_village else Community.Kind.COMMUNITY,
                    street_code=street_code,
                    is_compound=not is_village and c_index % 7 == 0,
                    is_old_neighbourhood=not is_village and c_index % 3 == 1,
                    grid_count=2 if serial % two_grid_every < 5 else 1,
                    has_station=serial % no_station_every >= 5,
                )
            )
            serial += 1
    return plans


@cache
def plan_district() -> DistrictPlan:
    """The whole structure, computed once per process (pure: depends on seed_data only)."""
    plan = DistrictPlan()
    district_code = seed_data.DISTRICT["code"]
    outline = Polygon(seed_data.DISTRICT_OUTLINE)
    plan.grids.append(
        GridPlan(
            district_code, seed_data.DISTRICT["name"], Grid.Level.DISTRICT, Grid.Kind.DISTRICT, None, None, outline
        )
    )
    plan.communities = _community_plans()
    communities_by_street = {
        code: list(group) for code, group in groupby(plan.communities, key=lambda c: c.street_code)
    }
    street_seeds = [Point(lng, lat) for _name, _kind, lng, lat in seed_data.STREETS]
    street_regions = _voronoi_cells(street_seeds, outline)
    key_unit_left = seed_data.UNIT_GRIDS_KEY_UNIT
    for s_index, ((name, kind, _lng, _lat), region) in enumerate(zip(seed_data.STREETS, street_regions, strict=True)):
        street_code = f"{district_code}{s_index + 1:03d}"
        street_kind = Grid.Kind.TOWN if kind == "town" else Grid.Kind.STREET
        plan.grids.append(GridPlan(street_code, name, Grid.Level.STREET, street_kind, district_code, None, region))
        communities = communities_by_street[street_code]
        key_units = 1 if key_unit_left > 0 else 0
        key_unit_left -= key_units
        roads = 1 if name in seed_data.ROAD_GRID_STREETS else 0
        cell_count = sum(c.grid_count for c in communities) + key_units + roads
        cells = _relaxed_cells(region, cell_count, random.Random(street_code))
        # Key-unit and road grids take central cells; communities the rest in numbering order.
        middle = len(cells) // 2
        special = cells[middle:middle + key_units + roads]
        ordinary = cells[:middle] + cells[middle + key_units + roads:]
        for community in communities:
            for g_index in range(community.grid_count):
                suffix = f"第{g_index + 1}网格" if community.grid_count > 1 else "网格"
                grid_kind = Grid.Kind.VILLAGE if community.kind == Community.Kind.VILLAGE else Grid.Kind.COMMUNITY
                plan.grids.append(
                    GridPlan(
                        f"{community.code}{g_index + 1:03d}", f"{community.name}{suffix}", Grid.Level.UNIT,
                        grid_kind, street_code, community.code, ordinary.pop(0),
                    )
                )
        if key_units:
            plan.grids.append(
                GridPlan(
                    f"{street_code}{KEY_UNIT_COMMUNITY_CODE}001", f"{_short(name)}重点单位网格", Grid.Level.UNIT,
                    Grid.Kind.KEY_UNIT, street_code, None, special.pop(0),
                )
            )
        if roads:
            plan.grids.append(
                GridPlan(
                    f"{street_code}{ROAD_COMMUNITY_CODE}001", f"{_short(name)}道路网格", Grid.Level.UNIT,
                    Grid.Kind.ROAD, street_code, None, special.pop(0),
                )
            )
    return plan


def _geojson(geometry: BaseGeometry) -> dict:
    # Through JSON so the stored value compares equal to what the database gives back.
    return json.loads(json.dumps(mapping(geometry)))


def upsert_by_key(model, key: str, rows: list[dict]) -> tuple[int, int]:
    """Create missing rows and update changed ones, by natural key. Returns (created, updated)."""
    existing = {getattr(obj, key): obj for obj in model.objects.filter(**{f"{key}__in": [r[key] for r in rows]})}
    to_create, to_update, changed_fields = [], [], set()
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            to_create.append(model(**row))
            continue
        changed = [name for name, value in row.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, row[name])
            changed_fields.update(changed)
            to_update.append(obj)
    model.objects.bulk_create(to_create, batch_size=1000)
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed_fields), batch_size=500)
    return len(to_create), len(to_update)


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def add(self, label: str, counts: tuple[int, int]) -> None:
        self.created[label] = self.created.get(label, 0) + counts[0]
        self.updated[label] = self.updated.get(label, 0) + counts[1]

    @property
    def changed_anything(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())


def _grid_row(grid: GridPlan, ids: dict[str, int], community_ids: dict[str, int]) -> dict:
    centroid = grid.geometry.representative_point() if grid.level == Grid.Level.UNIT else grid.geometry.centroid
    return {
        "code": grid.code,
        "name": grid.name,
        "level": grid.level,
        "kind": grid.kind,
        "parent_id": ids.get(grid.parent_code) if grid.parent_code else None,
        "community_id": community_ids.get(grid.community_code) if grid.community_code else None,
        "boundary": _geojson(grid.geometry),
        "centroid_lat": centroid.y,
        "centroid_lng": centroid.x,
        "area_km2": round(grid.geometry.area * KM_PER_DEG_LAT * KM_PER_DEG_LNG, 4),
    }


@transaction.atomic
def seed(*, demo: bool = False) -> SeedReport:
    """The district's structure; with ``demo`` also its 13,922 staff (so every grid's public listing
    is filled), one login per role and the demo streets' staff (the other apps' demo data needs them)."""
    report = seed_structure()
    if demo:
        report.add("staff", (seed_staff().created["staff"], 0))
        report.add("demo staff", seed_demo_people())
    return report


def seed_structure() -> SeedReport:
    report = SeedReport()
    plan = plan_district()
    by_level = {level: [g for g in plan.grids if g.level == level] for level in Grid.Level.values}
    ids: dict[str, int] = {}
    community_ids: dict[str, int] = {}
    for level in (Grid.Level.DISTRICT, Grid.Level.STREET):
        report.add("grids", upsert_by_key(Grid, "code", [_grid_row(g, ids, community_ids) for g in by_level[level]]))
        ids.update(Grid.objects.filter(level=level).values_list("code", "id"))
    report.add(
        "communities",
        upsert_by_key(
            Community,
            "code",
            [
                {
                    "code": c.code, "name": c.name, "kind": c.kind, "street_id": ids[c.street_code],
                    "is_compound": c.is_compound, "is_old_neighbourhood": c.is_old_neighbourhood,
                }
                for c in plan.communities
            ],
        ),
    )
    community_ids.update(Community.objects.values_list("code", "id"))
    report.add(
        "grids", upsert_by_key(Grid, "code", [_grid_row(g, ids, community_ids) for g in by_level[Grid.Level.UNIT]])
    )
    forget_index()  # bulk writes send no post_save
    report.add("service stations", _seed_service_stations(plan, community_ids))
    report.add("departments", _seed_departments())
    report.add("street units", _seed_street_units(ids))
    return report


def _seed_service_stations(plan: DistrictPlan, community_ids: dict[str, int]) -> tuple[int, int]:
    rows = []
    for serial, community in enumerate(c for c in plan.communities if c.has_station):
        rng = random.Random(community.code)
        # About one station in twenty is still below the space standard (the source: 95%+ meet it).
        area = rng.randint(180, 340) if serial % 20 == 7 else rng.randint(360, 820)
        rows.append(
            {
                "community_id": community_ids[community.code],
                "name": f"{community.name}服务站",
                "office_area_m2": area,
                "full_time_staff": 1 + rng.randint(0, 2),
            }
        )
    return upsert_by_key(ServiceStation, "community_id", rows)


def _seed_departments() -> tuple[int, int]:
    rows = [
        {"code": code, "name": name, "short_name": short, "station_name": station}
        for code, name, short, station, _mode in seed_data.DEPARTMENTS
    ]
    return upsert_by_key(Department, "code", rows)


def _seed_street_units(street_ids: dict[str, int]) -> tuple[int, int]:
    """Each street's department stations (派驻机构), its own sections (科室) and its joint enforcement team
    (联合执法队, whose members come from the stations: ``services.team_enlist``)."""
    departments = dict(Department.objects.values_list("code", "id"))
    rows = []
    for s_index, (street_name, _kind, _lng, _lat) in enumerate(seed_data.STREETS):
        street_code = f"{seed_data.DISTRICT['code']}{s_index + 1:03d}"
        for code, _name, _short_name, station_name, mode in seed_data.DEPARTMENTS:
            if station_name:
                rows.append({
                    "code": f"{code}-{street_code}", "kind": StreetUnit.Kind.STATION,
                    "department_id": departments[code], "section": "", "street_id": street_ids[street_code],
                    "name": f"{_short(street_name)}{station_name}", "management_mode": mode,
                })
        for code, section_name in seed_data.STREET_SECTIONS:
            rows.append({
                "code": f"{code}-{street_code}", "kind": StreetUnit.Kind.SECTION, "department_id": None,
                "section": code, "street_id": street_ids[street_code], "name": f"{_short(street_name)}{section_name}",
                "management_mode": StreetUnit.ManagementMode.STREET,
            })
        rows.append({
            "code": f"joint_team-{street_code}", "kind": StreetUnit.Kind.TEAM, "department_id": None, "section": "",
            "street_id": street_ids[street_code], "name": f"{_short(street_name)}{seed_data.JOINT_TEAM_NAME}",
            "management_mode": StreetUnit.ManagementMode.STREET,
        })
    return upsert_by_key(StreetUnit, "code", rows)


def _person_name(rng: random.Random) -> str:
    given = "".join(rng.choice(seed_data.GIVEN_NAME_CHARS) for _ in range(rng.choice((1, 2))))
    return rng.choice(seed_data.SURNAMES) + given


STAFF_DUTIES = {
    StaffProfile.ForceGroup.DISTRICT_BUREAU: "专业执法与业务指导",
    StaffProfile.ForceGroup.STREET_SECTION: "街镇科室事务下沉服务",
    StaffProfile.ForceGroup.COORDINATOR: "网格巡查、信息采集与协管",
    StaffProfile.ForceGroup.COMMUNITY: "社区服务、民情走访与问题上报",
}


@dataclass(frozen=True)
class StaffPlace:
    """Where one of the sunk-down staff is listed and what they serve."""

    username: str
    group: str
    index: int
    grid_id: int
    role: str = Role.GRID_WORKER
    department_id: int | None = None
    unit_id: int | None = None  # the station or section they handle cases for
    department_wide: bool = False  # handles the department's district-level (large-cycle) cases


# One district-bureau person in ten stays at the bureau for its large-cycle cases; the others work in the station
# of their bureau in the street of the grid they are listed in (a bureau with no stations keeps all of them).
BUREAU_DESK_EVERY = 10


def _staff_places() -> list[StaffPlace]:
    """The 13,922, spread over the 643 unit grids in turn. Bureau staff handle their department's cases in their
    street's station (or at the bureau); section staff one section of their street; the others serve their grid."""
    grids = list(Grid.objects.filter(level=Grid.Level.UNIT).order_by("code").values_list("id", "code"))
    departments = list(Department.objects.order_by("id").values_list("id", flat=True))
    stations = {(d, street): pk for pk, d, street in StreetUnit.objects.filter(kind=StreetUnit.Kind.STATION)
                .values_list("id", "department_id", "street__code")}
    sections = {(section, street): pk for pk, section, street in StreetUnit.objects.filter(
        kind=StreetUnit.Kind.SECTION).values_list("id", "section", "street__code")}
    section_codes = [code for code, _name in seed_data.STREET_SECTIONS]
    places, serial = [], 0
    for group, count in seed_data.STAFF_FORCE_GROUPS:
        for index in range(count):
            grid_id, grid_code = grids[serial % len(grids)]
            username = f"g{grid_code}-{serial // len(grids) + 1:02d}"
            street = grid_code[:9]
            place = StaffPlace(username, group, index, grid_id)
            if group == StaffProfile.ForceGroup.DISTRICT_BUREAU:
                department = departments[index % len(departments)]
                station = stations.get((department, street))
                at_bureau = station is None or (index // len(departments)) % BUREAU_DESK_EVERY == 0
                place = StaffPlace(username, group, index, grid_id, Role.DEPARTMENT_HANDLER, department,
                                   None if at_bureau else station, department_wide=at_bureau)
            elif group == StaffProfile.ForceGroup.STREET_SECTION:
                section = sections[(section_codes[index % len(section_codes)], street)]
                place = StaffPlace(username, group, index, grid_id, Role.DEPARTMENT_HANDLER, unit_id=section)
            places.append(place)
            serial += 1
    return places


def _grant_places(places: list[StaffPlace], user_ids: dict[str, int]) -> None:
    """Each person's scope: their grid, their station or section, or their whole department."""
    permissions = dict(Permission.objects.filter(
        content_type__app_label="grids", codename__in=["serve_grid", "serve_station", "serve_department"],
    ).values_list("codename", "id"))
    grants = [  # (the grant's model, its permission, what a person is granted it on, or None)
        (GridUserObjectPermission, "serve_grid", lambda p: p.grid_id if p.role == Role.GRID_WORKER else None),
        (StationUserObjectPermission, "serve_station", lambda p: p.unit_id),
        (DepartmentUserObjectPermission, "serve_department", lambda p: p.department_id if p.department_wide else None),
    ]
    for model, codename, target in grants:
        model.objects.bulk_create([model(user_id=user_ids[p.username], permission_id=permissions[codename],
                                         content_object_id=target(p)) for p in places if target(p) is not None],
                                  batch_size=2000)
    groups = dict(Group.objects.filter(name__in=[Role.GRID_WORKER, Role.DEPARTMENT_HANDLER]).values_list("name", "id"))
    User = get_user_model()
    User.groups.through.objects.bulk_create([User.groups.through(
        user_id=user_ids[p.username], group_id=groups[p.role]) for p in places], batch_size=2000)


@transaction.atomic
def seed_staff() -> SeedReport:
    """The 13,922 sunk-down staff: each listed in one of the 643 unit grids, serving that grid or handling the cases
    of a station, a section or a department."""
    report = SeedReport()
    User = get_user_model()
    places = _staff_places()
    existing = set(User.objects.filter(username__in=[p.username for p in places]).values_list("username", flat=True))
    todo = [p for p in places if p.username not in existing]
    if todo:
        unusable = make_password(None)  # sunk-down staff log in once an admin sets a password
        User.objects.bulk_create([User(username=p.username, password=unusable) for p in todo], batch_size=2000)
        user_ids = dict(User.objects.filter(username__in=[p.username for p in todo]).values_list("username", "id"))
        profiles = []
        for place in todo:
            rng = random.Random(place.username)
            head = place.group == StaffProfile.ForceGroup.COMMUNITY and place.index % 10 == 0
            deputy = place.group == StaffProfile.ForceGroup.COMMUNITY and place.index % 10 in (1, 2)
            profiles.append(
                StaffProfile(
                    user_id=user_ids[place.username],
                    full_name=_person_name(rng),
                    role=place.role,
                    post=StaffProfile.Post.HEAD if head
                    else StaffProfile.Post.DEPUTY if deputy else StaffProfile.Post.GENERAL,
                    force_group=place.group,
                    department_id=place.department_id,
                    station_id=place.unit_id,
                    home_grid_id=place.grid_id,
                    phone=f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}",
                    duties=STAFF_DUTIES[place.group],
                    listed_publicly=True,
                )
            )
        StaffProfile.objects.bulk_create(profiles, batch_size=2000)
        _grant_places(todo, user_ids)
        new_access_generation()  # bulk writes send no signals
    report.add("staff", (len(todo), 0))
    return report
