"""Assessment periods as pure values: half-years (H1 Jan–Jun, H2 Jul–Dec) and quarters (Q1–Q4).

A code names a period: ``2026H1``, ``2026Q3``. Bounds are local dates, the end exclusive.
"""
import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

HALF, QUARTER = "half", "quarter"
MONTHS = {HALF: 6, QUARTER: 3}
LETTER = {HALF: "H", QUARTER: "Q"}
CODE = re.compile(r"^(?P<year>\d{4})(?P<letter>[HQ])(?P<number>[1-4])$")


@dataclass(frozen=True)
class PeriodSpec:
    kind: str
    year: int
    number: int

    @property
    def code(self) -> str:
        return f"{self.year}{LETTER[self.kind]}{self.number}"

    @property
    def starts_on(self) -> dt.date:
        return dt.date(self.year, 1 + (self.number - 1) * MONTHS[self.kind], 1)

    @property
    def ends_on(self) -> dt.date:
        month = 1 + self.number * MONTHS[self.kind]
        return dt.date(self.year + 1, 1, 1) if month > 12 else dt.date(self.year, month, 1)

    def previous(self) -> "PeriodSpec":
        if self.number > 1:
            return PeriodSpec(self.kind, self.year, self.number - 1)
        return PeriodSpec(self.kind, self.year - 1, 12 // MONTHS[self.kind])

    def following(self) -> "PeriodSpec":
        if self.number < 12 // MONTHS[self.kind]:
            return PeriodSpec(self.kind, self.year, self.number + 1)
        return PeriodSpec(self.kind, self.year + 1, 1)


def parse_code(code: str) -> PeriodSpec:
    """``2026H1`` → PeriodSpec; ValidationError for anything else."""
    match = CODE.match(str(code or "").strip().upper())
    kind = {"H": HALF, "Q": QUARTER}.get(match["letter"]) if match else None
    if match is None or int(match["number"]) > 12 // MONTHS[kind] or not 2000 <= int(match["year"]) <= 2100:
        raise ValidationError({"period": _("A period is a year and H1/H2 or Q1–Q4, e.g. 2026H1 or 2026Q3.")})
    return PeriodSpec(kind, int(match["year"]), int(match["number"]))


def containing(kind: str, day: dt.date) -> PeriodSpec:
    return PeriodSpec(kind, day.year, (day.month - 1) // MONTHS[kind] + 1)
