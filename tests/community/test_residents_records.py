"""Residents' records — must-visit households and their visits, must-attend records, neighbour care —
belong to the grid's own staff and the supervisors above them. Evaluators and auditors read every
other register of the district, but get nothing from these: not in a list, not by id."""
from datetime import timedelta

import pytest
from django.utils import timezone

from community.models import CareTarget, VisitCategory
from community.services import attendance_record, care_pair, care_target_register, household_register, visit_record
from grids.models import Grid
from tests.conftest import GRID_A

pytestmark = pytest.mark.django_db

BASE = "/api/v1/community/"


@pytest.fixture
def records(cast):
    """One of each record, kept by the grid's own worker."""
    worker, grid, today = cast.worker_a, Grid.objects.get(code=GRID_A), timezone.localdate()
    household = household_register(user=worker, grid=grid, head_name="王秀英", address="学院路1号楼3单元502",
                                    phone="13900000001", categories=VisitCategory.objects.filter(code="empty_nest"),
                                    registered_on=today - timedelta(days=10))
    visit_record(user=worker, household=household, visited_on=today, summary="身体尚好")
    attendance = attendance_record(user=worker, grid=grid, situation="neighbour_dispute", occurred_on=today,
                                   attended_on=today, place="3号楼", action_taken="现场调解", household=household)
    target = care_target_register(user=worker, grid=grid, kind=CareTarget.Kind.EMPTY_NEST, name="独居老人甲",
                                  building="1号楼")
    pairing = care_pair(user=worker, target=target, helper_name="邻居赵", helper_phone="13700000001")
    return {
        "lists": [f"{BASE}households/", f"{BASE}attendance/", f"{BASE}care-targets/", f"{BASE}care-pairings/"],
        "details": [f"{BASE}households/{household.pk}/", f"{BASE}households/{household.pk}/visits/",
                    f"{BASE}attendance/{attendance.pk}/", f"{BASE}care-targets/{target.pk}/",
                    f"{BASE}care-pairings/{pairing.pk}/"],
        "pages": [f"/community/households/{household.pk}/", f"/community/care/{target.pk}/"],
        "coverage": f"{BASE}care-targets/coverage/",
        "head_name": household.head_name,
    }


def _nothing(response) -> bool:
    """Refused outright (their role may not read the register), or let in to find it empty (the scope
    names the roles that see residents' records): either way, nothing of a resident comes back."""
    if response.status_code in (403, 404):
        return True
    body = response.json()
    return response.status_code == 200 and (body == [] or body.get("count") == 0)


@pytest.mark.parametrize("reader", ["evaluator", "auditor"])
def test_evaluators_and_auditors_get_nothing_from_residents_records_the_grids_worker_keeps(
        api_as, client, cast, records, reader):
    worker = api_as(cast.worker_a)
    for url in records["lists"]:
        assert worker.get(url).json()["count"] == 1, url
    for url in records["details"]:
        assert worker.get(url).status_code == 200, url
    assert worker.get(records["coverage"]).json()[0]["targets"] == 1

    outsider = api_as(getattr(cast, reader))
    for url in [*records["lists"], records["coverage"]]:
        assert _nothing(outsider.get(url)), url
    for url in records["details"]:
        assert outsider.get(url).status_code in (403, 404), url
    client.force_login(getattr(cast, reader))
    for url in records["pages"]:
        assert client.get(url).status_code in (403, 404), url
    assert records["head_name"] not in client.get("/community/households/").content.decode()
    assert records["head_name"] not in client.get("/community/").content.decode()
