"""The hotline desk (热线受理台): a call becomes a case; the same caller calling again about it is added to it as a
follow-up (counted, in the trail, told to whoever owns the step); a closed case takes no more calls; the call-taker
reads the whole district but takes no step of the workflow; a caller's history never leaves the reader's scope; a
category is found by its pinyin initials."""
import pytest
from django.test import Client
from django.utils import translation

from cases.integrity import verify_trails
from cases.models import Case, CaseEvent
from cases.workflow import FOLLOW_UP, Source, Status
from core.models import Notification
from tests.conftest import GRID_A, GRID_B, PASSWORD

from .conftest import MICRO_CATEGORY, STATION_A, act, new_case, notified, requires_postgres
from .test_idempotency_and_concurrency import run_together

pytestmark = pytest.mark.django_db

CALLER = "13801012345"


def page_client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def call_in(client, **changes):
    """The desk's form as a call-taker fills it for a resident of grid A."""
    from grids.models import Grid

    grid = Grid.objects.get(code=GRID_A)
    form = {"phone": "138-0101 2345", "caller_name": "刘女士", "description": "小区东门垃圾堆放两天无人清运",
            "title": "小区东门垃圾堆放", "category": MICRO_CATEGORY, "urgency": "normal", "address": "学院路某小区东门",
            "lat": grid.centroid_lat, "lng": grid.centroid_lng, "key": "call-1"}
    return client.post("/cases/desk/", {**form, **changes})


def follow_up_from(client, case, note="还是没人来清运，催一下"):
    return client.post(f"/cases/{case.number}/follow-up/", {"phone": "138 0101 2345", "caller_name": "刘女士",
                                                          "description": note})


def test_it_files_a_hotline_call_as_a_case_for_the_community_to_file(cast):
    response = call_in(page_client(cast.call_taker))
    case = Case.objects.get(reporter_phone=CALLER)
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/created/"
    assert (case.source, case.status, case.reporter_name, case.created_by) == (
        Source.HOTLINE, Status.COLLECTED, "刘女士", cast.call_taker)
    assert notified(cast.community_a, case, Notification.Kind.ASSIGNED)  # micro-cycle: the community files it
    # The same submission again (a double click) is the same case.
    assert call_in(page_client(cast.call_taker)).status_code == 302 and Case.objects.count() == 1


def test_a_second_call_about_the_open_case_is_added_to_it(cast):
    desk = page_client(cast.call_taker)
    call_in(desk)
    case = Case.objects.get(reporter_phone=CALLER)
    act(cast.community_a, case, "file")
    act(cast.community_a, case, "dispatch", assignee="worker_a")

    history = desk.get("/cases/desk/", {"phone": "138 0101 2345"}, HTTP_HX_REQUEST="true").content.decode()
    assert case.number in history and "追加来电" in history and "<html" not in history

    response = follow_up_from(desk, case)
    assert response.status_code == 302 and response["Location"] == "/cases/desk/"
    case.refresh_from_db()
    assert Case.objects.count() == 1 and case.follow_up_count == 1
    event = case.events.get(action=FOLLOW_UP)
    assert event.payload == {"caller_name": "刘女士", "phone": CALLER, "note": "还是没人来清运，催一下"}
    assert notified(cast.worker_a, case, Notification.Kind.FOLLOW_UP)  # the assignee owns the step now
    assert not notified(cast.community_a, case, Notification.Kind.FOLLOW_UP)
    trail = page_client(cast.community_a).get(f"/cases/{case.number}/").content.decode()
    assert "call_taker 追加来电：刘女士 再次来电反映此案" in trail and "还是没人来清运，催一下" in trail
    assert verify_trails([case.number])[1] == []

    follow_up_from(desk, case, "第三次来电")
    assert Case.objects.get(pk=case.pk).follow_up_count == 2


def test_a_closed_case_takes_no_more_calls(cast, api_as):
    case = new_case(cast.worker_a, reporter_phone=CALLER, source="hotline")
    act(cast.dispatcher_a, case, "file")
    act(cast.dispatcher_a, case, "dispatch", department=STATION_A)
    act(cast.station_a, case, "accept")
    act(cast.station_a, case, "feedback", result="已拆除")
    act(cast.dispatcher_a, case, "verify")

    response = api_as(cast.call_taker).post(f"/api/v1/cases/{case.number}/follow-ups/",
                                            {"phone": CALLER, "note": "又搭起来了"}, format="json")
    assert response.status_code == 409
    assert follow_up_from(page_client(cast.call_taker), case).status_code == 409
    case.refresh_from_db()
    assert case.follow_up_count == 0 and not case.events.filter(action=FOLLOW_UP).exists()


def test_the_api_records_a_follow_up_and_refuses_bad_fields(cast, api_as):
    case = new_case(cast.worker_a, reporter_phone=CALLER, source="hotline")
    client = api_as(cast.call_taker)
    url = f"/api/v1/cases/{case.number}/follow-ups/"
    assert client.post(url, {"phone": "abc", "note": ""}, format="json").json().keys() >= {"phone", "note"}
    assert client.post(url, {"phone": CALLER, "note": "x" * 2001}, format="json").status_code == 400
    response = client.post(url, {"phone": "138-0101-2345", "caller_name": "刘女士", "note": "催办"}, format="json")
    assert response.status_code == 201 and response.json()["follow_up_count"] == 1
    assert notified(cast.dispatcher_a, case, Notification.Kind.FOLLOW_UP)  # not yet filed: the street owns it
    # The grid worker sees the case but takes no calls; the other street does not see it at all.
    assert api_as(cast.worker_a).post(url, {"phone": CALLER, "note": "催办"}, format="json").status_code == 403
    assert api_as(cast.dispatcher_b).post(url, {"phone": CALLER, "note": "催办"}, format="json").status_code == 404


def test_a_call_taker_reads_the_district_but_takes_no_step(cast, api_as):
    case = new_case(cast.worker_b, grid_code=GRID_B)
    client = api_as(cast.call_taker)
    seen = client.get(f"/api/v1/cases/{case.number}/")
    assert seen.status_code == 200 and seen.json()["actions"] == []
    assert client.post(f"/api/v1/cases/{case.number}/actions/file/", {}, format="json").status_code == 403
    act(cast.dispatcher_b, case, "file")
    refused = client.post(f"/api/v1/cases/{case.number}/actions/dispatch/",
                          {"department": "urban_enforcement-110108012"}, format="json")
    assert refused.status_code == 403
    assert Case.objects.get(pk=case.pk).status == Status.FILED
    # The desk is theirs (and the dispatchers'), not a grid worker's or a department's.
    assert page_client(cast.call_taker).get("/cases/desk/").status_code == 200
    assert page_client(cast.dispatcher_a).get("/cases/desk/").status_code == 200
    assert page_client(cast.worker_a).get("/cases/desk/").status_code == 403
    assert page_client(cast.station_a).get("/cases/desk/").status_code == 403
    assert page_client(cast.call_taker).get("/").url == "/cases/desk/"


def test_a_callers_history_stays_inside_the_readers_scope(cast, api_as):
    in_a = new_case(cast.worker_a, reporter_phone=CALLER, title="A街道的案件")
    in_b = new_case(cast.worker_b, grid_code=GRID_B, reporter_phone=CALLER, title="B街道的案件")
    new_case(cast.worker_a, reporter_phone="13900000000")

    def numbers(user, phone=CALLER):
        response = api_as(user).get("/api/v1/cases/callers/", {"phone": phone})
        assert response.status_code == 200
        return [row["number"] for row in response.json()]

    assert numbers(cast.call_taker, "138 0101-2345") == [in_b.number, in_a.number]  # newest first
    assert numbers(cast.dispatcher_a) == [in_a.number]
    assert numbers(cast.dispatcher_b) == [in_b.number]
    assert numbers(cast.worker_b) == [in_b.number]
    assert numbers(cast.station_a) == []
    with translation.override("zh-hans"):
        row = api_as(cast.dispatcher_a).get("/api/v1/cases/callers/", {"phone": CALLER}).json()[0]
    assert row["status_label"] == "信息采集" and row["open"] is True
    assert api_as(cast.call_taker).get("/api/v1/cases/callers/", {"phone": "12"}).status_code == 400
    # The page's history is the same read.
    page = page_client(cast.dispatcher_b).get("/cases/desk/", {"phone": CALLER}).content.decode()
    assert in_b.number in page and in_a.number not in page


def test_a_category_is_found_by_its_pinyin_initials(cast, api_as):
    client = api_as(cast.call_taker)

    def found(text):
        response = client.get("/api/v1/categories/", {"search": text})
        assert response.status_code == 200
        return [row["code"] for row in response.json()]

    assert found("bllj")[0] == "E0102"  # 暴露垃圾
    assert {"E0102", "E0103", "C0301"} <= set(found("lj"))  # every name with 垃圾
    assert found("ljt")[0] == "C0301"  # 垃圾桶（箱）破损 first, then 道路交通 (dljt)
    assert found("垃圾")[0] == "C0301" and "E0103" in found("垃圾")
    assert found("E0102") == ["E0102"]
    assert found("qqqq") == []


def test_a_place_is_found_by_its_community_name(cast, api_as):
    from grids.models import Grid

    grid = Grid.objects.select_related("community").get(code=GRID_A)
    response = api_as(cast.call_taker).get("/api/v1/grids/", {"level": 3, "search": grid.community.name})
    rows = response.json()["results"]
    assert grid.code in [row["code"] for row in rows]
    assert all(row["code"].startswith(GRID_A[:12]) for row in rows)
    assert {"centroid_lat", "centroid_lng"} <= set(rows[0])


def test_the_desk_shows_why_a_call_was_not_filed(cast):
    response = call_in(page_client(cast.call_taker), lat="", lng="", title="", phone="电话")
    body = response.content.decode()
    assert response.status_code == 400 and not Case.objects.exists()
    assert "请给出位置" in body and "请填写 11 位手机号码或带区号的固定电话。" in body  # core.privacy.validate_phone


@requires_postgres
def test_calls_taken_at_once_are_all_counted(seeded):
    from grids.services import staff_create

    worker = staff_create(username="w", role="grid_worker", password=PASSWORD, grid_code=GRID_A, check_password=False)
    takers = [staff_create(username=f"t{i}", role="call_taker", password=PASSWORD, check_password=False)
              for i in range(6)]
    case = new_case(worker, reporter_phone=CALLER)
    from cases.hotline import case_follow_up

    results = run_together(6, lambda i: case_follow_up(actor=takers[i], number=case.number, phone=CALLER,
                                                      note=f"第{i}次"))
    assert [outcome for outcome, _value in results] == ["ok"] * 6
    assert Case.objects.get(pk=case.pk).follow_up_count == 6
    assert CaseEvent.objects.filter(case=case, action=FOLLOW_UP).count() == 6
    assert verify_trails([case.number])[1] == []


def test_a_number_reported_with_separators_elsewhere_finds_its_caller(cast, api_as):
    """A resident's number typed on the public page or sent by Open311 as "138-0101-2345" or in full-width digits
    is kept as the desk keeps it, so the desk still finds the caller's cases."""
    from tests.cases.conftest import new_case

    case = new_case(cast.worker_a, reporter_phone="１３８ 0101-2345", source="web")
    assert case.reporter_phone == "13801012345"
    found = api_as(cast.call_taker).get("/api/v1/cases/callers/", {"phone": "138 0101 2345"}).json()
    assert case.number in [row["number"] for row in found]
