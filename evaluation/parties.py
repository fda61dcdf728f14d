"""Who rates whom in the two-way assessment, and who speaks for each party.

The pairs (``flow_pairs``), as the source describes them:

- upward — the residents' representatives of each community/village grid rate that grid; each
  community/village grid rates its street/town and each of its street's sections (科室); each section
  rates its street's sub-centre; each street/town rates each of the 13 departments;
- downward — each department rates each street/town; each street/town rates each of its
  community/village grids; a department station is rated by those who manage it
  (``StreetUnit.management_mode``): under dual management by its department and by its street, under
  vertical management by its department only, under the street's management by the street only.

The residents' part of the upward flow is not a sheet: the residents' democratic supervision committees
question and rate the street office and the department stations serving their community
(``SupervisionRating``); ``scoring.TWO_WAY_PARTS`` says how it weighs in.

Key-unit and road grids have no residents and no community of their own: they take no part.

A party acts through its people: a grid through the community workstation staff serving it, a street
through its sub-centre dispatchers, a department through its department-wide handlers, a section through
its handlers. Residents'
representatives have no login: their sheet opens with the access code printed on it.
"""
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.roles import Role
from core.scoping import scope_of
from grids.models import Department, Grid, StreetUnit
from grids.selectors import service_held, serving

User = get_user_model()
COMMUNITY_KINDS = (Grid.Kind.COMMUNITY, Grid.Kind.VILLAGE)
STREET_CODE_LENGTH = 9
UNIT_GRID_CODE_LENGTH = 15
Mode = StreetUnit.ManagementMode
STREET_MANAGES = (Mode.DUAL, Mode.STREET)  # the management modes under which the street assesses a station
DEPARTMENT_MANAGES = (Mode.DUAL, Mode.VERTICAL)  # … under which its department does


class Flow(models.TextChoices):
    """The two-way assessment (双向考评) of the source: upward, each level rates the one above;
    downward, departments rate streets and streets rate their communities and department stations."""

    RESIDENTS_GRID = "residents_grid", _("Residents' representatives → community grid")
    GRID_STREET = "grid_street", _("Community grid → street/town")
    STREET_DEPARTMENT = "street_department", _("Street/town → department")
    DEPARTMENT_STREET = "department_street", _("Department → street/town")
    STREET_GRID = "street_grid", _("Street/town → community grid")
    STREET_STATION = "street_station", _("Street/town → department station")
    DEPARTMENT_STATION = "department_station", _("Department → its station")
    GRID_SECTION = "grid_section", _("Community grid → street section")
    SECTION_STREET = "section_street", _("Street section → street/town")


class Party(models.TextChoices):
    RESIDENTS = "residents", _("Residents' representatives")
    GRID = "grid", _("Community grid")
    STREET = "street", _("Street/town")
    DEPARTMENT = "department", _("Department")
    STATION = "station", _("Department station")
    SECTION = "section", _("Street section")


class Direction(models.TextChoices):
    UP = "up", _("Upward")
    DOWN = "down", _("Downward")


# flow → (evaluator party, evaluatee party, direction)
FLOWS = {
    Flow.RESIDENTS_GRID: (Party.RESIDENTS, Party.GRID, Direction.UP),
    Flow.GRID_STREET: (Party.GRID, Party.STREET, Direction.UP),
    Flow.STREET_DEPARTMENT: (Party.STREET, Party.DEPARTMENT, Direction.UP),
    Flow.DEPARTMENT_STREET: (Party.DEPARTMENT, Party.STREET, Direction.DOWN),
    Flow.STREET_GRID: (Party.STREET, Party.GRID, Direction.DOWN),
    Flow.STREET_STATION: (Party.STREET, Party.STATION, Direction.DOWN),
    Flow.DEPARTMENT_STATION: (Party.DEPARTMENT, Party.STATION, Direction.DOWN),
    Flow.GRID_SECTION: (Party.GRID, Party.SECTION, Direction.UP),
    Flow.SECTION_STREET: (Party.SECTION, Party.STREET, Direction.UP),
}


def flow_pairs() -> dict[str, list[tuple[str, str, str, str]]]:
    """{flow: [(evaluator code, evaluator name, evaluatee code, evaluatee name)]}, in code order."""
    grids = list(Grid.objects.filter(level=Grid.Level.UNIT, kind__in=COMMUNITY_KINDS).order_by("code")
                 .values_list("code", "name", "parent__code"))
    streets = list(Grid.objects.filter(level=Grid.Level.STREET).order_by("code").values_list("code", "name"))
    street_names = dict(streets)
    departments = list(Department.objects.order_by("code").values_list("code", "name"))
    units = StreetUnit.objects.order_by("code")
    stations = units.filter(kind=StreetUnit.Kind.STATION)
    street_managed = list(stations.filter(management_mode__in=STREET_MANAGES)
                          .values_list("code", "name", "street__code"))
    department_managed = list(stations.filter(management_mode__in=DEPARTMENT_MANAGES)
                              .values_list("code", "name", "department__code", "department__name"))
    sections = list(units.filter(kind=StreetUnit.Kind.SECTION).values_list("code", "name", "street__code"))
    sections_of = defaultdict(list)
    for code, name, street in sections:
        sections_of[street].append((code, name))
    return {
        Flow.RESIDENTS_GRID: [(code, name, code, name) for code, name, _street in grids],
        Flow.GRID_STREET: [(code, name, street, street_names[street]) for code, name, street in grids],
        Flow.STREET_DEPARTMENT: [(s, s_name, d, d_name) for s, s_name in streets for d, d_name in departments],
        Flow.DEPARTMENT_STREET: [(d, d_name, s, s_name) for d, d_name in departments for s, s_name in streets],
        Flow.STREET_GRID: [(street, street_names[street], code, name) for code, name, street in grids],
        Flow.STREET_STATION: [(street, street_names[street], code, name) for code, name, street in street_managed],
        Flow.DEPARTMENT_STATION: [(d, d_name, code, name) for code, name, d, d_name in department_managed],
        Flow.GRID_SECTION: [(code, name, section, section_name) for code, name, street in grids
                            for section, section_name in sections_of[street]],
        Flow.SECTION_STREET: [(code, name, street, street_names[street]) for code, name, street in sections],
    }


def parties_of(user) -> dict[str, set[str]]:
    """{party kind: codes} the user may submit sheets for (residents: none, they use access codes).
    Kept on the user object for the request, like their scope: a list of sheets asks once."""
    cached = getattr(user, "_evaluation_parties", None)
    if cached is None:
        cached = _parties_of(user)
        if getattr(user, "is_authenticated", False):
            user._evaluation_parties = cached
    return cached


def _parties_of(user) -> dict[str, set[str]]:
    profile = getattr(user, "staff_profile", None) if getattr(user, "is_authenticated", False) else None
    if profile is None or not user.is_active:
        return {}
    scope = scope_of(user)
    if profile.role == Role.COMMUNITY_STAFF:
        return {Party.GRID: {code for code in scope.grid_codes if len(code) == UNIT_GRID_CODE_LENGTH}}
    if profile.role == Role.STREET_DISPATCHER:
        return {Party.STREET: {code for code in scope.grid_codes if len(code) == STREET_CODE_LENGTH}}
    if profile.role == Role.DEPARTMENT_HANDLER:
        departments = set(Department.objects.filter(id__in=scope.department_ids).values_list("code", flat=True))
        sections = set(StreetUnit.objects.filter(id__in=scope.station_ids, kind=StreetUnit.Kind.SECTION)
                       .values_list("code", flat=True))
        return {kind: codes for kind, codes in ((Party.DEPARTMENT, departments), (Party.SECTION, sections)) if codes}
    return {}


def speaks_for(user, kind: str, code: str) -> bool:
    return code in parties_of(user).get(kind, set())


# Who speaks for a party: people of this role holding this kind of service (grids.selectors) on the party's object.
SPEAKERS = {
    Party.GRID: (Role.COMMUNITY_STAFF, "grid", Grid),
    Party.RESIDENTS: (Role.COMMUNITY_STAFF, "grid", Grid),
    Party.STREET: (Role.STREET_DISPATCHER, "grid", Grid),
    Party.DEPARTMENT: (Role.DEPARTMENT_HANDLER, "department", Department),
    Party.SECTION: (Role.DEPARTMENT_HANDLER, "station", StreetUnit),
}


def people_of(kind: str, codes: set[str]) -> dict[str, list]:
    """{party code: active users speaking for it}: who gets the reminders. The residents'
    representatives' sheets are handed out by the grid's community staff, so they are reminded. Service counts
    directly or through a group, as the scope that lets them fill the sheets counts it (``parties_of``)."""
    found: dict[str, list] = defaultdict(list)
    if not codes or kind not in SPEAKERS:
        return found
    role, service, model = SPEAKERS[kind]
    objects = model.objects.filter(code__in=codes).values("id")
    speakers = User.objects.filter(serving(service, objects), is_active=True, staff_profile__role=role)
    by_id = User.objects.in_bulk(set(speakers.values_list("id", flat=True)))
    for user_id, code in sorted(service_held(list(by_id), service, "content_object__code")):
        if code in codes:
            found[code].append(by_id[user_id])
    return found

