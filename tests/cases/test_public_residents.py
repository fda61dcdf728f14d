"""What residents meet without logging in: the categories they may report, the follow-up code they
keep (short, case-insensitive, no look-alikes), following a case by its number and phone, and the
same rules through Open311."""
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from cases.models import Case, Category
from core import tracking
from tests.community.crawl import check_page

from .conftest import act, new_case

pytestmark = pytest.mark.django_db

INTERNAL = {"G0102": "新增孕妇信息", "G0801": "社区矫正人员异常", "G0602": "不稳定因素", "G0401": "外来人员流入"}
LOOK_ALIKES = set("0O1IL")


def report(client, grid, category="E0102", phone="", description="小区门口垃圾没人清"):
    return client.post(reverse("public:report"), {
        "category": category, "description": description, "address": "学院路", "lat": grid.centroid_lat,
        "lng": grid.centroid_lng, "name": "王先生", "phone": phone})


def found(response) -> str:
    """The follow-up code a lookup redirected to (the case page's address)."""
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"].rstrip("/").rsplit("/", 1)[1]


# --- which categories residents may choose ----------------------------------------------------------


def test_the_catalogue_opens_city_management_to_residents_and_keeps_grid_work_internal():
    subclasses = Category.objects.filter(parent__isnull=False)
    assert subclasses.filter(open_to_residents=True).count() == subclasses.exclude(kind="grid_work").count() > 30
    assert not subclasses.filter(kind="grid_work", open_to_residents=True).exists()
    assert set(subclasses.filter(code__in=INTERNAL).values_list("open_to_residents", flat=True)) == {False}


def test_the_public_report_page_offers_resident_categories_by_name_only(client):
    html = client.get(reverse("public:report")).content.decode()
    options = dict(re.findall(r'<option value="(\w+)"[^>]*>([^<]*)</option>', html))
    assert options["E0102"] == "暴露垃圾" and options["C0102"] == "路灯损坏" and options["E0601"] == "噪声扰民"
    for code, name in INTERNAL.items():
        assert code not in options and name not in html
    assert not any(re.search(r"\b[CEG]\d{2,4}\b", label) for label in options.values())  # no codes shown
    # The component class and the event class both named 市容环境 are one group.
    assert html.count('<optgroup label="市容环境">') == 1


def test_an_internal_category_is_refused_on_the_public_form(client, cast):
    grid = cast.worker_a.staff_profile.home_grid
    response = report(client, grid, category="G0102", description="不该能提交")
    assert response.status_code == 400
    assert "12345" in response.content.decode()
    assert not Case.objects.filter(description="不该能提交").exists()


# --- the follow-up code -------------------------------------------------------------------------------


def test_codes_are_eight_characters_without_look_alikes():
    codes = {tracking.new_code() for _ in range(3000)}
    assert len(codes) == 3000 and {len(code) for code in codes} == {8}
    assert not set("".join(codes)) & LOOK_ALIKES
    assert set("".join(codes)) <= set(tracking.ALPHABET)


def test_a_code_already_given_out_is_drawn_again():
    drawn = []
    code = tracking.new_code(taken=lambda candidate: drawn.append(candidate) or len(drawn) < 3)
    assert len(drawn) == 3 and code == drawn[-1]


def test_codes_are_read_whatever_the_case_spaces_dashes_or_full_width_characters():
    assert tracking.display("K7QM3XHD") == "K7QM-3XHD"
    for typed in ("k7qm-3xhd", " K7QM 3XHD ", "k7qm–3xhd", "Ｋ７ＱＭ－３ＸＨＤ", "K7-QM-3X-HD"):
        assert tracking.normalise(typed) == "K7QM3XHD"
    assert tracking.lookup_values("   ") == []


def test_a_report_gets_a_short_code_shown_in_two_groups(client, cast):
    response = report(client, cast.worker_a.staff_profile.home_grid)
    case = Case.objects.get(description="小区门口垃圾没人清")
    assert tracking.is_code(case.public_token)
    assert response["Location"] == reverse("public:case", args=[case.public_token])
    page = client.get(response["Location"]).content.decode()
    assert case.follow_up_code in page and case.follow_up_code == f"{case.public_token[:4]}-{case.public_token[4:]}"


def test_a_code_typed_in_small_letters_with_a_dash_or_spaces_finds_the_case(client, cast):
    case = new_case(cast.worker_a)
    code = case.public_token
    for typed in (code.lower(), f"{code[:4].lower()}-{code[4:]}", f" {code[:4]} {code[4:]} "):
        assert found(client.get(reverse("public:track"), {"token": typed})) == code
    # The case page itself answers to a typed form and settles on one address.
    assert found(client.get(reverse("public:case", args=[f"{code[:4]}-{code[4:]}".lower()]))) == code


def test_codes_given_before_the_new_format_still_work_exactly_as_given(client, cast):
    case = new_case(cast.worker_a)
    Case.objects.filter(pk=case.pk).update(public_token="aB3_x-Yz9QwErT0l")  # 16 case-sensitive characters
    assert found(client.get(reverse("public:track"), {"token": "aB3_x-Yz9QwErT0l"})) == "aB3_x-Yz9QwErT0l"
    assert client.get(reverse("public:case", args=["aB3_x-Yz9QwErT0l"])).status_code == 200
    assert client.get(reverse("public:track"), {"token": "AB3_X-YZ9QWERT0L"}).status_code == 404


def test_the_rating_link_takes_the_code_in_any_case(client, cast):
    case = new_case(cast.community_a, category="E0102")
    act(cast.community_a, case, "dispatch", assignee="worker_a")
    act(cast.worker_a, case, "accept")
    act(cast.worker_a, case, "feedback", result="已清运")
    act(cast.community_a, case, "verify")
    typed = f"{case.public_token[:4]}-{case.public_token[4:]}".lower()
    response = client.post(reverse("public:case", args=[typed]), {"satisfaction": "5", "comment": "及时"})
    assert found(response) == case.public_token
    case.refresh_from_db()
    assert (case.status, case.satisfaction) == ("evaluated", 5)


def test_an_unknown_code_is_404_and_misses_are_throttled(client, cast, settings):
    settings.PUBLIC_LOOKUP_RATE = "3/h"
    case = new_case(cast.worker_a)
    statuses = [client.get(reverse("public:track"), {"token": f"ZZZZ-ZZZ{n}"}).status_code for n in range(2, 9)]
    assert statuses[0] == 404 and statuses[-1] == 429
    assert client.get(reverse("public:case", args=["ZZZZZZZZ"])).status_code == 429
    # Once throttled, even a right code waits: guessing cannot go on by mixing in a known one.
    assert client.get(reverse("public:track"), {"token": case.public_token}).status_code == 429


def test_looking_a_case_up_does_not_count_against_the_resident(client, cast, settings):
    settings.PUBLIC_LOOKUP_RATE = "2/h"
    case = new_case(cast.worker_a)
    for _ in range(6):
        assert client.get(reverse("public:case", args=[case.public_token])).status_code == 200


# --- following by case number and phone --------------------------------------------------------------


@pytest.fixture
def reported(client, cast):
    report(client, cast.worker_a.staff_profile.home_grid, phone="138 0000 1111")
    return Case.objects.get(description="小区门口垃圾没人清")


def follow(client, number, phone):
    return client.post(reverse("public:track"), {"number": number, "phone": phone})


def test_a_resident_follows_a_case_by_its_number_and_phone(client, reported):
    assert found(follow(client, reported.number, "13800001111")) == reported.public_token
    assert found(follow(client, f" {reported.number.lower()} ", "+86 138-0000-1111")) == reported.public_token


def test_a_wrong_phone_and_an_unknown_number_get_the_same_answer(client, reported, cast):
    wrong_phone = follow(client, reported.number, "13900009999")
    no_case = follow(client, "HD19990101000001", "13800001111")
    no_phone_given = follow(client, new_case(cast.worker_a).number, "13800001111")
    for response in (wrong_phone, no_case, no_phone_given):
        assert response.status_code == 404
        assert reported.public_token not in response.content.decode()
    message = "没有与该编号和电话号码对应的案件"
    assert all(message in r.content.decode() for r in (wrong_phone, no_case, no_phone_given))
    assert wrong_phone.content.decode().count("errorlist") == no_case.content.decode().count("errorlist")


def test_number_and_phone_lookups_are_throttled_with_the_codes(client, reported, settings):
    settings.PUBLIC_LOOKUP_RATE = "3/h"
    statuses = [follow(client, reported.number, f"1390000{n:04d}").status_code for n in range(6)]
    assert statuses[0] == 404 and statuses[-1] == 429
    assert follow(client, reported.number, "13800001111").status_code == 429


def test_the_track_page_labels_both_forms(client):
    html = client.get(reverse("public:track")).content.decode()
    for field in ("id_token", "id_number", "id_phone"):
        assert f'for="{field}"' in html and f'id="{field}"' in html
    assert 'type="tel"' in html and html.count("<h1") == 1


# --- Open311 -------------------------------------------------------------------------------------------


@pytest.fixture
def api_key():
    out = io.StringIO()
    call_command("create_open311_key", "12345热线", stdout=out)
    return out.getvalue().strip()


def test_open311_lists_only_the_services_open_to_residents(client):
    codes = {s["service_code"] for s in client.get("/open311/v2/services.json").json()}
    assert "E0102" in codes and not codes & set(INTERNAL)
    assert client.get("/open311/v2/services/G0102.json").status_code == 404


def test_open311_refuses_an_internal_category_with_a_clear_400(client, api_key, cast):
    before = Case.objects.count()
    response = client.post("/open311/v2/requests.json", {
        "api_key": api_key, "service_code": "G0602", "lat": "39.9923", "long": "116.3521", "description": "x"})
    assert response.status_code == 400
    [error] = response.json()
    assert error["code"] == 400 and "G0602" in error["description"] and "services" in error["description"]
    assert Case.objects.count() == before


def test_open311_does_not_publish_grid_work_cases(client, cast):
    internal = new_case(cast.worker_a, category="G0102", source="hotline")
    public = new_case(cast.worker_a, category="E0102", source="hotline")
    listed = {r["service_request_id"] for r in client.get("/open311/v2/requests.json").json()}
    assert public.number in listed and internal.number not in listed
    assert client.get(f"/open311/v2/requests/{internal.number}.json").status_code == 404


def test_open311_reads_a_token_in_any_case(client, cast):
    case = new_case(cast.worker_a)
    [body] = client.get(f"/open311/v2/tokens/{case.public_token.lower()}.json").json()
    assert body == {"service_request_id": case.number, "token": case.public_token}


# --- what the pages read like ----------------------------------------------------------------------------


def test_the_residents_pages_read_in_chinese_and_render_in_english(client, reported, cast, settings):
    closed = new_case(cast.community_a, category="E0102")
    act(cast.community_a, closed, "dispatch", assignee="worker_a")
    act(cast.worker_a, closed, "accept")
    act(cast.worker_a, closed, "feedback", result="已清运")
    act(cast.community_a, closed, "verify")
    pages = {
        "report": client.get(reverse("public:report")),
        "report with errors": client.post(reverse("public:report"), {"category": "G0102", "lat": "north"}),
        "track": client.get(reverse("public:track")),
        "unknown code": client.get(reverse("public:track"), {"token": "ZZZZ-ZZZZ"}),
        "wrong phone": follow(client, reported.number, "13900009999"),
        "case": client.get(reverse("public:case", args=[reported.public_token])),
        "case to rate": client.get(reverse("public:case", args=[closed.public_token])),
    }
    problems = [problem for name, response in pages.items() for problem in check_page(name, response.content.decode())]
    assert problems == []
    for url in ("/en/public/report/", "/en/public/track/", f"/en/public/track/{closed.public_token}/"):
        html = client.get(url).content.decode()
        assert check_page(url, html, english=True) == [] and "查询" not in html.split("<main", 1)[1]
    settings.PUBLIC_LOOKUP_RATE = "1/h"
    for n in range(3):
        throttled = client.get("/public/track/", {"token": f"ZZZZ-ZZZ{n + 2}"})  # (reverse() would say /en/)
    assert throttled.status_code == 429 and check_page("throttled", throttled.content.decode()) == []
