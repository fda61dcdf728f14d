"""Form pieces of the district's grids, for the pages of the apps above them."""
from django.utils.translation import gettext

from .selectors import served_unit_grids


def grid_label(grid) -> str:
    """A grid as a select names it: its name and code (in full-width brackets in Chinese)."""
    return gettext("%(name)s (%(code)s)") % {"name": grid.name, "code": grid.code}


def offer_served_unit_grids(field, user) -> None:
    """Make a form's grid field a select of the unit grids the user serves, chosen by code and named by grid_label."""
    field.queryset = served_unit_grids(user)
    field.to_field_name = "code"
    field.label_from_instance = grid_label
