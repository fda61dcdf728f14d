"""Display helpers of the evaluation pages: rates as percentages, values as bar widths."""
from decimal import Decimal

from django import template

from grids.models import StaffProfile

register = template.Library()


@register.filter
def percent(value) -> str:
    """0.7143 → "71.43%"; None → "—"."""
    if value in (None, ""):
        return "—"
    return f"{Decimal(value) * 100:.2f}%"


@register.filter
def figure(value, kind: str = "count") -> str:
    """An indicator's value as shown: rates in percent, hours and means with two decimals."""
    if value in (None, ""):
        return "—"
    if kind == "rate":
        return percent(value)
    if kind in ("hours", "mean"):
        return f"{Decimal(value):.2f}"
    return str(value)


@register.filter
def bar(value, scale=100) -> str:
    """A CSS width (0–100 %) for a value out of ``scale``."""
    if value in (None, ""):
        return "0%"
    share = max(Decimal(0), min(Decimal(100), Decimal(str(value)) * 100 / Decimal(str(scale))))
    return f"{share:.1f}%"


@register.filter
def lookup_attr(obj, name: str):
    return getattr(obj, name, None)


@register.filter
def post_label(post: str) -> str:
    return str(dict(StaffProfile.Post.choices).get(post, post))


@register.filter
def unit_code(code: str) -> str:
    """A unit's code as readers may see it beside its name: a grid's or a street's digits
    (DB11/T 2157-2023); a department's or a station's internal code is never shown ("")."""
    return code if code and str(code).isdigit() else ""
