"""Checks of the *target* of a create: the grid or area a new row is put in must be the user's.
(Reading and changing existing rows is ``visible_to``; see ``core.scoping``.) Both answer with a
field error (400): the value given is not one the user may choose."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.scoping import scope_of

from .models import Grid


def require_area(user, code: str, field: str) -> None:
    """The area (district, street or community code) must be one the user acts in."""
    if not scope_of(user).acts_in_area(code):
        raise ValidationError({field: _("You do not serve this area.")})


def require_unit_grid(user, grid: Grid, field: str = "grid") -> None:
    """The grid must be a third-level grid the user serves."""
    if grid.level != Grid.Level.UNIT:
        raise ValidationError({field: _("Choose a third-level (unit) grid.")})
    if not scope_of(user).covers(grid.code):
        raise ValidationError({field: _("You do not serve this grid.")})
