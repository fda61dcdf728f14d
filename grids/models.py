"""The district's structure: the grid tree, communities, departments, the street units that handle cases
(department stations and street sections), staff.

Codes follow Beijing's unit-grid standard (DB11/T 2157-2023): district 110108, street/town
110108SSS, community 110108SSSCCC, unit grid 110108SSSCCCNNN. A grid's ancestors are prefixes of
its code, so "everything under street A" is ``code__startswith=A.code``. Key-unit and road grids
have no community of their own and use the reserved community codes 901 and 951.
"""
from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from core.roles import Role
from core.scoping import ScopedQuerySet, ScopePath

digits = RegexValidator(r"^\d+$", _("Only digits are allowed."))

KEY_UNIT_COMMUNITY_CODE = "901"
ROAD_COMMUNITY_CODE = "951"


class Grid(models.Model):
    class Level(models.IntegerChoices):
        DISTRICT = 1, _("District")
        STREET = 2, _("Second-level grid (street/town)")
        UNIT = 3, _("Third-level grid")

    class Kind(models.TextChoices):
        DISTRICT = "district", _("District")
        STREET = "street", _("Street office")
        TOWN = "town", _("Town")
        COMMUNITY = "community", _("Community grid")
        VILLAGE = "village", _("Village grid")
        KEY_UNIT = "key_unit", _("Key-unit grid")
        ROAD = "road", _("Road grid")

    UNIT_KINDS = (Kind.COMMUNITY, Kind.VILLAGE, Kind.KEY_UNIT, Kind.ROAD)

    code = models.CharField(_("code"), max_length=15, unique=True, validators=[digits])
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent grid"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    community = models.ForeignKey(
        "Community", verbose_name=_("community"), null=True, blank=True, on_delete=models.PROTECT, related_name="grids"
    )
    boundary = models.JSONField(_("boundary (GeoJSON geometry, WGS-84)"))
    centroid_lat = models.FloatField(_("centroid latitude"))
    centroid_lng = models.FloatField(_("centroid longitude"))
    area_km2 = models.FloatField(_("area (km²)"))

    reference_deferred = ("boundary",)  # left out of the processes' copy of the grids (core.reference)
    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(grid="code", widened=True)

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["code"]
        permissions = [("serve_grid", _("Serves in this grid and every grid under it"))]
        indexes = [
            models.Index(fields=["level", "kind"]),
            # LIKE 'prefix%' on PostgreSQL needs the pattern operator class outside the C locale.
            models.Index(fields=["code"], name="grid_code_prefix_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def street_code(self) -> str:
        return self.code[:9]


class Community(models.Model):
    class Kind(models.TextChoices):
        COMMUNITY = "community", _("Community")
        VILLAGE = "village", _("Village")

    code = models.CharField(_("code"), max_length=12, unique=True, validators=[digits])
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.COMMUNITY)
    street = models.ForeignKey(
        Grid, verbose_name=_("street/town"), on_delete=models.PROTECT, related_name="communities",
        limit_choices_to={"level": Grid.Level.STREET},
    )
    is_compound = models.BooleanField(_("compound (大院) community"), default=False)
    is_old_neighbourhood = models.BooleanField(_("old neighbourhood (老旧小区)"), default=False)
    address = models.CharField(_("address"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(area="code", widened=True)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["code"]

    def __str__(self):
        return self.name


class ServiceStation(models.Model):
    """A community service station (社区服务站), the community's public-service window."""

    community = models.OneToOneField(
        Community, verbose_name=_("community"), on_delete=models.CASCADE, related_name="service_station"
    )
    name = models.CharField(_("name"), max_length=100)
    office_area_m2 = models.PositiveIntegerField(_("office and service space (m²)"), default=0)
    full_time_staff = models.PositiveSmallIntegerField(_("full-time staff"), default=1)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(area="community__code", widened=True)

    class Meta:
        verbose_name = _("community service station")
        verbose_name_plural = _("community service stations")
        ordering = ["community__code"]

    def __str__(self):
        return self.name

    @property
    def meets_space_standard(self) -> bool:
        return self.office_area_m2 >= settings.COMMUNITY_SPACE_STANDARD_M2


class Department(models.Model):
    """One of the 13 professional departments whose forces sink into the grids."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40)
    station_name = models.CharField(
        _("name of its stations in streets"), max_length=40, blank=True,
        help_text=_("e.g. 派出所; empty when the department keeps no stations in streets"),
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(everywhere=True)  # the district's public organisation chart

    class Meta:
        verbose_name = _("professional department")
        verbose_name_plural = _("professional departments")
        ordering = ["id"]
        permissions = [("serve_department", _("Handles the cases of this department and all its stations"))]

    def __str__(self):
        return self.name


class StreetUnit(models.Model):
    """A unit inside a street that takes small-cycle cases (街镇承办单位): a department's station
    (派驻机构, e.g. the street's 派出所) or one of the street's own sections (科室, e.g. 城市管理科).
    The fields and permissions that name a "station" (``Case.station``, ``serve_station``) point here."""

    class Kind(models.TextChoices):
        STATION = "station", _("Department station")
        SECTION = "section", _("Street section")
        # 联合执法队: members from several departments' stations in the street, taking a case as one unit.
        TEAM = "team", _("Joint enforcement team")

    class Section(models.TextChoices):
        """The sections every street and town keeps, under the same codes everywhere."""

        URBAN_MANAGEMENT = "urban_management", _("Urban management and construction section")
        PUBLIC_SAFETY = "public_safety", _("Safety and public order office")
        COMMUNITY_BUILDING = "community_building", _("Community building section")
        SOCIAL_AFFAIRS = "social_affairs", _("Social affairs section")
        WORK_SAFETY = "work_safety", _("Work safety section")
        ECONOMY = "economy", _("Economic development section")
        ENVIRONMENT = "environment", _("Environmental protection section")

    class ManagementMode(models.TextChoices):
        STREET = "street", _("Managed by the street")
        DUAL = "dual", _("Dual management (department and street)")
        VERTICAL = "vertical", _("Vertical management by the department")

    code = models.SlugField(_("code"), max_length=48, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.STATION)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="stations", help_text=_("The department whose station this is; empty for a street section."),
    )
    section = models.CharField(_("section"), max_length=24, choices=Section.choices, blank=True,
                               help_text=_("Which of the street's sections this is; empty for a department station."))
    street = models.ForeignKey(
        Grid, verbose_name=_("street/town"), on_delete=models.PROTECT, related_name="units",
        limit_choices_to={"level": Grid.Level.STREET},
    )
    name = models.CharField(_("name"), max_length=100)
    management_mode = models.CharField(_("management mode"), max_length=16, choices=ManagementMode.choices)
    in_service = models.BooleanField(_("in service"), default=True,
                                     help_text=_("A unit out of service takes no new cases; those it holds stay."))

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(everywhere=True)

    class Meta:
        verbose_name = _("street handling unit")
        verbose_name_plural = _("street handling units")
        ordering = ["street__code", "-kind", "department_id", "section"]  # teams, stations, then sections
        constraints = [
            models.UniqueConstraint(fields=["department", "street"], name="one_station_per_street"),
            models.UniqueConstraint(fields=["section", "street"], name="one_section_per_street",
                                    condition=models.Q(kind="section")),
            models.UniqueConstraint(fields=["street"], name="one_team_per_street",
                                    condition=models.Q(kind="team")),
            models.CheckConstraint(
                condition=models.Q(kind="station", department__isnull=False, section="")
                | models.Q(models.Q(kind="section", department__isnull=True), ~models.Q(section=""))
                | models.Q(kind="team", department__isnull=True, section=""),
                name="street_unit_station_section_or_team",
            ),
        ]
        permissions = [("serve_station", _("Handles the cases of this station"))]

    def __str__(self):
        return self.name


class StaffProfile(models.Model):
    """A person working on the grid. Where they may act is their object permissions
    (``serve_grid`` / ``serve_department`` / ``serve_station``); this holds who they are."""

    class Post(models.TextChoices):
        GENERAL = "general", _("General staff")
        DEPUTY = "deputy", _("Deputy post")
        HEAD = "head", _("Head post")

    class ForceGroup(models.TextChoices):
        DISTRICT_BUREAU = "district_bureau", _("Sent down by district bureaus")
        STREET_SECTION = "street_section", _("Sent down by street/town sections")
        COORDINATOR = "coordinator", _("Auxiliary/coordinator staff")
        COMMUNITY = "community", _("Community-integrated staff")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="staff_profile"
    )
    full_name = models.CharField(_("full name"), max_length=50)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, db_index=True)
    post = models.CharField(_("post"), max_length=16, choices=Post.choices, default=Post.GENERAL)
    force_group = models.CharField(_("force group"), max_length=32, choices=ForceGroup.choices, blank=True)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    station = models.ForeignKey(
        StreetUnit, verbose_name=_("department station"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="staff",
    )
    home_grid = models.ForeignKey(
        Grid, verbose_name=_("grid served"), null=True, blank=True, on_delete=models.PROTECT, related_name="staff",
        help_text=_("The grid the person is listed under; their scope may be wider."),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    duties = models.CharField(_("duties"), max_length=200, blank=True)
    listed_publicly = models.BooleanField(_("listed publicly (实名制公示)"), default=True)

    objects = ScopedQuerySet.as_manager()
    # Colleagues in the grids one may look at, one's department or station, and oneself.
    scope_path = ScopePath(grid="home_grid__code", widened=True, department="department_id", station="station_id",
                           person="user_id")

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        ordering = ["home_grid__code", "full_name"]
        indexes = [models.Index(fields=["home_grid", "listed_publicly"])]

    def __str__(self):
        return f"{self.full_name} ({self.get_role_display()})"


# django-guardian object permissions with direct foreign keys: one indexed join per scope check. Each grant to a
# person is recorded (who granted or withdrew which scope, when): what a person may see and do depends on it.
class GridUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Grid, on_delete=models.CASCADE)
    history = HistoricalRecords()


class GridGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Grid, on_delete=models.CASCADE)


class DepartmentUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Department, on_delete=models.CASCADE)
    history = HistoricalRecords()


class DepartmentGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Department, on_delete=models.CASCADE)


class StationUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(StreetUnit, on_delete=models.CASCADE)
    history = HistoricalRecords()


class StationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(StreetUnit, on_delete=models.CASCADE)
