"""Grid patrols and visits (网格巡察巡访): each unit grid's plan (how often, which points), the patrols its
workers walk and the check-ins they make at the points.

A patrol is a small lifecycle (``workflow.PATROL_WORKFLOW``: in progress → ended) owned by the worker who
started it. A check-in is recorded wherever it was made, since GPS drifts: one outside the grid or too far from
its point is kept and flagged, never refused. What a patrol finds is filed as a case (``cases.Case.patrol``).
"""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopedQuerySet, ScopePath
from grids.models import Grid

UNIT_GRID = {"level": Grid.Level.UNIT}


class PatrolPlan(models.Model):
    """How often a unit grid is to be patrolled: ``times`` patrols every ``every_days`` days (3 every 7 days is
    three a week; 1 every 2 days, every other day). The points walked are the grid's active points."""

    grid = models.OneToOneField(Grid, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="patrol_plan",
                                limit_choices_to=UNIT_GRID)
    times = models.PositiveSmallIntegerField(_("patrols"), default=1,
                                             validators=[MinValueValidator(1), MaxValueValidator(50)])
    every_days = models.PositiveSmallIntegerField(_("every (days)"), default=7,
                                                  validators=[MinValueValidator(1), MaxValueValidator(31)])
    active = models.BooleanField(_("in force"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(grid="grid__code", widened=True)

    class Meta:
        verbose_name = _("patrol plan")
        verbose_name_plural = _("patrol plans")
        ordering = ["grid__code"]
        constraints = [
            models.CheckConstraint(condition=Q(times__gte=1, times__lte=50, every_days__gte=1, every_days__lte=31),
                                   name="patrol_plan_frequency_range"),
        ]

    def __str__(self):
        return f"{self.grid.name}: {self.times}/{self.every_days}"


class PatrolPoint(models.Model):
    class Kind(models.TextChoices):
        PLACE = "place", _("Place")
        KEY_UNIT = "key_unit", _("Key unit")
        ROAD_SECTION = "road_section", _("Road section")
        OTHER = "other", _("Other")

    grid = models.ForeignKey(Grid, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="patrol_points",
                             limit_choices_to=UNIT_GRID)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PLACE)
    lat = models.FloatField(_("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lng = models.FloatField(_("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)])
    active = models.BooleanField(_("on the round"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(grid="grid__code", widened=True)

    class Meta:
        verbose_name = _("patrol point")
        verbose_name_plural = _("patrol points")
        ordering = ["grid__code", "name"]
        constraints = [models.UniqueConstraint(fields=["grid", "name"], name="patrol_point_name_per_grid")]

    def __str__(self):
        return self.name


class Patrol(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("Patrolling")
        ENDED = "ended", _("Ended")

    grid = models.ForeignKey(Grid, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="patrols")
    patroller = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("patroller"), on_delete=models.PROTECT,
                                  related_name="patrols")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    summary = models.CharField(_("summary"), max_length=1000, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(grid="grid__code", person="patroller_id")

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["grid", "-started_at"], name="patrol_grid_started_idx")]
        constraints = [
            # One patrol at a time per worker: a second start is a 409, not a second open patrol.
            models.UniqueConstraint(fields=["patroller"], condition=Q(status="in_progress"),
                                    name="one_patrol_in_progress_per_patroller"),
            models.CheckConstraint(condition=Q(status="in_progress", ended_at__isnull=True)
                                   | Q(status="ended", ended_at__isnull=False), name="patrol_ended_iff_end_time"),
        ]

    def __str__(self):
        return f"{self.grid.name} {self.started_at:%Y-%m-%d %H:%M}"


def check_in_photo_path(instance, filename):
    return f"patrols/{instance.patrol_id}/{filename}"


class CheckIn(models.Model):
    """One check-in of a patrol: when, where the phone said it was, at which point, and whether that position
    looks wrong (outside the grid, or farther than ``PATROL_CHECKIN_RADIUS_M`` from the point)."""

    patrol = models.ForeignKey(Patrol, verbose_name=_("patrol"), on_delete=models.PROTECT, related_name="check_ins")
    point = models.ForeignKey(PatrolPoint, verbose_name=_("point"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="check_ins")
    at = models.DateTimeField(_("checked in at"))
    lat = models.FloatField(_("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lng = models.FloatField(_("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)])
    accuracy_m = models.FloatField(_("accuracy (m)"), null=True, blank=True, validators=[MinValueValidator(0)])
    distance_m = models.FloatField(_("distance from the point (m)"), null=True, blank=True)
    outside_grid = models.BooleanField(_("outside the grid"), default=False)
    too_far = models.BooleanField(_("far from the point"), default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)
    photo = models.FileField(_("photo"), upload_to=check_in_photo_path, blank=True)
    photo_type = models.CharField(max_length=40, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(grid="patrol__grid__code", person="patrol__patroller_id")

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["patrol_id", "at", "id"]
        indexes = [models.Index(fields=["point", "-at"], name="check_in_point_recent_idx")]

    def __str__(self):
        return f"{self.patrol_id} {self.at:%H:%M}"

    @property
    def flagged(self) -> bool:
        return self.outside_grid or self.too_far
