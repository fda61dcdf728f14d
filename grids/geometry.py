"""Point → third-level grid, on an in-memory spatial index of the 643 unit-grid boundaries.

The index (a shapely STRtree) is built once per process from the database and rebuilt when a
grid is saved in this process or after ``INDEX_MAX_AGE_SECONDS`` (boundaries change rarely, and
another process's edit shows up within that time). A lookup is one tree query: microseconds.
"""
import threading
import time
from dataclasses import dataclass

INDEX_MAX_AGE_SECONDS = 300

_lock = threading.Lock()
_index: "UnitGridIndex | None" = None


@dataclass(frozen=True)
class LocatedGrid:
    id: int
    code: str
    name: str
    street_id: int
    street_code: str
    street_name: str


INDEX_FIELDS = ("id", "code", "name", "parent_id", "parent__code", "parent__name", "boundary")


class UnitGridIndex:
    def __init__(self, rows: list[tuple]):
        # shapely (and numpy under it) is imported with the first index, not with the app: a third of a second of
        # every process's start (a web or Celery worker, a management command) that needs no point located.
        import shapely
        from shapely.geometry import Point, shape

        # Sorted by code so that a point on a shared border resolves to the lower code.
        rows = sorted(rows, key=lambda row: row[1])
        self.grids = [LocatedGrid(*row[:6]) for row in rows]
        self.by_code = {grid.code: grid for grid in self.grids}
        self.by_id = {grid.id: grid for grid in self.grids}
        self.street_ids = {grid.street_code: grid.street_id for grid in self.grids}
        self.geometries = [shape(row[6]) for row in rows]
        shapely.prepare(self.geometries)
        self.tree = shapely.STRtree(self.geometries)
        self.point = Point
        self.built_at = time.monotonic()

    def locate(self, lat: float, lng: float) -> LocatedGrid | None:
        hits = self.tree.query(self.point(lng, lat), predicate="intersects")
        if len(hits) == 0:
            return None
        return self.grids[int(hits.min())]


def unit_grid_index() -> UnitGridIndex:
    global _index
    index = _index
    if index is None or time.monotonic() - index.built_at > INDEX_MAX_AGE_SECONDS:
        with _lock:
            if _index is None or time.monotonic() - _index.built_at > INDEX_MAX_AGE_SECONDS:
                from .models import Grid

                rows = Grid.objects.filter(level=Grid.Level.UNIT).values_list(*INDEX_FIELDS)
                _index = UnitGridIndex(list(rows))
            index = _index
    return index


def locate_unit_grid(lat: float, lng: float) -> LocatedGrid | None:
    """The third-level grid containing the point, or None outside the district."""
    return unit_grid_index().locate(lat, lng)


def unit_grid_by_code(code: str) -> LocatedGrid | None:
    return unit_grid_index().by_code.get(code)


def unit_grid_by_id(pk: int) -> LocatedGrid | None:
    return unit_grid_index().by_id.get(pk)


def street_and_unit_ids(codes) -> tuple[list[int], list[int]] | None:
    """The ids of the streets and of the unit grids among ``codes``, from the index; None when a code is neither
    (a community, the district, an unknown code), for the caller to ask the database."""
    index = unit_grid_index()
    streets = index.street_ids
    if not all(code in index.by_code or code in streets for code in codes):
        return None
    return ([streets[code] for code in codes if code in streets],
            [index.by_code[code].id for code in codes if code in index.by_code])


def forget_index(**kwargs) -> None:
    global _index
    _index = None
