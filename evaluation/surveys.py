"""Reading the survey company's file (第三方社会评价): CSV or XLSX, one row per unit.

Columns (the header row names them; Chinese headers are accepted too):

- ``unit`` (单位代码): a 15-digit unit-grid code, a 9-digit street/town code, a department code or a
  department-station code;
- ``sample_size`` (样本量): respondents, a whole number ≥ 1;
- ``satisfied`` (满意数): respondents satisfied, 0 … sample size;
- ``name`` (单位名称): optional, ignored;
- every other column is a question: its score for the unit, 0–100 (empty when not asked there).

Every row is checked before anything is stored; any bad row rejects the whole file, and each bad row
is reported with its number and what is wrong.
"""
import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.exports import UnreadableWorkbook, read_only_workbook
from grids.models import Department, Grid, StreetUnit

from .models import SubjectKind
from .scoring import SCORE, q

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_QUESTIONS = 50
MAX_REPORTED = 50
ALIASES = {"unit": "unit", "单位代码": "unit", "sample_size": "sample_size", "sample size": "sample_size",
           "样本量": "sample_size",
           "satisfied": "satisfied", "满意数": "satisfied", "name": "name", "单位名称": "name"}
REQUIRED = ("unit", "sample_size", "satisfied")


@dataclass
class SurveyRow:
    kind: str
    code: str
    sample_size: int
    satisfied: int
    scores: dict[str, str]
    mean_score: Decimal | None


def _rows_of(file_name: str, content: bytes) -> list[list[str]]:
    if not content:
        raise ValidationError({"file": _("The file is empty.")})
    if len(content) > MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 5 MB.")})
    if file_name.lower().endswith(".xlsx") or content[:2] == b"PK":
        return _xlsx_rows(content)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError({"file": _("The CSV file is neither UTF-8 nor GB18030 text.")})
    try:
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    except csv.Error as error:
        raise ValidationError({"file": _("The CSV file cannot be read: %(error)s") % {"error": error}}) from error


def _xlsx_rows(content: bytes) -> list[list[str]]:
    try:
        book = read_only_workbook(content)
    except UnreadableWorkbook as error:
        raise ValidationError({"file": _("The file is not a readable XLSX workbook.")}) from error
    sheet = book.worksheets[0]
    rows = []
    for values in sheet.iter_rows(values_only=True):
        if len(rows) > MAX_ROWS + 1:
            break
        rows.append(["" if value is None else _cell_text(value) for value in values])
    book.close()
    return rows


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _whole(text: str) -> int | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return int(value) if value == value.to_integral_value() else None


def _known_units() -> dict[str, str]:
    grids = Grid.objects.filter(level=Grid.Level.UNIT).values_list("code", flat=True)
    units = {code: SubjectKind.GRID for code in grids}
    units.update({code: SubjectKind.STREET
                  for code in Grid.objects.filter(level=Grid.Level.STREET).values_list("code", flat=True)})
    units.update({code: SubjectKind.DEPARTMENT for code in Department.objects.values_list("code", flat=True)})
    units.update({code: SubjectKind.STATION for code in StreetUnit.objects.values_list("code", flat=True)})
    return units


def parse_survey(file_name: str, content: bytes) -> tuple[list[str], list[SurveyRow]]:
    """(question names, rows) of a valid file; ValidationError({"file": [one message per problem]})."""
    rows = [row for row in _rows_of(file_name, content) if any(cell for cell in row)]
    if any("\x00" in cell for row in rows for cell in row):
        raise ValidationError({"file": _("The file contains null characters.")})
    if not rows:
        raise ValidationError({"file": _("The file has no header row.")})
    header = [ALIASES.get(cell.strip(), ALIASES.get(cell.strip().lower(), cell.strip())) for cell in rows[0]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ValidationError({"file": _("Missing column(s): %(names)s. Required: unit, sample size, satisfied.")
                               % {"names": ", ".join(missing)}})
    questions = [name for name in header if name not in ALIASES.values()]
    if len(set(header)) != len(header) or "" in questions:
        raise ValidationError({"file": _("Every column needs a name of its own.")})
    if len(questions) > MAX_QUESTIONS:
        raise ValidationError({"file": _("At most %(n)s questions.") % {"n": MAX_QUESTIONS}})
    body = rows[1:]
    if not body:
        raise ValidationError({"file": _("The file has no data rows.")})
    if len(body) > MAX_ROWS:
        raise ValidationError({"file": _("At most %(n)s rows.") % {"n": MAX_ROWS}})
    units = _known_units()
    problems, parsed, seen = [], [], {}
    for number, cells in enumerate(body, start=2):
        values = dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=False))
        row, row_problems = _check_row(values, questions, units)
        if row is not None and row.code in seen:
            row_problems.append(_("unit %(code)s already on row %(row)s") % {"code": row.code, "row": seen[row.code]})
        if row_problems:
            problems.append(_("Row %(row)s: %(problems)s.") % {"row": number, "problems": "; ".join(row_problems)})
        else:
            seen[row.code] = number
            parsed.append(row)
    if problems:
        shown = problems[:MAX_REPORTED]
        if len(problems) > MAX_REPORTED:
            shown.append(_("… and %(n)s more bad rows.") % {"n": len(problems) - MAX_REPORTED})
        raise ValidationError({"file": shown})
    return questions, parsed


def _check_row(values: dict, questions: list[str], units: dict[str, str]) -> tuple[SurveyRow | None, list[str]]:
    problems = []
    code = values.get("unit", "").strip()
    kind = units.get(code)
    if kind is None:
        problems.append(_("unit “%(code)s” is not a grid, street, department or station code") % {"code": code})
    sample = _whole(values.get("sample_size", ""))
    if sample is None or sample < 1:
        problems.append(_("sample_size must be a whole number of at least 1"))
    satisfied = _whole(values.get("satisfied", ""))
    if satisfied is None or satisfied < 0 or (sample is not None and satisfied > sample):
        problems.append(_("satisfied must be a whole number from 0 to the sample size"))
    scores = {}
    for question in questions:
        text = values.get(question, "").strip()
        if not text:
            continue
        try:
            score = Decimal(text)
        except InvalidOperation:
            score = None
        if score is None or not score.is_finite() or not Decimal(0) <= score <= Decimal(100):
            problems.append(_("score of “%(question)s” must be a number from 0 to 100") % {"question": question})
            continue
        scores[question] = str(q(score, SCORE))
    if problems:
        return (SurveyRow(kind, code, 0, 0, {}, None) if kind else None), problems
    mean = q(sum(Decimal(v) for v in scores.values()) / len(scores), SCORE) if scores else None
    return SurveyRow(kind, code, sample, satisfied, scores, mean), []
