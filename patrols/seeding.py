"""Seeds the demo's patrol plans and points: the two demo grids of each demo street patrol three times a week and
walk three points each (a place, a key unit, a road section), laid out around the grid's inner point. Idempotent:
a plan or point that exists is left as it is. No reference data outside the demo."""
from django.db import transaction

from grids.demo import DEMO_STREETS
from grids.models import Grid
from grids.seeding import SeedReport

from .geo import within_grid
from .models import PatrolPlan, PatrolPoint

DEMO_TIMES, DEMO_EVERY_DAYS = 3, 7
# (name, kind, offset north and east in degrees from the grid's inner point)
DEMO_POINTS = [
    ("小区东门", PatrolPoint.Kind.PLACE, (0.0004, 0.0004)),
    ("社区卫生服务站", PatrolPoint.Kind.KEY_UNIT, (-0.0004, 0.0003)),
    ("主干路口", PatrolPoint.Kind.ROAD_SECTION, (0.0002, -0.0005)),
]


def _point_in(grid: Grid, offset: tuple[float, float]) -> tuple[float, float]:
    """The offset point if it lies in the grid, else the grid's inner point (always inside)."""
    lat, lng = grid.centroid_lat + offset[0], grid.centroid_lng + offset[1]
    return (lat, lng) if within_grid(grid.code, lat, lng) else (grid.centroid_lat, grid.centroid_lng)


def seed_demo_plans() -> tuple[int, int]:
    codes = [code for street in DEMO_STREETS for code in (street.first_grid, street.second_grid)]
    created = 0
    for grid in Grid.objects.filter(code__in=codes, level=Grid.Level.UNIT).only("id", "code", "centroid_lat",
                                                                                 "centroid_lng"):
        _plan, made = PatrolPlan.objects.get_or_create(grid=grid, defaults={"times": DEMO_TIMES,
                                                                            "every_days": DEMO_EVERY_DAYS})
        created += made
        for name, kind, offset in DEMO_POINTS:
            lat, lng = _point_in(grid, offset)
            _point, made = PatrolPoint.objects.get_or_create(grid=grid, name=name,
                                                             defaults={"kind": kind, "lat": lat, "lng": lng})
            created += made
    return created, 0


@transaction.atomic
def seed(*, demo: bool = False) -> SeedReport:
    report = SeedReport()
    if demo:
        report.add("demo patrol plans and points", seed_demo_plans())
    return report
