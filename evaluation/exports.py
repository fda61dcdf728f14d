"""XLSX exports: a run's rankings (one sheet per kind of unit) and a quarter's payroll-ready bonus list."""
from __future__ import annotations

import io
import re
from decimal import Decimal
from operator import attrgetter
from typing import TYPE_CHECKING

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.exports import xlsx_row
from grids.models import Department, Grid, StaffProfile

from .models import BonusRun, ResultRun, SubjectKind

if TYPE_CHECKING:
    from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YUAN = "#,##0.00"
AS_GENERAL = {"0", "@"}  # whole numbers and text: Excel's General format shows them so


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _number(value):
    return float(value) if isinstance(value, Decimal) else value


def _sheet_title(title: str) -> str:
    """Excel refuses a sheet title longer than 31 characters or with any of []:*?/ or a backslash ("Streets/towns")."""
    return re.sub(r"[\[\]:*?/\\]", "-", str(title))[:31]


def _sheet(book: Workbook, title: str, header: list[str], rows, formats: list[str | None] = ()) -> None:
    """A sheet of a write-only book (rows stream out as they come, no cell kept in memory): a bold header row,
    frozen, and each column in its Excel number format (``formats``, by position; None, absent or one that shows
    the value as General would: none). A value with a format is a cell object, which costs openpyxl ten times a
    plain value, so only the decimals and percentages are."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title=_sheet_title(title))
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, min(40, len(str(name)) * 2 + 2))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_cell(sheet, str(name), font=bold) for name in header])
    formats = [None if fmt in AS_GENERAL else fmt for fmt in formats] + [None] * (len(header) - len(formats))
    for row in rows:
        sheet.append([_cell(sheet, value, number_format=fmt) if fmt and value is not None else value
                      for value, fmt in zip(xlsx_row(sheet, [_number(value) for value in row]), formats, strict=True)])


def _cell(sheet, value, *, font=None, number_format=None):
    from openpyxl.cell import Cell, WriteOnlyCell

    cell = value if isinstance(value, Cell) else WriteOnlyCell(sheet, value=value)
    if font is not None:
        cell.font = font
    if number_format:
        cell.number_format = number_format
    return cell


def _write_only_book() -> Workbook:
    from openpyxl import Workbook  # not with the module: core.exports says why

    return Workbook(write_only=True)


def _about(book: Workbook, lines: list[tuple[str, object]]) -> None:
    sheet = book.create_sheet(title=_sheet_title(_("About")))
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 70
    for label, value in lines:
        sheet.append(xlsx_row(sheet, [label, _number(value) if value is not None else ""]))


def _save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


FIGURES = [  # (header, attribute, Excel number format)
    (_lazy("Composite score"), "composite", "0.00"), (_lazy("Cases collected"), "collected", "0"),
    (_lazy("Cases filed"), "filed", "0"), (_lazy("Cases closed"), "closed", "0"),
    (_lazy("Closure rate"), "closure_rate", "0.00%"), (_lazy("Closed on time"), "on_time_closed", "0"),
    (_lazy("On-time closure rate"), "on_time_rate", "0.00%"), (_lazy("Overdue cases"), "overdue", "0"),
    (_lazy("Rework rate"), "rework_rate", "0.00%"), (_lazy("Return rate"), "return_rate", "0.00%"),
    (_lazy("Escalation rate"), "escalation_rate", "0.00%"), (_lazy("Extended"), "extended", "0"),
    (_lazy("Mean working hours to closure"), "mean_handling_hours", "0.00"),
    (_lazy("Ratings counted"), "rated", "0"), (_lazy("Mean satisfaction"), "satisfaction_mean", "0.00"),
    (_lazy("Share satisfied"), "satisfied_share", "0.00%"), (_lazy("Default ratings"), "defaulted", "0"),
    (_lazy("Score sheets received"), "sheets", "0"), (_lazy("Two-way score"), "two_way_score", "0.00"),
    (_lazy("Survey sample"), "survey_sample", "0"), (_lazy("Survey satisfaction"), "survey_share", "0.00%"),
]


def _unit_columns(kind: str, streets: dict[str, str], departments: dict[str, str]) -> list:
    """The columns that say which unit a row is, by name: a grid's and a street's code (their public
    DB11 digits) beside the name, never a department's or a station's internal code."""
    columns = [(_("Rank"), lambda r: r.rank, "0")]
    if kind in (SubjectKind.GRID, SubjectKind.STATION):
        columns.append((_("Rank in street"), lambda r: r.rank_in_street, "0"))
    columns.append((_("Unit name"), lambda r: r.name, "@"))
    if kind in (SubjectKind.GRID, SubjectKind.STREET):
        columns.append((_("Code"), lambda r: r.code, "@"))
    if kind in (SubjectKind.GRID, SubjectKind.STATION):
        columns.append((_("Street/town"), lambda r: streets.get(r.street_code, r.street_code), "@"))
    if kind == SubjectKind.STATION:
        columns.append((_("Department"), lambda r: departments.get(r.department_code, ""), "@"))
    return columns


def run_xlsx(run: ResultRun, results) -> bytes:
    """The ranking of each kind of unit with every figure (rates as percentages, scores 0–100), one
    sheet per kind, every unit by its name in the reader's language."""
    book = _write_only_book()
    streets = dict(Grid.objects.filter(level=Grid.Level.STREET).values_list("code", "name"))
    departments = dict(Department.objects.values_list("code", "name"))
    by_kind = {kind: [] for kind in SubjectKind.values}
    for r in results:
        by_kind[r.kind].append(r)
    for kind, rows in by_kind.items():
        columns = [*_unit_columns(kind, streets, departments),
                   *((str(header), attrgetter(key), fmt) for header, key, fmt in FIGURES)]
        _sheet(book, str(SubjectKind(kind).label), [str(header) for header, _get, _fmt in columns],
               ([get(r) for _header, get, _fmt in columns] for r in rows), [fmt for _header, _get, fmt in columns])
    _about(book, [
        (_("Assessment period"), run.period.code), (_("Run"), run.pk), (_("Status"), run.get_status_display()),
        (_("Rule version"), f"v{run.rule.version}"), (_("Cut-off"), _when(run.as_of)),
        (_("Input fingerprint"), run.fingerprint), (_("Published at"), _when(run.published_at)),
    ])
    return _save(book)


def _when(moment) -> str | None:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else None


def bonus_xlsx(bonus: BonusRun) -> bytes:
    """Payroll-ready: one row per worker, amounts in yuan with two decimals; totals on a second sheet."""
    book = _write_only_book()
    posts = dict(StaffProfile.Post.choices)
    header = [_("No."), _("Staff number"), _("Full name"), _("Post"), _("Street/town"), _("Grid code"), _("Grid"),
              _("Grid score"), _("Personal score"), _("Quarterly score"), _("Average of the post (yuan)"),
              _("Bonus (yuan)")]
    rows = [[index, line.username, line.full_name, str(posts.get(line.post, line.post)), line.street_name,
             line.grid_code, line.grid_name, line.grid_score, line.personal_score, line.score, line.base, line.amount]
            for index, line in enumerate(bonus.lines.order_by("grid_code", "username"), start=1)]
    _sheet(book, _("Bonus"), header, rows, [None] * 10 + [YUAN, YUAN])
    totals = {}
    for line in bonus.lines.all():
        count, total = totals.get(line.post, (0, Decimal(0)))
        totals[line.post] = (count + 1, total + line.amount)
    order = list(posts)
    _sheet(book, _("Totals"), [_("Post"), _("Workers"), _("Total (yuan)"), _("Average (yuan)")], [
        [str(posts.get(post, post)), count, total, (total / count).quantize(Decimal("0.01"))]
        for post, (count, total) in sorted(totals.items(), key=lambda item: _position(order, item[0]))],
        [None, None, YUAN, YUAN])
    _about(book, [
        (_("Quarter"), bonus.period.code), (_("Bonus rule version"), f"v{bonus.rule.version}"),
        (_("Results used"), _("Results %(code)s (run %(id)s)") % {"code": bonus.result_run.period.code,
                                                                 "id": bonus.result_run_id}),
        (_("Input fingerprint"), bonus.fingerprint), (_("Workers"), bonus.workers), (_("Total (yuan)"), bonus.total),
    ])
    return _save(book)


def _position(order: list[str], post: str) -> int:
    return order.index(post) if post in order else len(order)
