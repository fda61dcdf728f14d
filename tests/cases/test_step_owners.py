"""Who hears of a case follows the street's staff as it changes, although each process keeps its directory of who
dispatches and who handles (cases.selectors.step_owner_directory) instead of asking the database for every case."""
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Notification
from core.roles import Role
from grids.services import staff_create
from tests.conftest import STREET_A

from .conftest import new_case


def told_of(case) -> set[str]:
    return set(Notification.objects.filter(subject=case.number, kind=Notification.Kind.ASSIGNED)
               .values_list("user__username", flat=True))


def test_a_new_case_reaches_the_dispatchers_serving_its_street_as_they_are_now(cast):
    assert told_of(new_case(cast.worker_a)) == {"dispatcher_a"}

    relief = staff_create(username="relief_a", role=Role.STREET_DISPATCHER, password=None, grid_code=STREET_A)
    assert told_of(new_case(cast.worker_a)) == {"dispatcher_a", "relief_a"}

    cast.dispatcher_a.is_active = False  # as the admin's user form saves it: the whole row
    cast.dispatcher_a.save()
    assert told_of(new_case(cast.worker_a)) == {"relief_a"}

    relief.email = "relief@haidian.example"
    relief.save(update_fields=["email"])
    case = new_case(cast.worker_a)
    assert Notification.objects.get(subject=case.number, user=relief).mail_pending

    relief.staff_profile.role = Role.CALL_TAKER
    relief.staff_profile.save()
    assert told_of(new_case(cast.worker_a)) == set()


def test_the_directory_is_read_once_for_many_reports_and_again_after_a_grant(cast):
    new_case(cast.worker_a)
    with CaptureQueriesContext(connection) as reports:
        for _ in range(3):
            new_case(cast.worker_a)
    assert not [query for query in reports if "grids_griduserobjectpermission" in query["sql"]]

    staff_create(username="relief_a", role=Role.STREET_DISPATCHER, password=None, grid_code=STREET_A)
    with CaptureQueriesContext(connection) as after_grant:
        new_case(cast.worker_a)
    assert [query for query in after_grant if "grids_griduserobjectpermission" in query["sql"]]
