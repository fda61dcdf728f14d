"""XLSX exports: a run's rankings (one sheet per kind of unit) and a quarter's payroll-ready bonus list."""
import io
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from grids.models import StaffProfile

from .models import BonusRun, ResultRun, SubjectKind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _number(value):
    return float(value) if isinstance(value, Decimal) else value


def _sheet(book: Workbook, title: str, header: list[str], rows) -> None:
    sheet = book.create_sheet(title=title[:31])
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_number(value) for value in row])
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, min(40, len(str(name)) * 2 + 2))
    sheet.freeze_panes = "A2"


def _about(book: Workbook, lines: list[tuple[str, object]]) -> None:
    sheet = book.create_sheet(title=_("About")[:31])
    for label, value in lines:
        sheet.append([label, _number(value) if value is not None else ""])
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 70


def _save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run_xlsx(run: ResultRun, results) -> bytes:
    """The ranking of each kind of unit with every figure (rates as fractions, scores 0–100)."""
    book = Workbook()
    book.remove(book.active)
    header = [_("Rank"), _("Rank in street"), _("Code"), _("Unit name"), _("Street/town"), _("Composite score"),
              _("Cases collected"), _("Cases filed"), _("Cases closed"), _("Closure rate"), _("Closed on time"),
              _("On-time closure rate"), _("Overdue cases"), _("Rework rate"), _("Return rate"), _("Escalation rate"),
              _("Extended"), _("Mean working hours to closure"), _("Ratings counted"), _("Mean satisfaction"),
              _("Share satisfied"), _("Default ratings"), _("Score sheets received"), _("Two-way score"),
              _("Survey sample"), _("Survey satisfaction")]
    by_kind = {kind: [] for kind in SubjectKind.values}
    for r in results:
        by_kind[r.kind].append([
            r.rank, r.rank_in_street, r.code, r.name, r.street_code, r.composite, r.collected, r.filed, r.closed,
            r.closure_rate, r.on_time_closed, r.on_time_rate, r.overdue, r.rework_rate, r.return_rate,
            r.escalation_rate, r.extended, r.mean_handling_hours, r.rated, r.satisfaction_mean, r.satisfied_share,
            r.defaulted, r.sheets, r.two_way_score, r.survey_sample, r.survey_share])
    for kind, rows in by_kind.items():
        _sheet(book, str(SubjectKind(kind).label), header, rows)
    _about(book, [
        (_("Assessment period"), run.period.code), (_("Run"), run.pk), (_("Status"), run.get_status_display()),
        (_("Rule version"), run.rule.version), (_("Cut-off"), timezone.localtime(run.as_of).isoformat()),
        (_("Input fingerprint"), run.fingerprint),
        (_("Published at"), timezone.localtime(run.published_at).isoformat() if run.published_at else None),
    ])
    return _save(book)


def bonus_xlsx(bonus: BonusRun) -> bytes:
    """Payroll-ready: one row per worker, amounts in yuan with two decimals; totals on a second sheet."""
    book = Workbook()
    book.remove(book.active)
    posts = dict(StaffProfile.Post.choices)
    header = [_("No."), _("Staff number"), _("Full name"), _("Post"), _("Street/town"), _("Grid code"), _("Grid"),
              _("Grid score"), _("Personal score"), _("Quarterly score"), _("Average of the post (yuan)"),
              _("Bonus (yuan)")]
    rows = [[index, line.username, line.full_name, str(posts.get(line.post, line.post)), line.street_name,
             line.grid_code, line.grid_name, line.grid_score, line.personal_score, line.score, line.base, line.amount]
            for index, line in enumerate(bonus.lines.order_by("grid_code", "username"), start=1)]
    _sheet(book, _("Bonus"), header, rows)
    sheet = book[_("Bonus")[:31]]
    for row in sheet.iter_rows(min_row=2, min_col=11, max_col=12):
        for cell in row:
            cell.number_format = "0.00"
    totals = {}
    for line in bonus.lines.all():
        count, total = totals.get(line.post, (0, Decimal(0)))
        totals[line.post] = (count + 1, total + line.amount)
    _sheet(book, _("Totals"), [_("Post"), _("Workers"), _("Total (yuan)"), _("Average (yuan)")], [
        [str(posts.get(post, post)), count, total, (total / count).quantize(Decimal("0.01"))]
        for post, (count, total) in sorted(totals.items())])
    _about(book, [
        (_("Quarter"), bonus.period.code), (_("Bonus rule version"), bonus.rule.version),
        (_("Results used"), bonus.result_run_id), (_("Input fingerprint"), bonus.fingerprint),
        (_("Workers"), bonus.workers), (_("Total (yuan)"), bonus.total),
    ])
    return _save(book)
