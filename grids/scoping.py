"""Scope rules for rows that live in an *area* (district, street or community code) rather than in
a third-level grid. Built on ``grids.selectors.scope_of``; the community and orgs apps use them.

- ``grid_rows_q``: strict — rows of grids the user serves (sensitive personal data).
- ``area_rows_q``: rows of areas the user serves, *and* of the areas above them (a grid worker
  sees their community's volunteer teams and the district federation's).
- ``acts_in_area``: may the user write in this area? A street or district covers it; community
  staff act in their own community (their scope roots are the community's grid codes).
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from .models import Grid
from .selectors import NOTHING, scope_of

COMMUNITY_CODE_LENGTH = 12


def _ancestor_codes(roots: tuple[str, ...]) -> list[str]:
    codes = set()
    for root in roots:
        for length in (len(settings.DISTRICT_CODE), 9, COMMUNITY_CODE_LENGTH):
            if len(root) > length:
                codes.add(root[:length])
    return sorted(codes)


def grid_rows_q(user, field: str = "grid__code") -> Q:
    return scope_of(user).grid_q(field)


def area_rows_q(user, field: str) -> Q:
    scope = scope_of(user)
    if scope.everywhere:
        return Q()  # never OR an empty Q: it would swallow the other side
    if not scope.grid_codes:
        return NOTHING
    return scope.grid_q(field) | Q(**{f"{field}__in": _ancestor_codes(scope.grid_codes)})


def acts_in_area(user, code: str) -> bool:
    scope = scope_of(user)
    if scope.covers_grid_code(code):
        return True
    return len(code) == COMMUNITY_CODE_LENGTH and any(root.startswith(code) for root in scope.grid_codes)


def require_area(user, code: str, field: str) -> None:
    if not acts_in_area(user, code):
        raise ValidationError({field: _("You do not serve this area.")})


def require_unit_grid(user, grid: Grid, field: str = "grid") -> None:
    """The grid must be a third-level grid the user serves."""
    if grid.level != Grid.Level.UNIT:
        raise ValidationError({field: _("Choose a third-level (unit) grid.")})
    if not scope_of(user).covers_grid_code(grid.code):
        raise ValidationError({field: _("You do not serve this grid.")})
