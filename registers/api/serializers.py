"""Input and output serializers of the registers API. Identity numbers and phones are answered as disclosed
(``privacy``): whole to the grid's own staff and their supervisors, masked to everyone else."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from grids.models import Grid

from ..models import House, Place, Resident
from ..privacy import shown


class GridCodeField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Grid.objects.filter(level=Grid.Level.UNIT),
                         help_text=_("15-digit code of a third-level grid"), **kwargs)


@extend_schema_field(OpenApiTypes.STR)
class PersonalField(serializers.Field):
    """A personal field as the reader may see it (masked unless disclosed whole)."""

    def __init__(self, name: str, **kwargs):
        self.personal = name
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj) -> str:
        return shown(obj, self.personal)


class HouseOut(serializers.ModelSerializer):
    grid = serializers.CharField(source="grid.code")
    address = serializers.CharField()
    living = serializers.IntegerField(help_text=_("Residents living there now"))

    class Meta:
        model = House
        fields = ["id", "grid", "compound", "building", "entrance", "floor", "room", "address", "use", "occupancy",
                  "note", "living", "updated_at"]


class HouseIn(serializers.Serializer):
    grid = GridCodeField()
    compound = serializers.CharField(max_length=50, required=False, allow_blank=True)
    building = serializers.CharField(max_length=20)
    entrance = serializers.CharField(max_length=20, required=False, allow_blank=True)
    floor = serializers.IntegerField(min_value=-10, max_value=200, required=False, allow_null=True)
    room = serializers.CharField(max_length=20)
    use = serializers.ChoiceField(choices=House.Use.choices, required=False)
    occupancy = serializers.ChoiceField(choices=House.Occupancy.choices, required=False)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class HouseUpdateIn(HouseIn):
    grid = None


class ResidentOut(serializers.ModelSerializer):
    grid = serializers.CharField(source="house.grid.code")
    address = serializers.CharField(source="house.address")
    id_number = PersonalField("id_number")
    phone = PersonalField("phone")

    class Meta:
        model = Resident
        fields = ["id", "grid", "house", "address", "kind", "name", "id_number", "gender", "birth_date", "phone",
                  "moved_in_on", "status", "note", "updated_at"]


class ResidentIn(serializers.Serializer):
    house = serializers.PrimaryKeyRelatedField(queryset=House.objects.all(),
                                               help_text=_("The house on the register the resident lives in"))
    kind = serializers.ChoiceField(choices=Resident.Kind.choices)
    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=18, help_text=_("18-character resident identity number"))
    gender = serializers.ChoiceField(choices=Resident.Gender.choices, required=False,
                                     help_text=_("Read from the identity number when not given"))
    birth_date = serializers.DateField(required=False, allow_null=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    moved_in_on = serializers.DateField(required=False)
    status = serializers.ChoiceField(choices=Resident.Status.choices, required=False)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class PlaceOut(serializers.ModelSerializer):
    grid = serializers.CharField(source="grid.code")
    contact_phone = PersonalField("contact_phone")

    class Meta:
        model = Place
        fields = ["id", "grid", "name", "kind", "address", "lat", "lng", "contact_name", "contact_phone", "active",
                  "note", "updated_at"]


class PlaceIn(serializers.Serializer):
    grid = GridCodeField()
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=Place.Kind.choices)
    address = serializers.CharField(max_length=200)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    lng = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)
    contact_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    active = serializers.BooleanField(required=False)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class PlaceUpdateIn(PlaceIn):
    grid = None


class ImportIn(serializers.Serializer):
    grid = GridCodeField()
    file = serializers.FileField(help_text=_("XLSX workbook with sheets 房屋, 人口 and/or 场所"))


class ImportOut(serializers.Serializer):
    houses = serializers.IntegerField()
    residents = serializers.IntegerField()
    places = serializers.IntegerField()


class CellErrorOut(serializers.Serializer):
    sheet = serializers.CharField()
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


class ImportErrorsOut(serializers.Serializer):
    errors = CellErrorOut(many=True)
