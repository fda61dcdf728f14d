"""The assessment pages and exports speak the reader's language: units by their names (a grid's or a
street's public code at most, in a muted span; never a department's or a station's internal code),
money as "1,200 元", spreadsheet headers and labels in Chinese, and every table readable as cards on
a phone."""
import io
import re

import pytest
from openpyxl import load_workbook

from evaluation.models import BonusRun, SubjectResult
from evaluation.services import bonus_compute
from grids.models import Department, Grid, StreetUnit
from tests.cases.conftest import STATION_A
from tests.conftest import GRID_A, STREET_A

from .conftest import publish
from .test_bonus import workers  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


def main_text(response) -> str:
    """What a reader sees in the page's main part: no tags, no styles, no attribute values."""
    html = response.content.decode()
    main = html.split('<main', 1)[1].split("</main>", 1)[0]
    main = re.sub(r"<(style|script)\b.*?</\1>", "", main, flags=re.S)
    return re.sub(r"<[^>]+>", " ", main)


def test_rankings_and_scorecards_name_each_unit_and_show_no_internal_code(published, client, cast):
    client.force_login(cast.evaluator)
    station = SubjectResult.objects.get(run=published, kind="station", code=STATION_A)
    department = SubjectResult.objects.get(run=published, kind="department", code="urban_enforcement")
    assert station.name == StreetUnit.objects.get(code=STATION_A).name
    pages = {
        "station": client.get(f"/evaluation/runs/{published.pk}/station/"),
        "department": client.get(f"/evaluation/runs/{published.pk}/department/"),
        "station card": client.get(f"/evaluation/results/{station.pk}/"),
        "department card": client.get(f"/evaluation/results/{department.pk}/"),
        "station cases": client.get(f"/evaluation/results/{station.pk}/cases/closed/"),
    }
    for name, response in pages.items():
        text = main_text(response)
        assert response.status_code == 200, name
        assert STATION_A not in text and "urban_enforcement" not in text, name
        assert not SNAKE.search(text), (name, SNAKE.search(text))
    assert station.name in main_text(pages["station"]) and department.name in main_text(pages["department"])
    grids = client.get(f"/evaluation/runs/{published.pk}/grid/").content.decode()
    assert f'<span class="code">{GRID_A}</span>' in grids  # a grid's public code, muted beside its name


def test_the_ranking_filters_by_street_name(published, client, cast):
    client.force_login(cast.evaluator)
    page = client.get(f"/evaluation/runs/{published.pk}/grid/", {"street": STREET_A}).content.decode()
    street_name = Grid.objects.get(code=STREET_A).name
    assert f'<option value="{STREET_A}" selected>{street_name}</option>' in page
    assert '<label for="street">' in page


def test_every_table_reads_as_cards_on_a_phone(published, client, cast):
    client.force_login(cast.evaluator)
    grid = SubjectResult.objects.get(run=published, kind="grid", code=GRID_A)
    urls = ["/evaluation/", f"/evaluation/runs/{published.pk}/grid/", f"/evaluation/runs/{published.pk}/station/",
            f"/evaluation/results/{grid.pk}/", f"/evaluation/results/{grid.pk}/cases/collected/",
            "/evaluation/sheets/"]
    for url in urls:
        html = client.get(url).content.decode()
        assert html.count("<main") == 1 and len(re.findall(r"<h1\b", html)) == 1, url
        for table in re.findall(r'<table class="data".*?</table>', html, flags=re.S):
            assert "aria-label=" in table.split(">", 1)[0] or "<caption" in table, url
            assert "<th" in table and not re.search(r"<th\b(?![^>]*scope=)[^>]*>", table), url
            for cell in re.findall(r"<td\b[^>]*>", table):
                assert "data-label=" in cell or "colspan=" in cell, (url, cell)


def test_money_is_formatted_on_the_bonus_pages(history, workers, client, cast):  # noqa: F811
    publish(cast, "2026Q1")
    bonus, _ = bonus_compute(actor=cast.evaluator, period_code="2026Q1")
    client.force_login(cast.evaluator)
    page = main_text(client.get(f"/evaluation/bonuses/{bonus.pk}/"))
    assert "5,850 元" in page and "1,200 元" in page and "900 元" in page
    assert "5850" not in page and "1200.00" not in page
    assert "5,850 元" in main_text(client.get("/evaluation/"))


def test_the_exports_have_chinese_headers_and_names(history, workers, client, cast):  # noqa: F811
    run = publish(cast, "2026Q1")
    bonus, _ = bonus_compute(actor=cast.evaluator, period_code="2026Q1")
    client.force_login(cast.evaluator)
    book = load_workbook(io.BytesIO(client.get(f"/evaluation/runs/{run.pk}/export.xlsx").content))
    assert book.sheetnames == ["三级网格", "街镇", "专业部门", "派驻机构或科室", "说明"]
    grids = list(book["三级网格"].iter_rows(values_only=True))
    header = grids[0]
    assert header[:6] == ("排名", "街道内名次", "单位名称", "编码", "街镇", "综合得分")
    row = next(r for r in grids[1:] if r[3] == GRID_A)
    assert row[4] == Grid.objects.get(code=STREET_A).name
    stations = list(book["派驻机构或科室"].iter_rows(values_only=True))
    assert stations[0][:5] == ("排名", "街道内名次", "单位名称", "街镇", "专业部门")
    station = next(r for r in stations[1:] if r[2] == StreetUnit.objects.get(code=STATION_A).name)
    assert station[4] == Department.objects.get(code="urban_enforcement").name
    section = next(r for r in stations[1:] if r[2] == "学院路环境保护科")
    assert (section[3], section[4]) == (Grid.objects.get(code=STREET_A).name, None)  # a section has no department
    departments = list(book["专业部门"].iter_rows(values_only=True))
    assert "编码" not in departments[0]
    every_cell = [cell for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row]
    assert not any(isinstance(cell, str) and SNAKE.search(cell) for cell in every_cell)
    assert ("状态", "已发布") in list(book["说明"].iter_rows(values_only=True))

    payroll = load_workbook(io.BytesIO(client.get(f"/evaluation/bonuses/{bonus.pk}/export.xlsx").content))
    lines = list(payroll.worksheets[0].iter_rows(values_only=True))
    assert lines[0][:4] == ("序号", "工号", "姓名", "岗位") and lines[0][-1] == "奖金（元）"
    head = next(r for r in lines[1:] if r[1] == "h1")
    assert head[3] == "正职岗位" and head[-1] == 1200
    totals = list(payroll.worksheets[1].iter_rows(values_only=True))
    assert totals[0] == ("岗位", "人数", "合计（元）", "人均（元）") and totals[1][0] == "一般工作人员"
    assert payroll.worksheets[0].cell(row=2, column=12).number_format == "#,##0.00"
    assert BonusRun.objects.count() == 1
