"""A grid's registers from one XLSX workbook: a sheet of houses, one of residents, one of places (any of them; the
sheets are named in English or Chinese). Every row goes through the same services as the forms; one bad row and
nothing is stored, and every bad cell is reported by sheet, row and column.

Residents name their house by its address (compound, building, entrance, room): a house of the same workbook or
one already on the grid's register.
"""
import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.exports import UnreadableWorkbook, read_only_workbook
from grids.models import Grid
from grids.scoping import require_unit_grid
from grids.staff_import import TRUE_WORDS, choice_value

from . import services
from .models import House, Place, Resident

# The columns of each sheet: a field's own name, or its Chinese headers.
ADDRESS = {"compound": ["楼区"], "building": ["楼号"], "entrance": ["楼门", "单元"], "room": ["户号", "室号"]}
COLUMNS = {
    "houses": {**ADDRESS, "floor": ["楼层"], "use": ["用途"], "occupancy": ["使用情况", "居住情况"], "note": ["备注"]},
    "residents": {**ADDRESS, "kind": ["类别"], "name": ["姓名"], "id_number": ["身份证号", "公民身份号码"],
                  "gender": ["性别"], "birth_date": ["出生日期"], "phone": ["电话", "联系电话"],
                  "moved_in_on": ["入住日期"], "status": ["状态"], "note": ["备注"]},
    "places": {"name": ["名称"], "kind": ["类别"], "address": ["地址"], "lat": ["纬度"], "lng": ["经度"],
               "contact_name": ["联系人"], "contact_phone": ["联系电话"], "active": ["在营"], "note": ["备注"]},
}
SHEETS = {kind: {header: field for field, headers in columns.items() for header in (field, *headers)}
          for kind, columns in COLUMNS.items()}
SHEET_NAMES = {"houses": "houses", "房屋": "houses", "residents": "residents", "人口": "residents",
               "实有人口": "residents", "places": "places", "场所": "places", "单位场所": "places"}
CHOICES = {"use": House.Use, "occupancy": House.Occupancy, "kind:residents": Resident.Kind,
           "gender": Resident.Gender, "status": Resident.Status, "kind:places": Place.Kind}
DATES, NUMBERS = {"birth_date", "moved_in_on"}, {"floor": int, "lat": float, "lng": float}


@dataclass
class CellError:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self):
        return _("%(sheet)s, row %(row)s, %(column)s: %(message)s") % {
            "sheet": self.sheet, "row": self.row, "column": self.column or "—", "message": self.message}


class RegisterImportError(Exception):
    def __init__(self, errors: list[CellError]):
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = errors


@dataclass
class Sheet:
    kind: str  # houses / residents / places
    title: str  # as the workbook names it
    headers: dict[str, str]  # field -> the column's header in the workbook
    rows: list[tuple[int, dict]]  # (row number, {field: value})


def read_workbook(content: bytes) -> list[Sheet]:
    try:
        book = read_only_workbook(content)
    except UnreadableWorkbook as error:
        raise RegisterImportError([CellError("", 0, "", _("The file is not a readable XLSX workbook."))]) from error
    sheets = [_sheet(SHEET_NAMES[ws.title.strip().lower()], ws) for ws in book.worksheets
              if ws.title.strip().lower() in SHEET_NAMES]
    if not any(sheet.rows for sheet in sheets):
        raise RegisterImportError([CellError("", 0, "", _(
            "The workbook has no rows on a sheet named 房屋, 人口 or 场所 (houses, residents, places)."))])
    order = list(SHEETS)  # houses before the residents living in them
    return sorted(sheets, key=lambda sheet: order.index(sheet.kind))


def _sheet(kind: str, worksheet) -> Sheet:
    table = list(worksheet.iter_rows(values_only=True))
    known = SHEETS[kind]
    header = [known.get(str(cell or "").strip().lower()) for cell in (table[0] if table else [])]
    headers = {field: str(table[0][index]).strip() for index, field in enumerate(header) if field}
    rows = []
    for number, values in enumerate(table[1:], start=2):
        row = {field: value for field, value in zip(header, values, strict=False) if field}
        if any(str(value).strip() for value in row.values() if value is not None):
            rows.append((number, row))
    return Sheet(kind, worksheet.title, headers, rows)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed into a cell: 13800000000.0
    return str(value).strip()


def _value(sheet: Sheet, field: str, value):
    text = _text(value)
    if field in DATES:
        if isinstance(value, dt.datetime):
            return value.date()
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError as error:
            raise ValidationError({field: _("Give the date as YYYY-MM-DD.")}) from error
    if field in NUMBERS:
        try:
            return NUMBERS[field](text) if text else None
        except ValueError as error:
            raise ValidationError({field: _("Give a number.")}) from error
    if field == "active":
        return text.lower() in TRUE_WORDS
    choices = CHOICES.get(f"{field}:{sheet.kind}") or CHOICES.get(field)
    if choices is not None and text:
        return choice_value(text, choices, field)
    return text


def _fields(sheet: Sheet, row: dict) -> dict:
    fields, errors = {}, {}
    for field, value in row.items():
        try:
            fields[field] = _value(sheet, field, value)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return {field: value for field, value in fields.items() if value not in (None, "")}


def _house_at(grid: Grid, fields: dict) -> House | None:
    address = {name: fields.pop(name, "") for name in ("compound", "building", "entrance", "room")}
    return House.objects.filter(grid=grid, **address).first()


def _store(user, grid: Grid, sheet: Sheet, fields: dict):
    if sheet.kind == "houses":
        return services.house_create(user=user, grid=grid, **fields)
    if sheet.kind == "places":
        return services.place_create(user=user, grid=grid, **fields)
    house = _house_at(grid, fields)
    if house is None:
        raise ValidationError({"room": _("No house of this grid has this address: add it on the houses sheet.")})
    return services.resident_create(user=user, house=house, id_number=fields.pop("id_number", ""), **fields)


def _cell_errors(sheet: Sheet, number: int, error: Exception) -> list[CellError]:
    if not isinstance(error, ValidationError):
        return [CellError(sheet.title, number, "", str(error))]
    return [CellError(sheet.title, number, "" if field == NON_FIELD_ERRORS else sheet.headers.get(field, field),
                      message)
            for field, messages in error.message_dict.items() for message in messages]


@dataclass
class ImportReport:
    houses: int = 0
    residents: int = 0
    places: int = 0


def register_import(*, user, grid: Grid, content: bytes) -> ImportReport:
    """Store every row of the workbook in ``grid``'s registers, or none (RegisterImportError with every bad cell)."""
    require_unit_grid(user, grid)
    sheets = read_workbook(content)
    report, errors = ImportReport(), []
    with transaction.atomic():
        for sheet in sheets:
            for number, row in sheet.rows:
                try:
                    _store(user, grid, sheet, _fields(sheet, row))
                except (ValidationError, PermissionDenied) as error:
                    errors.extend(_cell_errors(sheet, number, error))
                    continue
                setattr(report, sheet.kind, getattr(report, sheet.kind) + 1)
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise RegisterImportError(errors)
    return report
