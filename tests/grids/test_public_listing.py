"""The public real-name listing (实名制公示): anyone may read it, and it shows nothing private."""
import re

import pytest

from grids.services import staff_create
from tests.conftest import GRID_A, GRID_B

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


def test_the_page_shows_each_role_once_with_force_group_duties_and_phone(client, cast):
    staff_create(username="li", role="grid_worker", password=None, full_name="李巡查", grid_code=GRID_A,
                 force_group="coordinator", duties="网格巡查、信息采集", phone="13800000002")
    profile = cast.worker_a.staff_profile
    profile.duties = "网格员"  # only the role's name again
    profile.save()
    page = client.get(f"/public/grids/{GRID_A}/staff/")
    html = page.content.decode()
    assert page.status_code == 200
    headers = re.findall(r'<th scope="col">([^<]+)</th>', html)
    assert headers == ["姓名", "角色", "力量类别", "职责", "电话"]
    row = next(r for r in re.findall(r"<tr>.*?</tr>", html, flags=re.S) if "李巡查" in r)
    assert 'data-label="力量类别">协管力量下沉<' in row
    assert "coordinator" not in html and "网格巡查、信息采集" in row and 'href="tel:13800000002"' in row
    worker_row = next(r for r in re.findall(r"<tr>.*?</tr>", html, flags=re.S) if "worker_a" in r)
    assert worker_row.count("网格员") == 1  # the role once, not again as duties
    assert all('data-label="' in cell for cell in re.findall(r"<td\b[^>]*>", html) if "colspan" not in cell)


def test_a_grid_without_force_groups_or_duties_leaves_those_columns_out(client, cast):
    page = client.get(f"/public/grids/{GRID_A}/staff/").content.decode()
    assert re.findall(r'<th scope="col">([^<]+)</th>', page) == ["姓名", "角色", "电话"]


def test_an_empty_listing_says_where_to_go(client):
    page = client.get(f"/public/grids/{GRID_B}/staff/").content.decode()
    assert "本网格暂无公示人员" in page and "/public/report/" in page and f"?street={GRID_B[:9]}" in page
