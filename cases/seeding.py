"""Seeds the case catalogue (and, with demo, a few cases walking the lifecycle)."""
from django.db import transaction

from grids.models import Department
from grids.seeding import SeedReport, upsert_by_key

from .catalogue import CLASSES, RESIDENT_KINDS, SUBCLASSES
from .models import Category
from .selectors import forget_categories


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
    if demo:
        from .demo import seed_demo_cases

        report.add("demo cases", seed_demo_cases())
    return report
