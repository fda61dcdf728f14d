from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import Department, Grid, StaffProfile, StreetUnit


class GridOut(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    community = serializers.CharField(source="community.code", read_only=True, default=None, allow_null=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Grid
        fields = ["code", "name", "level", "kind", "kind_display", "parent", "community", "centroid_lat",
                  "centroid_lng", "area_km2"]


class GridDetailOut(GridOut):
    class Meta(GridOut.Meta):
        fields = [*GridOut.Meta.fields, "boundary"]


class LocateQuery(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90, help_text=_("Latitude, WGS-84"))
    lng = serializers.FloatField(min_value=-180, max_value=180, help_text=_("Longitude, WGS-84"))


class LocatedGridOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    street = serializers.CharField(help_text=_("Code of the second-level grid"))


class StationOut(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True,
                                              help_text=_("The department of a station; null for a street section"))
    street = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = StreetUnit
        fields = ["code", "name", "kind", "department", "section", "street", "management_mode"]


class DepartmentOut(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["code", "name", "short_name", "station_name"]


class StaffOut(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    home_grid = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    department = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    station = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = StaffProfile
        fields = ["id", "username", "full_name", "role", "post", "force_group", "home_grid", "department", "station",
                  "phone", "duties", "listed_publicly"]


class PublicStaffOut(serializers.ModelSerializer):
    """The real-name listing: name, role, duties, phone; nothing else."""

    role = serializers.CharField(source="get_role_display")
    force_group = serializers.CharField(source="get_force_group_display")

    class Meta:
        model = StaffProfile
        fields = ["full_name", "role", "force_group", "duties", "phone"]


class TokenIn(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    otp = serializers.CharField(required=False, allow_blank=True, max_length=32,
                                help_text="A current code (or a recovery code), for an account with two-step "
                                          "verification")
    name = serializers.CharField(required=False, allow_blank=True, max_length=60,
                                 help_text="Which client or device will use the token, to tell it apart later")


class TokenOut(serializers.Serializer):
    token = serializers.CharField(help_text="Send as 'Authorization: Token <token>'. Shown only this once.")
    key = serializers.CharField(help_text="The token's first characters, as its list shows them")
    name = serializers.CharField()
    expiry = serializers.DateTimeField(allow_null=True)


class MeOut(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    role = serializers.CharField(allow_null=True)
    grid_codes = serializers.ListField(child=serializers.CharField())
    departments = serializers.ListField(child=serializers.CharField())
    stations = serializers.ListField(child=serializers.CharField())
