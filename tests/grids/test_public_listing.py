"""The public real-name listing (实名制公示): anyone may read it, and it shows nothing private."""
import pytest

from grids.services import staff_create
from tests.conftest import GRID_A

pytestmark = pytest.mark.django_db


def test_it_lists_name_role_duties_and_phone_only(api, cast):
    profile = cast.worker_a.staff_profile
    profile.full_name, profile.phone, profile.duties = "李明", "13800000001", "网格巡查"
    profile.save()
    rows = api.get(f"/api/v1/public/grids/{GRID_A}/staff/").json()
    row = next(r for r in rows if r["full_name"] == "李明")
    assert set(row) == {"full_name", "role", "force_group", "duties", "phone"}
    assert row["phone"] == "13800000001" and row["duties"] == "网格巡查"


def test_it_hides_people_not_listed_publicly(api, cast):
    staff_create(username="hidden", role="grid_worker", password=None, full_name="不公示", grid_code=GRID_A,
                 listed_publicly=False)
    names = [r["full_name"] for r in api.get(f"/api/v1/public/grids/{GRID_A}/staff/").json()]
    assert "不公示" not in names


def test_unknown_grid_is_404(api):
    assert api.get("/api/v1/public/grids/999999999999999/staff/").status_code == 404
    assert api.get("/api/v1/public/grids/110108009/staff/").status_code == 404
