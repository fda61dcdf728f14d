"""Bulk staff onboarding from CSV or XLSX: every row is checked first; one bad row imports nothing."""
import csv
import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from core.exports import UnreadableWorkbook, read_only_workbook
from core.roles import Role

from .models import StaffProfile
from .services import User, resolve_scope, staff_create

# Column headers understood, in English or Chinese, mapped to the field they fill.
HEADERS = {
    "username": "username", "用户名": "username",
    "full_name": "full_name", "姓名": "full_name",
    "role": "role", "角色": "role",
    "grid": "grid_code", "网格": "grid_code", "网格编码": "grid_code",
    "department": "department_code", "部门": "department_code", "部门编码": "department_code",
    "post": "post", "岗位": "post",
    "force_group": "force_group", "力量类别": "force_group",
    "phone": "phone", "电话": "phone",
    "duties": "duties", "职责": "duties",
    "listed_publicly": "listed_publicly", "公示": "listed_publicly",
    "password": "password", "密码": "password",
}
REQUIRED = ("username", "full_name", "role")
TRUE_WORDS = {"1", "true", "yes", "y", "是", ""}
FALSE_WORDS = {"0", "false", "no", "n", "否"}


@dataclass
class RowError:
    row: int
    field: str
    message: str

    def __str__(self):
        return _("row %(row)s, %(field)s: %(message)s") % {
            "row": self.row, "field": self.field, "message": self.message
        }


class StaffImportError(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


def read_rows(path: Path | str, content: bytes | None = None) -> list[dict[str, str]]:
    """Rows of a .csv (UTF-8, with or without BOM) or .xlsx file as {field: text}."""
    path = Path(path)
    data = content if content is not None else path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise StaffImportError([RowError(0, "file", _("The CSV file is not UTF-8 text."))]) from error
        table = list(csv.reader(io.StringIO(text)))
    elif suffix == ".xlsx":
        try:
            sheet = read_only_workbook(data).active
        except UnreadableWorkbook as error:
            raise StaffImportError([RowError(0, "file", _("The file is not a readable XLSX workbook."))]) from error
        table = [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    else:
        raise StaffImportError([RowError(0, "file", _("Only .csv and .xlsx files can be imported."))])
    if not table:
        raise StaffImportError([RowError(0, "file", _("The file is empty."))])
    header = [HEADERS.get(h.strip().lower(), HEADERS.get(h.strip())) for h in table[0]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise StaffImportError(
            [RowError(1, "header", _("Missing column(s): %(columns)s.") % {"columns": ", ".join(missing)})]
        )
    rows = []
    for values in table[1:]:
        if not any(v.strip() for v in values):
            continue
        rows.append({name: value.strip() for name, value in zip(header, values, strict=False) if name})
    return rows


def choice_value(value: str, choices, field: str) -> str:
    """A choice given by its code or by its label in any of the platform's languages."""
    labels = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            labels.update({str(label): code for code, label in choices.choices})
    if value in choices.values:
        return value
    if value in labels:
        return labels[value]
    raise ValidationError({field: _("“%(value)s” is not one of: %(choices)s.")
                           % {"value": value, "choices": ", ".join(choices.values)}})


def _clean_row(row: dict[str, str]) -> dict:
    errors: dict[str, list[str]] = {}
    for name in REQUIRED:
        if not row.get(name):
            errors.setdefault(name, []).append(_("This field is required."))
    cleaned = {
        "username": row.get("username", ""),
        "full_name": row.get("full_name", ""),
        "phone": row.get("phone", ""),
        "duties": row.get("duties", ""),
        "grid_code": row.get("grid_code", ""),
        "department_code": row.get("department_code", ""),
        "password": row.get("password") or None,
    }
    for name, choices, default in (
        ("role", Role, None),
        ("post", StaffProfile.Post, StaffProfile.Post.GENERAL),
        ("force_group", StaffProfile.ForceGroup, ""),
    ):
        value = row.get(name, "")
        if not value:
            cleaned[name] = default
            continue
        try:
            cleaned[name] = choice_value(value, choices, name)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    listed = row.get("listed_publicly", "").lower()
    if listed not in TRUE_WORDS | FALSE_WORDS:
        errors.setdefault("listed_publicly", []).append(_("Use yes/no (是/否)."))
    cleaned["listed_publicly"] = listed not in FALSE_WORDS
    if cleaned.get("role") and "role" not in errors:
        try:
            resolve_scope(role=cleaned["role"], grid_code=cleaned["grid_code"],
                          department_code=cleaned["department_code"])
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


def staff_import(rows: list[dict[str, str]]) -> list[User]:
    """Validate every row, then create all staff in one transaction; raise StaffImportError otherwise."""
    errors: list[RowError] = []
    cleaned_rows = []
    seen: dict[str, int] = {}
    existing = set(
        User.objects.filter(username__in=[r.get("username", "") for r in rows]).values_list("username", flat=True)
    )
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        try:
            cleaned = _clean_row(row)
        except ValidationError as error:
            errors.extend(RowError(number, f, m) for f, ms in error.message_dict.items() for m in ms)
            continue
        username = cleaned["username"]
        if username in existing:
            errors.append(RowError(number, "username", _("The username “%(name)s” is taken.") % {"name": username}))
        elif username in seen:
            errors.append(
                RowError(number, "username", _("Repeats the username of row %(row)s.") % {"row": seen[username]})
            )
        seen.setdefault(username, number)
        cleaned_rows.append((number, cleaned))
    if not rows:
        errors.append(RowError(2, "file", _("The file has no staff rows.")))
    if errors:
        raise StaffImportError(errors)
    created = []
    with transaction.atomic():
        for number, cleaned in cleaned_rows:
            try:
                created.append(staff_create(**cleaned))
            except ValidationError as error:  # e.g. a password too weak: still nothing imported
                errors.extend(RowError(number, f, m) for f, ms in error.message_dict.items() for m in ms)
        if errors:
            raise StaffImportError(errors)
    return created
