"""Reply templates (常用语): filling a template's placeholders with a case's facts.

A template is typed by a department's staff in the admin, so its text is arbitrary: only the known placeholders
are replaced; an unknown ``{name}``, a stray brace or a ``%`` stays as typed (no ``str.format``, which would raise
on them or reach into attributes).
"""
import re
from dataclasses import dataclass

from django.utils import timezone

PLACEHOLDER = re.compile(r"\{(\w+)\}")
PLACEHOLDERS = ("case_number", "deadline", "grid")


@dataclass(frozen=True)
class Reply:
    """A template as offered for one case: its placeholders filled."""

    id: int
    title: str
    text: str
    district_wide: bool


def render_reply(text: str, values: dict[str, str]) -> str:
    """``text`` with each known ``{name}`` replaced by ``values[name]``; everything else left as typed."""
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)


def unknown_placeholders(text: str) -> list[str]:
    """The ``{name}``s in ``text`` that are not placeholders (a typo the admin form points out)."""
    return sorted({match.group(0) for match in PLACEHOLDER.finditer(text) if match.group(1) not in PLACEHOLDERS})


def chinese_moment(moment) -> str:
    """A due time as Chinese readers write it, in Beijing time: 2026年11月25日 18:00."""
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def case_values(case) -> dict[str, str]:
    """What the placeholders stand for in this case (no due time: the step has no clock)."""
    return {"case_number": case.number, "deadline": chinese_moment(case.due_at) if case.due_at else "—",
            "grid": case.grid.name}
