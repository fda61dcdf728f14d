"""The base registers of a unit grid (掌握基础数据, 管理实有人口): its houses, located 楼区-楼门-楼层-户
(compound, building, entrance, floor, room), the people living in them, registered (户籍) and floating (流动),
and the units and places (单位/场所) in it.

Every row lives in one third-level grid and is read through ``visible_to``: the grid's own staff, the community
and street above it, and the district command centre (``roles.READERS``). Identity numbers and phones are shown
whole only to the grid's own staff and their supervisors; everyone else sees them masked, and each whole view is
written to ``PersonalDataView`` (see ``privacy``).
"""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import AppendOnlyModel
from core.scoping import ScopedQuerySet, ScopePath
from grids.models import Grid

from .roles import READERS

UNIT_GRID = {"level": Grid.Level.UNIT}


class House(models.Model):
    class Use(models.TextChoices):
        RESIDENTIAL = "residential", _("Residential")
        COMMERCIAL = "commercial", _("Commercial")
        OFFICE = "office", _("Office")
        MIXED = "mixed", _("Mixed use")
        OTHER = "other", _("Vacant or other")

    class Occupancy(models.TextChoices):
        OWNER = "owner", _("Owner-occupied")
        RENTED = "rented", _("Rented out")
        VACANT = "vacant", _("Vacant")

    grid = models.ForeignKey(Grid, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="houses",
                             limit_choices_to=UNIT_GRID)
    compound = models.CharField(_("compound (楼区)"), max_length=50, blank=True)
    building = models.CharField(_("building (楼)"), max_length=20)
    entrance = models.CharField(_("entrance (楼门)"), max_length=20, blank=True)
    floor = models.SmallIntegerField(_("floor (楼层)"), null=True, blank=True)
    room = models.CharField(_("room (户)"), max_length=20)
    use = models.CharField(_("use"), max_length=16, choices=Use.choices, default=Use.RESIDENTIAL)
    occupancy = models.CharField(_("occupancy"), max_length=16, choices=Occupancy.choices, default=Occupancy.OWNER)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(grid="grid__code", roles=READERS)

    class Meta:
        verbose_name = _("house")
        verbose_name_plural = _("houses")
        ordering = ["grid__code", "compound", "building", "entrance", "floor", "room"]
        constraints = [models.UniqueConstraint(fields=["grid", "compound", "building", "entrance", "room"],
                                               name="one_house_per_address")]

    def __str__(self):
        return self.address

    @property
    def address(self) -> str:
        return "".join(part for part in (self.compound, self.building, self.entrance, self.room) if part)

    @property
    def grid_code(self) -> str:
        return self.grid.code


class Resident(models.Model):
    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered (户籍)")
        FLOATING = "floating", _("Floating (流动)")

    class Status(models.TextChoices):
        PRESENT = "present", _("Living here")
        AWAY = "away", _("Away for now")
        MOVED_OUT = "moved_out", _("Moved out")

    class Gender(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    PERSONAL_FIELDS = ("id_number", "phone")

    house = models.ForeignKey(House, verbose_name=_("house"), on_delete=models.PROTECT, related_name="residents")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    id_number = models.CharField(_("identity number"), max_length=18)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    moved_in_on = models.DateField(_("moved in on"), default=timezone.localdate)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PRESENT)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(grid="house__grid__code", roles=READERS)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["house_id", "name"]
        constraints = [models.UniqueConstraint(fields=["house", "id_number"], name="resident_once_per_house")]
        indexes = [models.Index(fields=["id_number"])]

    def __str__(self):
        return self.name

    @property
    def grid_code(self) -> str:
        return self.house.grid.code


class Place(models.Model):
    class Kind(models.TextChoices):
        SHOP = "shop", _("Shop")
        RESTAURANT = "restaurant", _("Restaurant")
        SCHOOL = "school", _("School or kindergarten")
        MEDICAL = "medical", _("Clinic or hospital")
        CONSTRUCTION = "construction", _("Construction site")
        KEY_UNIT = "key_unit", _("Key-unit premises")
        COMPANY = "company", _("Company office")
        HOTEL = "hotel", _("Hotel or guesthouse")
        PUBLIC = "public", _("Public venue")
        OTHER = "other", _("Other")

    PERSONAL_FIELDS = ("contact_phone",)

    grid = models.ForeignKey(Grid, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="places",
                             limit_choices_to=UNIT_GRID)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    address = models.CharField(_("address"), max_length=200)
    # A point as cases keep theirs: WGS-84 latitude and longitude; optional (a map may be drawn later).
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    active = models.BooleanField(_("in operation"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(grid="grid__code", roles=READERS)

    class Meta:
        verbose_name = _("unit or place")
        verbose_name_plural = _("units and places")
        ordering = ["grid__code", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["grid", "name", "address"], name="one_place_per_name_and_address"),
            models.CheckConstraint(condition=models.Q(lat__isnull=True, lng__isnull=True)
                                   | models.Q(lat__isnull=False, lng__isnull=False), name="place_point_whole"),
        ]

    def __str__(self):
        return self.name

    @property
    def grid_code(self) -> str:
        return self.grid.code


class PersonalDataView(AppendOnlyModel):
    """Who saw which record's identity number or phone in full, when, and where (a page, the API, a form)."""

    class Record(models.TextChoices):
        RESIDENT = "resident", _("resident")
        PLACE = "place", _("unit or place")

    class Via(models.TextChoices):
        PAGE = "page", _("Page")
        API = "api", _("API")
        FORM = "form", _("Edit form")

    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("viewed by"), on_delete=models.PROTECT,
                               related_name="+")
    viewed_at = models.DateTimeField(_("viewed at"), default=timezone.now, db_index=True)
    record = models.CharField(_("record"), max_length=16, choices=Record.choices)
    record_id = models.PositiveBigIntegerField(_("record id"))
    grid_code = models.CharField(_("grid code"), max_length=15)
    fields = models.CharField(_("fields shown"), max_length=100)
    via = models.CharField(_("seen through"), max_length=8, choices=Via.choices)

    class Meta:
        verbose_name = _("personal data view")
        verbose_name_plural = _("personal data views")
        ordering = ["-viewed_at", "-id"]
        indexes = [models.Index(fields=["record", "record_id"])]

    def __str__(self):
        return f"{self.viewer} · {self.get_record_display()} {self.record_id} · {self.viewed_at:%Y-%m-%d %H:%M}"
