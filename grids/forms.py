"""Form pieces of the district's grids, for the pages of the apps above them."""
from django.utils.translation import gettext


def grid_label(grid) -> str:
    """A grid as a select names it: its name and code (in full-width brackets in Chinese)."""
    return gettext("%(name)s (%(code)s)") % {"name": grid.name, "code": grid.code}
