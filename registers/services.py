"""Writes of the base registers: one transaction each, keyword-only arguments, every row validated (``full_clean``).

A new house or place goes only into a unit grid its author serves, a resident only into a house whose register
its author keeps (400 on that field otherwise). Changing a row the author sees but does not keep (the district
command centre reads the registers) is a 403; bad fields are a 400 with field messages.
"""
import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.privacy import normalised_phone
from grids.geometry import locate_unit_grid
from grids.models import Grid
from grids.scoping import require_unit_grid

from .identity import birth_date_of, is_male, normalised_id_number
from .models import House, Place, Resident


def locked_for_change(user, obj):
    """The row ``user`` is about to change, locked until the transaction ends; 403 when it is in their sight but
    not in a register they keep."""
    row = type(obj).objects.visible_to(user, "change").select_for_update(of=("self",)).filter(pk=obj.pk).first()
    if row is None:
        raise PermissionDenied(_("You may look at this but not change it."))
    return row


def _apply(obj, fields: dict, editable: set[str]):
    unknown = set(fields) - editable
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    return obj


# --- houses ------------------------------------------------------------------------------------------------------

HOUSE_FIELDS = {"compound", "building", "entrance", "floor", "room", "use", "occupancy", "note"}


@transaction.atomic
def house_create(*, user, grid: Grid, **fields) -> House:
    require_unit_grid(user, grid)
    return _apply(House(grid=grid), fields, HOUSE_FIELDS)


@transaction.atomic
def house_update(*, user, house: House, **fields) -> House:
    return _apply(locked_for_change(user, house), fields, HOUSE_FIELDS)


# --- residents ---------------------------------------------------------------------------------------------------

RESIDENT_FIELDS = {"house", "kind", "name", "id_number", "gender", "birth_date", "phone", "moved_in_on", "status",
                   "note"}


def _kept_house(user, house: House | None) -> House:
    if house is None:
        raise ValidationError({"house": _("A resident lives in a house: choose it on the register.")})
    if not House.objects.visible_to(user, "change").filter(pk=house.pk).exists():
        raise ValidationError({"house": _("You do not keep the register of this house.")})
    return house


def _resident_fields(fields: dict) -> dict:
    """Checked identity number and phone; gender and birth date read from the number when not given."""
    fields = dict(fields)
    if "id_number" in fields:
        number = fields["id_number"] = normalised_id_number(fields["id_number"])
        if not fields.get("gender"):
            fields["gender"] = Resident.Gender.MALE if is_male(number) else Resident.Gender.FEMALE
        if not fields.get("birth_date"):
            fields["birth_date"] = birth_date_of(number)
    if "phone" in fields:
        fields["phone"] = normalised_phone(fields["phone"])
    if fields.get("moved_in_on") and fields["moved_in_on"] > timezone.localdate():
        raise ValidationError({"moved_in_on": _("This date is in the future.")})
    return fields


@transaction.atomic
def resident_create(*, user, house: House | None, id_number: str, moved_in_on: dt.date | None = None,
                    **fields) -> Resident:
    house = _kept_house(user, house)
    fields = _resident_fields({**fields, "id_number": id_number,
                               "moved_in_on": moved_in_on or timezone.localdate()})
    return _apply(Resident(house=house), fields, RESIDENT_FIELDS)


@transaction.atomic
def resident_update(*, user, resident: Resident, **fields) -> Resident:
    resident = locked_for_change(user, resident)
    if "house" in fields:
        _kept_house(user, fields["house"])
    return _apply(resident, _resident_fields(fields), RESIDENT_FIELDS)


# --- units and places --------------------------------------------------------------------------------------------

PLACE_FIELDS = {"name", "kind", "address", "lat", "lng", "contact_name", "contact_phone", "active", "note"}


def _place_fields(fields: dict, place: Place) -> dict:
    fields = dict(fields)
    if "contact_phone" in fields:
        fields["contact_phone"] = normalised_phone(fields["contact_phone"], "contact_phone")
    lat, lng = fields.get("lat", place.lat), fields.get("lng", place.lng)
    if (lat is None) != (lng is None):
        raise ValidationError({"lng": _("Give both latitude and longitude, or neither.")})
    if lat is not None and locate_unit_grid(lat, lng) is None:
        raise ValidationError({"lat": _("This location is outside Haidian district.")})
    return fields


@transaction.atomic
def place_create(*, user, grid: Grid, **fields) -> Place:
    require_unit_grid(user, grid)
    place = Place(grid=grid)
    return _apply(place, _place_fields(fields, place), PLACE_FIELDS)


@transaction.atomic
def place_update(*, user, place: Place, **fields) -> Place:
    place = locked_for_change(user, place)
    return _apply(place, _place_fields(fields, place), PLACE_FIELDS)
