"""A grid's registers from one XLSX workbook (houses, residents, places): one bad row and nothing is stored, with
every bad cell named by sheet, row and column; the corrected workbook then stores every row."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registers.models import House, Place, Resident
from tests.conftest import GRID_A, GRID_B

from .conftest import valid_id, workbook

pytestmark = pytest.mark.django_db

HOUSES = [["楼区", "楼号", "楼门", "楼层", "户号", "用途", "使用情况"],
          ["学院小区", "1号楼", "1单元", 1, "101", "住宅", "自住"],
          ["学院小区", "1号楼", "1单元", 2, "201", "住宅", "出租"]]
RESIDENT_HEADER = ["楼区", "楼号", "楼门", "户号", "类别", "姓名", "身份证号", "电话", "入住日期"]
PLACES = [["名称", "类别", "地址", "联系人", "联系电话"],
          ["学院路便民超市", "商铺", "学院小区南门1号", "李经理", "13900001111"]]


def _residents(second_id: str):
    return [RESIDENT_HEADER,
            ["学院小区", "1号楼", "1单元", "101", "户籍", "王建华", valid_id(1), 13812345678, "2010-05-01"],
            ["学院小区", "1号楼", "1单元", "201", "流动", "孙浩然", second_id, "", "2025-03-01"]]


def _upload(content: bytes):
    return SimpleUploadedFile("register.xlsx", content,
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def test_one_bad_row_stores_nothing_then_the_corrected_workbook_stores_everything(api_as, cast):
    api = api_as(cast.worker_a)
    url = reverse("registers-api:import")
    bad = workbook(房屋=HOUSES, 人口=_residents("110108198506151230"), 场所=PLACES)
    response = api.post(url, {"grid": GRID_A, "file": _upload(bad)}, format="multipart")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {(e["sheet"], e["row"], e["column"]) for e in errors} == {("人口", 3, "身份证号")}
    assert not House.objects.exists() and not Resident.objects.exists() and not Place.objects.exists()

    good = workbook(房屋=HOUSES, 人口=_residents(valid_id(2, area="370102")), 场所=PLACES)
    response = api.post(url, {"grid": GRID_A, "file": _upload(good)}, format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json() == {"houses": 2, "residents": 2, "places": 1}
    rented = House.objects.get(room="201")
    assert rented.occupancy == House.Occupancy.RENTED and rented.grid.code == GRID_A
    assert rented.residents.get().kind == Resident.Kind.FLOATING
    assert Resident.objects.get(name="王建华").phone == "13812345678"  # a number typed into a cell, read as text


def test_a_resident_whose_house_is_nowhere_names_the_row(api_as, cast):
    residents = [RESIDENT_HEADER, ["学院小区", "9号楼", "1单元", "101", "户籍", "王建华", valid_id(1), "", ""]]
    response = api_as(cast.worker_a).post(reverse("registers-api:import"), {
        "grid": GRID_A, "file": _upload(workbook(人口=residents))}, format="multipart")
    assert response.status_code == 400
    assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [(2, "户号")]


def test_a_grid_not_served_and_a_file_that_is_no_workbook_are_refused(api_as, cast):
    api = api_as(cast.worker_a)
    url = reverse("registers-api:import")
    other = api.post(url, {"grid": GRID_B, "file": _upload(workbook(房屋=HOUSES))}, format="multipart")
    assert other.status_code == 400 and "grid" in other.json()
    junk = api.post(url, {"grid": GRID_A, "file": _upload(b"not a workbook")}, format="multipart")
    assert junk.status_code == 400 and junk.json()["errors"][0]["row"] == 0
    assert not House.objects.exists()
    assert api_as(cast.commander).post(url, {"grid": GRID_A}, format="multipart").status_code == 403


def test_the_import_page_lists_the_bad_cells_in_chinese_and_stores_nothing(client, cast):
    client.force_login(cast.worker_a)
    url = reverse("registers:import")
    assert "导入" in client.get(url).content.decode()
    bad = workbook(房屋=[*HOUSES, ["学院小区", "2号楼", "1单元", "三", "301", "住宅", "自住"]])
    response = client.post(url, {"grid": GRID_A, "file": _upload(bad)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "楼层" in page and "未导入" in page
    assert not House.objects.exists()
    response = client.post(url, {"grid": GRID_A, "file": _upload(workbook(房屋=HOUSES))})
    assert response.status_code == 302
    assert House.objects.count() == 2
