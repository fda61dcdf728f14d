from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import AvailableActionsField
from grids.models import Grid

from ..models import CheckIn, Patrol, PatrolPlan, PatrolPoint
from ..workflow import PATROL_WORKFLOW


def unit_grid_field(**kwargs):
    return serializers.SlugRelatedField(slug_field="code", queryset=Grid.objects.filter(level=Grid.Level.UNIT),
                                        help_text=_("15-digit code of a third-level grid"), **kwargs)


class PlanOut(serializers.ModelSerializer):
    grid = serializers.CharField(source="grid.code", read_only=True)
    grid_name = serializers.CharField(source="grid.name", read_only=True)

    class Meta:
        model = PatrolPlan
        fields = ["id", "grid", "grid_name", "times", "every_days", "active", "note", "updated_at"]


class PlanIn(serializers.Serializer):
    grid = unit_grid_field()
    times = serializers.IntegerField(min_value=1, max_value=50, help_text=_("Patrols asked for …"))
    every_days = serializers.IntegerField(min_value=1, max_value=31, help_text=_("… every this many days"))
    active = serializers.BooleanField(required=False, default=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class PointOut(serializers.ModelSerializer):
    grid = serializers.CharField(source="grid.code", read_only=True)

    class Meta:
        model = PatrolPoint
        fields = ["id", "grid", "name", "kind", "lat", "lng", "active"]


class PointIn(serializers.Serializer):
    grid = unit_grid_field()
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=PatrolPoint.Kind.choices, default=PatrolPoint.Kind.PLACE)
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lng = serializers.FloatField(min_value=-180, max_value=180)


class PointUpdateIn(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    kind = serializers.ChoiceField(choices=PatrolPoint.Kind.choices, required=False)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False)
    lng = serializers.FloatField(min_value=-180, max_value=180, required=False)
    active = serializers.BooleanField(required=False)


class CheckInOut(serializers.ModelSerializer):
    point_name = serializers.CharField(source="point.name", default=None, read_only=True, allow_null=True)
    flagged = serializers.BooleanField(read_only=True, help_text=_("Outside the grid or far from the point"))
    has_photo = serializers.SerializerMethodField()

    class Meta:
        model = CheckIn
        fields = ["id", "point", "point_name", "at", "lat", "lng", "accuracy_m", "distance_m", "outside_grid",
                  "too_far", "flagged", "note", "has_photo"]

    def get_has_photo(self, check_in) -> bool:
        return bool(check_in.photo)


class CheckInIn(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True,
                                 help_text=_("Where the phone says you are (required)"))
    lng = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)
    accuracy_m = serializers.FloatField(min_value=0, max_value=100_000, required=False, allow_null=True)
    point = serializers.IntegerField(min_value=1, required=False, allow_null=True,
                                     help_text=_("The id of the grid's patrol point you are at, if any"))
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    photo = serializers.FileField(required=False, allow_null=True)

    def validate_photo(self, photo):
        return photo.read() if photo else None


class PatrolStartIn(serializers.Serializer):
    grid = unit_grid_field(required=False, allow_null=True)


class PatrolEndIn(serializers.Serializer):
    summary = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class PatrolOut(serializers.ModelSerializer):
    grid = serializers.CharField(source="grid.code", read_only=True)
    grid_name = serializers.CharField(source="grid.name", read_only=True)
    patroller = serializers.CharField(source="patroller.username", read_only=True)
    check_ins = CheckInOut(many=True, read_only=True)
    actions = AvailableActionsField(PATROL_WORKFLOW)

    class Meta:
        model = Patrol
        fields = ["id", "grid", "grid_name", "patroller", "status", "started_at", "ended_at", "summary", "check_ins",
                  "actions"]


class PatrolRowOut(PatrolOut):
    class Meta(PatrolOut.Meta):
        fields = ["id", "grid", "grid_name", "patroller", "status", "started_at", "ended_at", "actions"]


class PatrolCoverageIn(serializers.Serializer):
    grid = serializers.CharField(max_length=15, required=False, allow_blank=True,
                                 help_text=_("A street or unit grid code; empty: everything you see"))


class PlanCoverageOut(serializers.Serializer):
    grid = serializers.CharField(source="grid_code")
    grid_name = serializers.CharField()
    times = serializers.IntegerField()
    every_days = serializers.IntegerField()
    made = serializers.IntegerField(help_text=_("Patrols started in the last every_days days"))
    behind = serializers.BooleanField()


class StalePointOut(serializers.Serializer):
    grid = serializers.CharField(source="grid_code")
    grid_name = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField(source="kind_label")
    last_visit = serializers.DateTimeField(allow_null=True)


class PatrolCoverageOut(serializers.Serializer):
    plans = PlanCoverageOut(many=True)
    behind = serializers.IntegerField(source="behind_count")
    points = serializers.IntegerField()
    stale_days = serializers.IntegerField(help_text=_("PATROL_POINT_STALE_DAYS"))
    stale_count = serializers.IntegerField()
    stale_points = StalePointOut(many=True, help_text=_("The first 50, never visited first"))
