"""Where a case can go: the routing table resolved against a case's street, and the lines that lead nowhere.

``addressees(case)`` is what the dispatch form and the API offer, the routed units first, and the only units
``services`` accepts in a dispatch. ``RoutingDirectory`` loads the units, their handlers and the table once, so
that ``routing_health`` (the configuration-health page, ``manage.py check``) walks every category × tier × street
in a few queries.
"""
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils.translation import gettext as _

from core.roles import Role, role_of
from core.scoping import scope_of
from grids.models import Department, DepartmentUserObjectPermission, Grid, StationUserObjectPermission, StreetUnit

from .models import Category, Route
from .workflow import Tier

User = get_user_model()
Target = Route.Target
ACTIVE_HANDLER = {"user__is_active": True, "user__staff_profile__role": Role.DEPARTMENT_HANDLER}


@dataclass(frozen=True)
class Addressee:
    """A unit (or, in the micro-cycle, a person) a dispatcher may send a case to."""

    code: str  # the unit's or department's code; a person's username
    name: str
    kind: str  # a Route.Target
    routed: bool  # named by the routing table for this category and tier
    handlers: int  # active people who may accept it

    @property
    def is_person(self) -> bool:
        return self.kind == Target.GRID_STAFF


@dataclass(frozen=True)
class Gap:
    """A category (or, in the micro-cycle, a grid) whose cases have no routed unit with someone to accept them."""

    tier: str
    street_code: str
    street: str  # the street's name
    category: str  # "C0401 行道树倒伏或死亡"; empty for a grid without staff
    reason: str

    @property
    def tier_label(self) -> str:
        return Tier(self.tier).label


class RoutingDirectory:
    """The street units, departments and their accepting handlers, and the routing table, loaded once: for some
    streets and categories (a dispatch form, a page of the inbox), or the whole district (the health walk)."""

    def __init__(self, street_ids=None, category_ids=None):
        units = StreetUnit.objects.filter(in_service=True).select_related("street")
        if street_ids is not None:
            units = units.filter(street_id__in=street_ids)
        self.units = list(units)
        self.departments = list(Department.objects.all())
        self.department_by_id = {d.pk: d for d in self.departments}
        department_handlers = _count(DepartmentUserObjectPermission, "serve_department")
        own = _count(StationUserObjectPermission, "serve_station", content_object__in=[u.pk for u in self.units])
        # A station's cases may also be taken by its department's district-level handlers (services.is_handler_of).
        self.unit_handlers = {u.pk: own[u.pk] + (department_handlers[u.department_id] if u.department_id else 0)
                              for u in self.units}
        self.department_handlers = department_handlers
        self.stations = {(u.street_id, u.department_id): u for u in self.units if u.kind == StreetUnit.Kind.STATION}
        self.sections = {(u.street_id, u.section): u for u in self.units if u.kind == StreetUnit.Kind.SECTION}
        self.teams = {u.street_id: u for u in self.units if u.kind == StreetUnit.Kind.TEAM}
        self.routes: dict[tuple[int, str], list[Route]] = defaultdict(list)
        routes = Route.objects.order_by("rank")
        if category_ids is not None:
            routes = routes.filter(category_id__in=category_ids)
        for route in routes:
            self.routes[(route.category_id, route.tier)].append(route)

    def addressees(self, case) -> list[Addressee]:
        """The routed units first (in the table's order), then the others the tier's dispatcher may choose."""
        if case.tier == Tier.MICRO:
            return _grid_staff(case.grid)
        routed = self._routed(case)
        if case.tier == Tier.SMALL:
            # Stations, then sections, then the joint enforcement team (summoned with others more than sent alone).
            others = sorted((u for u in self.units if u.street_id == case.street_id and u not in routed),
                            key=lambda u: u.kind == StreetUnit.Kind.TEAM)
            return [self._of_unit(u, True) for u in routed] + [self._of_unit(u, False) for u in others]
        others = [d for d in self.departments if d not in routed]
        return [self._of_department(d, True) for d in routed] + [self._of_department(d, False) for d in others]

    def routed(self, case) -> list[Addressee]:
        """Only the units the routing table names for a small- or large-cycle case."""
        of = self._of_unit if case.tier == Tier.SMALL else self._of_department
        return [of(found, True) for found in self._routed(case)]

    def _routed(self, case) -> list:
        resolve = self._unit if case.tier == Tier.SMALL else self._department
        found = (resolve(route, case) for route in self.routes[(case.category_id, case.tier)])
        return list(dict.fromkeys(f for f in found if f is not None))

    def _unit(self, route: Route, case) -> StreetUnit | None:
        if route.target == Target.SECTION:
            return self.sections.get((case.street_id, route.section))
        if route.target == Target.TEAM:
            return self.teams.get(case.street_id)
        return self.stations.get((case.street_id, route.department_id or case.category.department_id))

    def _department(self, route: Route, case) -> Department | None:
        return self.department_by_id.get(route.department_id or case.category.department_id)

    def _of_unit(self, unit: StreetUnit, routed: bool) -> Addressee:
        return Addressee(unit.code, unit.name, unit.kind, routed, self.unit_handlers[unit.pk])

    def _of_department(self, department: Department, routed: bool) -> Addressee:
        return Addressee(department.code, department.name, Target.DEPARTMENT, routed,
                         self.department_handlers[department.pk])


def route_label(route: Route) -> str:
    """A line of the table as a dispatcher reads it: "学院路派出所" becomes "派出所 (the street's)", a section its
    name, a department its name."""
    if route.target == Target.SECTION:
        return str(StreetUnit.Section(route.section).label)
    if route.target in (Target.GRID_STAFF, Target.TEAM):
        return str(Target(route.target).label)
    department = route.department or route.category.department
    if department is None:
        return _("(no department)")
    if route.target == Target.STATION:
        return department.station_name or department.short_name
    return department.name


@dataclass(frozen=True)
class TableRow:
    category: Category
    lines: list[tuple[str, list[str]]]  # (tier label, the routed units' labels in order), micro to large


def routing_table() -> list[TableRow]:
    """The routing table, one row per subclass, as the configuration-health page shows it."""
    lines: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for route in Route.objects.select_related("department", "category__department").order_by("rank"):
        lines[route.category_id][route.tier].append(route_label(route))
    categories = Category.objects.filter(parent__isnull=False, active=True).order_by("code")
    return [TableRow(c, [(label, lines[c.pk][tier]) for tier, label in Tier.choices]) for c in categories]


def _count(model, codename: str, **filters) -> Counter:
    """{object id: active handlers holding the permission on it}."""
    rows = (model.objects.filter(permission__codename=codename, **ACTIVE_HANDLER, **filters)
            .values("content_object_id").annotate(people=Count("user_id", distinct=True)))
    return Counter({row["content_object_id"]: row["people"] for row in rows})


def _grid_staff(grid: Grid) -> list[Addressee]:
    staff = (User.objects.filter(is_active=True, staff_profile__role=Role.GRID_WORKER,
                                 griduserobjectpermission__content_object=grid)
             .select_related("staff_profile").order_by("staff_profile__full_name").distinct())
    return [Addressee(u.username, u.staff_profile.full_name, Target.GRID_STAFF, True, 1) for u in staff]


def addressees(case) -> list[Addressee]:
    """Whom the case's dispatcher may send it to, the routed first."""
    return RoutingDirectory(street_ids=[case.street_id], category_ids=[case.category_id]).addressees(case)


@dataclass(frozen=True)
class Post:
    """Where a person named by a dispatch handles the case: through a street unit, a department, or (neither) as
    the grid's own staff. The case goes to that unit too, so the people who see the unit's cases see it."""

    department: Department | None = None
    unit: StreetUnit | None = None


def post_of(user, case) -> Post | None:
    """Where a person's role and scope make them a handler of this case in its tier, or None: the grid's own staff
    in the micro-cycle, a handler of a unit in service in the case's street in the small one, a department's
    handler in the large one. A dispatcher, an auditor or an evaluator never is."""
    if not user.is_active:
        return None
    role, scope = role_of(user), scope_of(user)
    if case.tier == Tier.MICRO:
        return Post() if role == Role.GRID_WORKER and scope.covers(case.grid.code) else None
    if role != Role.DEPARTMENT_HANDLER:
        return None
    if case.tier == Tier.LARGE:
        department = Department.objects.filter(pk__in=scope.department_ids).order_by("pk").first()
        return Post(department=department) if department else None
    unit = (StreetUnit.objects.filter(pk__in=scope.station_ids, street_id=case.street_id, in_service=True)
            .select_related("department").order_by("pk").first())
    return Post(department=unit.department, unit=unit) if unit else None


@dataclass
class RoutingHealth:
    """The walk of every category × tier × street: where each first goes, and what leads nowhere."""

    gaps: list[Gap]
    first_kind: dict[str, Counter]  # tier → {kind of the first routed unit with handlers (or "none"): how many}
    grids: int  # unit grids
    staffed_grids: int  # unit grids with their own active grid staff (the micro-cycle's handlers)

    @property
    def combinations(self) -> int:
        return sum(sum(counts.values()) for counts in self.first_kind.values())


def routing_health() -> RoutingHealth:
    """Walk every active subclass in the small and large cycles of every street through the routing table, and
    every unit grid for the micro-cycle."""
    directory = RoutingDirectory()
    streets = list(Grid.objects.filter(level=Grid.Level.STREET).order_by("code"))
    categories = list(Category.objects.filter(parent__isnull=False, active=True).select_related("department")
                      .order_by("code"))
    gaps, first_kind = [], {Tier.SMALL: Counter(), Tier.LARGE: Counter()}
    for street in streets:
        for category in categories:
            for tier in (Tier.SMALL, Tier.LARGE):
                case = Probe(category, tier, street)
                first = next((a for a in directory.routed(case) if a.handlers), None)
                first_kind[tier][first.kind if first else "none"] += 1
                if first is None:
                    gaps.append(Gap(tier, street.code, street.name, str(category), _why(directory, case)))
    staffed = set(Grid.objects.filter(
        level=Grid.Level.UNIT, griduserobjectpermission__user__is_active=True,
        griduserobjectpermission__user__staff_profile__role=Role.GRID_WORKER).values_list("pk", flat=True))
    names = {s.code: s.name for s in streets}
    unit_grids = list(Grid.objects.filter(level=Grid.Level.UNIT).order_by("code").only("code", "name"))
    gaps += [Gap(Tier.MICRO, grid.street_code, names.get(grid.street_code, ""), "",
                 _("%(grid)s has no grid staff to take its micro-cycle cases.") % {"grid": grid.name})
             for grid in unit_grids if grid.pk not in staffed]
    return RoutingHealth(gaps, first_kind, len(unit_grids), len(staffed))


@dataclass(frozen=True)
class Probe:
    """What routing reads of a case, standing for the category's cases of one tier in one street."""

    category: Category
    tier: str
    street: Grid

    @property
    def category_id(self) -> int:
        return self.category.pk

    @property
    def street_id(self) -> int:
        return self.street.pk


def _why(directory: RoutingDirectory, case) -> str:
    routes = directory.routes[(case.category_id, case.tier)]
    if not routes:
        return _("The routing table has no line for this tier.")
    named = directory.routed(case)
    if not named:
        return _("None of the routed units exists in this street.")
    return _("No active handler in %(units)s.") % {"units": "、".join(a.name for a in named)}
