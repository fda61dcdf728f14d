"""A proposed practical matter is followed with the same kind of code as a case: 8 characters
without look-alikes, shown in two groups, found whatever the case, spaces or dashes."""
import pytest

from community.matters import matter_propose
from community.models import PracticalMatter
from core import tracking
from grids.models import Community
from tests.conftest import GRID_A

pytestmark = pytest.mark.django_db

TRACK = "/community/public/matters/track/"


@pytest.fixture
def matter():
    return matter_propose(community=Community.objects.get(code=GRID_A[:12]), title="修缮楼道灯",
                          description="3号楼楼道灯坏了半年", proposer_name="刘女士")


def test_a_proposal_gets_a_code_in_the_cases_format(client, matter):
    assert tracking.is_code(matter.tracking_code) and not set(matter.tracking_code) & set("0O1IL")
    assert matter.display_code == f"{matter.tracking_code[:4]}-{matter.tracking_code[4:]}"
    community = Community.objects.get(code=GRID_A[:12])
    page = client.post("/community/public/matters/propose/", {
        "community": community.pk, "title": "加装电梯", "description": "老楼没有电梯"}).content.decode()
    assert PracticalMatter.objects.get(title="加装电梯").display_code in page


def test_a_code_is_found_in_small_letters_with_a_dash_or_spaces(client, matter):
    code = matter.tracking_code
    for typed in (code.lower(), f"{code[:4]}-{code[4:]}".lower(), f" {code[:4]} {code[4:]} "):
        response = client.get(TRACK, {"code": typed})
        assert response.status_code == 200 and "修缮楼道灯" in response.content.decode()


def test_codes_given_before_the_new_format_still_work(client, matter):
    PracticalMatter.objects.filter(pk=matter.pk).update(tracking_code="3FA09C21BE")  # 10 hexadecimal characters
    assert "修缮楼道灯" in client.get(TRACK, {"code": "3fa09c21be"}).content.decode()


def test_an_unknown_code_is_404_and_misses_are_throttled_with_the_cases(client, matter, settings):
    settings.PUBLIC_LOOKUP_RATE = "3/h"
    assert client.get(TRACK).status_code == 200  # the empty form
    statuses = [client.get(TRACK, {"code": f"ZZZZ-ZZZ{n}"}).status_code for n in range(2, 8)]
    assert statuses[0] == 404 and statuses[-1] == 429
    # The budget is shared with the cases' lookups.
    assert client.get("/public/track/", {"token": "ZZZZZZZZ"}).status_code == 429
    assert client.get(TRACK, {"code": matter.tracking_code}).status_code == 429


def test_the_public_list_has_one_heading_and_says_what_to_do_when_empty(client):
    html = client.get("/community/public/matters/").content.decode()
    heading = html.split("<h1", 1)[1].split("</h1>", 1)[0]
    assert html.count("<h1") == 1 and heading.count("为民办实事") == 1
    assert "这里还没有立项的实事" in html and "提出第一件实事" in html


def test_the_api_finds_a_proposal_by_its_code_typed_any_way(api, matter):
    typed = f"{matter.tracking_code[:4]}-{matter.tracking_code[4:]}".lower()
    response = api.get(f"/api/v1/community/public/proposals/{typed}/")
    assert response.status_code == 200 and response.json()["tracking_code"] == matter.tracking_code


def test_the_public_matter_pages_read_in_chinese_and_format_money(client, matter):
    from datetime import date

    from tests.community.crawl import check_page

    PracticalMatter.objects.filter(pk=matter.pk).update(
        status="accepted", year=2026, budget=705558, owner_name="张主任", owner_unit="学院路街道城市管理办公室",
        planned_start=date(2026, 3, 1), planned_end=date(2026, 6, 30), accepted_on=date(2026, 7, 2))
    community = Community.objects.get(code=GRID_A[:12])
    pages = {
        "list": client.get("/community/public/matters/"),
        "matter": client.get(f"/community/public/matters/{matter.pk}/"),
        "propose": client.get("/community/public/matters/propose/"),
        "proposed": client.post("/community/public/matters/propose/", {
            "community": community.pk, "title": "加装电梯", "description": "老楼没有电梯"}),
        "track": client.get(TRACK),
        "found": client.get(TRACK, {"code": matter.tracking_code}),
        "missing": client.get(TRACK, {"code": "ZZZZ-ZZZZ"}),
    }
    assert [p for name, r in pages.items() for p in check_page(name, r.content.decode())] == []
    assert "705,558 元" in pages["matter"].content.decode()
