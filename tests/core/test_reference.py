"""Reference data from the process's copies (core.reference): a case list reads no grid, category, department or
station table once the copies are warm, and still shows what those tables hold now."""
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case, Category
from cases.selectors import with_relations
from core import reference
from grids.models import Department, Grid
from tests.cases.conftest import act, new_case
from tests.conftest import GRID_A

REFERENCE_TABLES = ('"grids_grid"', '"cases_category"', '"grids_department"', '"grids_streetunit"')


def listed(user) -> list[Case]:
    return list(with_relations(Case.objects.visible_to(user)).order_by("pk"))


def reads_reference_tables(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().startswith("SELECT")
            and any(f"FROM {table}" in q["sql"] for table in REFERENCE_TABLES)]


def test_a_warm_list_reads_no_reference_table_and_shows_every_relation(cast):
    case = new_case(cast.worker_a)
    act(cast.dispatcher_a, case, "file")
    act(cast.dispatcher_a, case, "dispatch", department="urban_enforcement-110108009")
    listed(cast.dispatcher_a)
    with CaptureQueriesContext(connection) as queries:
        (row,) = listed(cast.dispatcher_a)
        shown = (row.grid.code, row.street.code, row.category.code, row.department.code, row.station.code)
    assert reads_reference_tables(queries) == []
    assert shown == (GRID_A, GRID_A[:9], case.category.code, "urban_enforcement", "urban_enforcement-110108009")
    assert "boundary" in row.grid.get_deferred_fields()  # large, and never shown in a list


def test_an_edit_in_this_process_shows_at_once_and_one_elsewhere_within_the_copy_age(cast, monkeypatch):
    case = new_case(cast.worker_a)
    listed(cast.worker_a)
    category = Category.objects.get(pk=case.category_id)
    category.name = "暴露垃圾(改)"
    category.save()  # this process: the copy is dropped
    assert listed(cast.worker_a)[0].category.name == "暴露垃圾(改)"

    Grid.objects.filter(code=GRID_A).update(name="改名的网格")  # as another process would: no signal here
    assert listed(cast.worker_a)[0].grid.name != "改名的网格"  # the copy is younger than its age
    monkeypatch.setattr(reference, "REFERENCE_MAX_AGE_SECONDS", 0)
    assert listed(cast.worker_a)[0].grid.name == "改名的网格"


def test_a_row_the_copy_does_not_hold_yet_is_read_from_the_database(cast):
    case = new_case(cast.worker_a)
    listed(cast.worker_a)
    # Made as another process would make it, after this one read its copy (a bulk write sends no signal here).
    (new,) = Department.objects.bulk_create([Department(code="newly_made", name="新设部门", short_name="新设")])
    Case.objects.filter(pk=case.pk).update(department=new)
    assert [c.department.name for c in listed(cast.worker_a)] == ["新设部门"]


def test_each_list_gets_its_own_instances(cast):
    new_case(cast.worker_a)
    first, second = listed(cast.worker_a)[0], listed(cast.worker_a)[0]
    first.grid.name = "只改这一个"
    assert second.grid.name != "只改这一个" and first.grid is not second.grid
