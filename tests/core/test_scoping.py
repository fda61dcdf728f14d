"""One way to see anything: ``visible_to`` cannot OR away a district-wide scope, denies by default,
and keeps sensitive models to the roles they name."""
import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.checks import run_checks
from django.db.models import Q

from core.scoping import EVERY_ROW, NO_ROW, Rows, Scope, ScopePath, is_scoped
from grids.models import Grid, StaffProfile
from tests.conftest import GRID_A, STREET_A, STREET_B

pytestmark = pytest.mark.django_db


def test_every_row_absorbs_and_no_row_is_neutral():
    some = Rows.where(Q(code="1"))
    assert (EVERY_ROW | some) is EVERY_ROW and (some | EVERY_ROW) is EVERY_ROW
    assert (NO_ROW | some) is some and (some | NO_ROW) is some
    assert Rows.where(Q()) is EVERY_ROW  # an empty condition is no condition, never "nothing"


def test_a_district_scope_is_not_narrowed_by_the_persons_own_rows(cast):
    # The bug this replaces: Q() | Q(user=user) is Q(user=user), so the commander saw only themself.
    path = ScopePath(grid="home_grid__code", person="user_id")
    district = Scope(grid_codes=("110108",), viewing_codes=("110108",))
    assert path.rows(cast.commander, district) is EVERY_ROW


def test_the_district_commander_sees_every_staff_member(cast):
    assert StaffProfile.objects.visible_to(cast.commander).count() == StaffProfile.objects.count()


def test_a_street_dispatcher_sees_their_street_and_themself_only(cast):
    codes = set(StaffProfile.objects.visible_to(cast.dispatcher_a).values_list("home_grid__code", flat=True))
    assert codes and all(code.startswith(STREET_A) for code in codes)
    assert not StaffProfile.objects.visible_to(cast.dispatcher_a).filter(home_grid__code__startswith=STREET_B).exists()


def test_anonymous_and_inactive_users_see_nothing(cast):
    assert not Grid.objects.visible_to(AnonymousUser()).exists()
    cast.dispatcher_a.is_active = False
    assert not Grid.objects.visible_to(cast.dispatcher_a).exists()


def test_a_role_without_the_model_permission_sees_nothing(cast):
    # Evaluators read everything *viewable*, but no role may change grids through visible_to.
    assert not Grid.objects.visible_to(cast.commander, "change").exists()


def test_department_staff_look_at_the_streets_of_their_stations(cast):
    codes = set(Grid.objects.visible_to(cast.station_a).values_list("code", flat=True))
    assert GRID_A in codes and all(code.startswith(STREET_A) for code in codes)
    assert Grid.objects.visible_to(cast.bureau).count() == Grid.objects.count()  # a whole department: the district


def test_a_sensitive_model_is_seen_only_by_the_roles_it_names(cast):
    path = ScopePath(grid="grid__code", roles=frozenset({"grid_worker"}))
    everywhere = Scope(grid_codes=("110108",))
    assert path.rows(cast.evaluator, everywhere) is NO_ROW
    assert path.rows(cast.worker_a, everywhere) is EVERY_ROW


def test_seeing_an_area_reaches_up_and_changing_it_does_not():
    worker = Scope(grid_codes=(GRID_A,))
    seen = dict(worker.area_rows("area_code").q.children)
    changed = dict(worker.area_rows("area_code", "change").q.children)
    assert seen == {"area_code__startswith": GRID_A, "area_code__in": ["110108", STREET_A, GRID_A[:12]]}
    assert changed == {"area_code__startswith": GRID_A, "area_code__in": [GRID_A[:12]]}


def test_every_scoped_model_declares_a_scope_path_that_leads_to_fields():
    scoped = [model for model in apps.get_models() if is_scoped(model)]
    assert len(scoped) > 20
    assert [e for e in run_checks() if e.id.startswith("core.")] == []
