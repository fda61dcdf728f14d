"""Seeds the case catalogue (and, with demo, a few cases walking the lifecycle)."""
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from grids.models import Department
from grids.seeding import SeedReport, upsert_by_key

from .catalogue import CLASSES, DEPARTMENT_OF_UNOWNED, RESIDENT_KINDS, SECTION_OF_DEPARTMENT, SUBCLASSES
from .models import Category, Route
from .selectors import forget_categories
from .workflow import Tier


@transaction.atomic
def seed(*, demo: bool = False) -> SeedReport:
    report = SeedReport()
    report.add("case classes", upsert_by_key(Category, "code", [
        {"code": code, "name": name, "kind": kind, "parent_id": None, "open_to_residents": kind in RESIDENT_KINDS}
        for code, name, kind in CLASSES
    ]))
    classes = dict(Category.objects.filter(parent__isnull=True).values_list("code", "id"))
    kinds = {code: kind for code, _name, kind in CLASSES}
    departments = dict(Department.objects.values_list("code", "id"))
    rows = []
    for code, name, tier, department, handle, urgent_handle, must_report in SUBCLASSES:
        rows.append({
            "code": code, "name": name, "kind": kinds[code[:3]], "parent_id": classes[code[:3]],
            "default_tier": tier, "department_id": departments.get(department),
            "handle_hours": handle, "urgent_handle_hours": urgent_handle, "must_report_item": must_report,
            "open_to_residents": kinds[code[:3]] in RESIDENT_KINDS,
        })
    report.add("case categories", upsert_by_key(Category, "code", rows))
    forget_categories()  # bulk writes send no post_save
    report.add("routes", _seed_routes())
    if demo:
        from .demo import seed_demo_cases, seed_demo_reply_templates

        report.add("demo reply templates", seed_demo_reply_templates())
        report.add("demo cases", seed_demo_cases())
    return report


def _default_routes(category: Category, stations_of: set[int], unowned_id: int) -> list[Route]:
    department = category.department
    section = SECTION_OF_DEPARTMENT[department.code if department else ""]
    small = [Route.Target.STATION] if department and department.pk in stations_of else []
    return [
        Route(category=category, tier=Tier.MICRO, rank=1, target=Route.Target.GRID_STAFF),
        *[Route(category=category, tier=Tier.SMALL, rank=rank, target=target,
                section=section if target == Route.Target.SECTION else "")
          for rank, target in enumerate([*small, Route.Target.SECTION], start=1)],
        Route(category=category, tier=Tier.LARGE, rank=1, target=Route.Target.DEPARTMENT,
              department_id=None if department else unowned_id),
    ]


def _seed_routes() -> tuple[int, int]:
    """The default lines of every subclass and tier that has none yet (lines an admin changed are kept)."""
    routed = set(Route.objects.values_list("category_id", "tier"))
    stations_of = set(Department.objects.exclude(station_name="").values_list("pk", flat=True))
    unowned_id = Department.objects.get(code=DEPARTMENT_OF_UNOWNED).pk
    new = [route for category in Category.objects.filter(parent__isnull=False).select_related("department")
           for route in _default_routes(category, stations_of, unowned_id)
           if (category.pk, route.tier) not in routed]
    bulk_create_with_history(new, Route)
    return len(new), 0
