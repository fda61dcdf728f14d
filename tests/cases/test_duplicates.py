"""Duplicate suggestions at intake: the same category, near and recent, open, in the reader's scope; never a block,
and a dispatcher merges in one step."""
import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import strip_tags

from cases.duplicates import METRES_PER_DEGREE, possible_duplicates
from cases.models import Case, Category
from grids.models import Grid
from tests.conftest import GRID_A, GRID_B

from .conftest import MICRO_CATEGORY, SMALL_CATEGORY, STATION_A, act, new_case, trail

pytestmark = pytest.mark.django_db
CASES = "/api/v1/cases/"


def report(api, category=SMALL_CATEGORY, north_m=0.0, grid=GRID_A, **extra):
    centre = Grid.objects.get(code=grid)
    body = {"title": "占道经营", "description": "路口有摊贩", "category": category, "source": "grid_patrol",
            "lat": centre.centroid_lat + north_m / METRES_PER_DEGREE, "lng": centre.centroid_lng, "address": "路口",
            **extra}
    response = api.post(CASES, body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def suggested(payload) -> list[str]:
    return [d["number"] for d in payload["possible_duplicates"]]


def test_a_second_report_nearby_is_told_of_the_first_and_the_dispatcher_merges_it(api_as, cast):
    api = api_as(cast.worker_a)
    first = report(api)
    assert suggested(first) == []
    second = report(api, north_m=40)
    assert suggested(second) == [first["number"]]
    nearest = second["possible_duplicates"][0]
    assert 35 <= nearest["distance_m"] <= 45 and nearest["grid_name"]
    # Filing is never blocked: the second case exists, and the dispatcher merges it in one step.
    dispatcher = api_as(cast.dispatcher_a)
    merged = dispatcher.post(f"{CASES}{second['number']}/actions/merge/", {"into": first["number"]}, format="json")
    assert merged.status_code == 200, merged.content
    assert Case.objects.get(number=second["number"]).merged_into.number == first["number"]


def test_a_bulk_filer_gets_a_receipt_and_the_dispatcher_still_sees_the_duplicates(api_as, cast):
    api = api_as(cast.worker_a)
    first = report(api)
    centre = Grid.objects.get(code=GRID_A)
    body = {"title": "占道经营", "description": "路口有摊贩", "category": SMALL_CATEGORY, "source": "grid_patrol",
            "lat": centre.centroid_lat + 40 / METRES_PER_DEGREE, "lng": centre.centroid_lng, "address": "路口"}
    minimal = {"HTTP_PREFER": "return=minimal", "HTTP_IDEMPOTENCY_KEY": "bulk-1"}
    receipt = api.post(CASES, body, format="json", **minimal)
    assert receipt.status_code == 201 and receipt.headers["Preference-Applied"] == "return=minimal"
    case = Case.objects.get(number=receipt.json()["number"])
    answer = receipt.json()
    assert dt.datetime.fromisoformat(answer.pop("due_at")) == case.due_at
    assert answer == {"number": case.number, "status": "collected", "tier": case.tier}
    assert [action for action, *_ in trail(case)] == ["create"]
    again = api.post(CASES, body, format="json", **minimal)  # a retry: the same case, still a receipt
    assert again.status_code == 200 and again.json()["number"] == case.number
    on_the_case = api_as(cast.dispatcher_a).get(f"{CASES}duplicates/", {"case": case.number})
    assert [d["number"] for d in on_the_case.json()] == [first["number"]]
    full = api.post(CASES, body, format="json", HTTP_PREFER="return=representation")
    assert "Preference-Applied" not in full.headers and set(suggested(full.json())) == {first["number"], case.number}
    # Both answers vary with the header, so that no cache between serves one for the other.
    for answer in (receipt, full):
        assert "Prefer" in [name.strip() for name in answer.headers["Vary"].split(",")]


def test_what_is_not_a_duplicate_is_not_suggested(api_as, cast):
    api = api_as(cast.worker_a)
    far = report(api, north_m=300)["number"]
    other_kind = report(api, category=MICRO_CATEGORY)["number"]
    old = new_case(cast.worker_a, now=dt.datetime.now(dt.UTC) - dt.timedelta(days=8)).number
    closed = new_case(cast.worker_a)
    act(cast.dispatcher_a, closed, "reject", reason="不属实")
    payload = report(api, north_m=10)
    assert not {far, other_kind, old, closed.number} & set(suggested(payload))


def test_suggestions_stay_in_the_readers_scope(api_as, cast):
    theirs = report(api_as(cast.worker_b), grid=GRID_B)
    centre = Grid.objects.get(code=GRID_B)
    query = {"category": SMALL_CATEGORY, "lat": centre.centroid_lat, "lng": centre.centroid_lng}
    assert api_as(cast.worker_a).get(f"{CASES}duplicates/", query).json() == []
    assert [d["number"] for d in api_as(cast.commander).get(f"{CASES}duplicates/", query).json()] == [theirs["number"]]


@pytest.mark.parametrize("query", [{}, {"category": "E0102", "lat": "north", "lng": "116.3"},
                                   {"category": "NOPE", "lat": "39.9", "lng": "116.3"},
                                   {"category": "E01", "lat": "39.9", "lng": "116.3"},
                                   {"category": "E0102", "lat": "91", "lng": "116.3"}])
def test_a_bad_question_gets_400_naming_the_field(api_as, cast, query):
    response = api_as(cast.worker_a).get(f"{CASES}duplicates/", query)
    assert response.status_code == 400
    assert set(response.json()) <= {"category", "lat", "lng"} and response.json()


def test_the_phone_page_after_reporting_names_the_possible_duplicates(client, cast):
    first, second = new_case(cast.worker_a), new_case(cast.worker_a)
    client.force_login(cast.worker_a)
    page = client.get(reverse("cases:created", args=[second.number])).content.decode()
    assert "可能是同一问题" in page and first.number in page and "相距 0 米" in page
    alone = new_case(cast.worker_a, category=MICRO_CATEGORY)
    assert "可能是同一问题" not in client.get(reverse("cases:created", args=[alone.number])).content.decode()


def merge_forms(page: str) -> list[str]:
    """The numbers the case page offers to merge this case into, one confirmed form each."""
    return re.findall(r'<input type="hidden" name="merge-into" value="([^"]+)">', page)


def test_the_dispatcher_merges_a_suggested_duplicate_from_the_case_page_and_both_trails_say_so(client, cast):
    first, second = new_case(cast.worker_a, title="东门垃圾"), new_case(cast.worker_a, title="东门又有垃圾")
    other_kind = new_case(cast.worker_a, category=MICRO_CATEGORY)
    client.force_login(cast.dispatcher_a)
    page = client.get(reverse("cases:detail", args=[second.number])).content.decode()
    assert merge_forms(page) == [first.number]  # never itself, never another kind of problem
    assert "合并到此案件" in page and "确认合并" in page and other_kind.number not in page

    response = client.post(reverse("cases:act", args=[second.number, "merge"]),
                           {"merge-into": first.number, "merge-version": second.version})
    assert response.status_code == 302
    merged = Case.objects.get(pk=second.pk)
    assert (merged.status, merged.merged_into_id) == ("rejected", first.pk)
    assert trail(merged) == [("create", "", "collected", "small"), ("merge", "collected", "rejected", "small")]
    assert trail(first) == [("create", "", "collected", "small"), ("absorb", "collected", "collected", "small")]
    assert Case.objects.get(pk=first.pk).events.order_by("seq").last().payload == {"merged": second.number}

    # The merged case shows where it went; the case it went into names it in its timeline.
    page = client.get(reverse("cases:detail", args=[second.number])).content.decode()
    assert "已合并至" in page and f'href="/cases/{first.number}/"' in page and not merge_forms(page)
    assert f"合并至 {first.number}" in strip_tags(page)
    target = client.get(reverse("cases:detail", args=[first.number])).content.decode()
    assert "合并至本案" in target and second.number in target
    assert not merge_forms(target)  # the merged case is no longer open: nothing left to merge with


def test_only_who_may_merge_is_offered_the_merge_and_only_before_dispatch(client, cast):
    first, second = new_case(cast.worker_a), new_case(cast.worker_a)
    client.force_login(cast.worker_a)  # the reporter sees the case, but merging is the dispatcher's
    assert not merge_forms(client.get(reverse("cases:detail", args=[second.number])).content.decode())
    act(cast.dispatcher_a, second, "file")
    act(cast.dispatcher_a, second, "dispatch", department=STATION_A)
    client.force_login(cast.dispatcher_a)
    assert not merge_forms(client.get(reverse("cases:detail", args=[second.number])).content.decode())
    # The one still waiting to be filed may go into the one already dispatched.
    assert merge_forms(client.get(reverse("cases:detail", args=[first.number])).content.decode()) == [second.number]


def test_the_api_tells_of_a_cases_duplicates_and_whether_it_may_be_merged_into_them(api_as, cast):
    first, second = new_case(cast.worker_a), new_case(cast.worker_a)
    dispatcher = api_as(cast.dispatcher_a)
    found = dispatcher.get(f"{CASES}duplicates/", {"case": second.number}).json()
    assert [(d["number"], d["may_merge_into"]) for d in found] == [(first.number, True)]
    assert [(d["number"], d["may_merge_into"]) for d in api_as(cast.worker_a).get(
        f"{CASES}duplicates/", {"case": second.number}).json()] == [(first.number, False)]
    assert api_as(cast.dispatcher_b).get(f"{CASES}duplicates/", {"case": second.number}).status_code == 404
    dispatcher = api_as(cast.dispatcher_a)  # (one client, logged in as each in turn)
    merged = dispatcher.post(f"{CASES}{second.number}/actions/merge/", {"into": found[0]["number"]}, format="json")
    assert merged.status_code == 200 and merged.json()["merged_into"] == first.number
    assert dispatcher.get(f"{CASES}duplicates/", {"case": first.number}).json() == []
    events = dispatcher.get(f"{CASES}{first.number}/events/").json()
    assert events[-1]["action"] == "absorb" and events[-1]["payload"] == {"merged": second.number}


def test_the_report_answer_says_whether_its_reporter_may_merge_it(api_as, cast):
    first = report(api_as(cast.worker_a))
    by_worker = report(api_as(cast.worker_a), north_m=20)
    assert [(d["number"], d["may_merge_into"]) for d in by_worker["possible_duplicates"]] == [(first["number"], False)]
    by_dispatcher = report(api_as(cast.dispatcher_a), north_m=30)  # filed at once by the street's own dispatcher
    assert by_dispatcher["status"] == "filed"
    assert {(d["number"], d["may_merge_into"]) for d in by_dispatcher["possible_duplicates"]} == {
        (first["number"], True), (by_worker["number"], True)}


def test_a_grant_widens_the_suggestions_at_once(api_as, cast):
    """The prepared suggestion query holds the reader's scope: a grant (a new access generation) must reach it."""
    from grids.services import resolve_scope, scope_grant

    theirs = report(api_as(cast.worker_b), grid=GRID_B)
    centre = Grid.objects.get(code=GRID_B)
    query = {"category": SMALL_CATEGORY, "lat": centre.centroid_lat, "lng": centre.centroid_lng}
    assert api_as(cast.worker_a).get(f"{CASES}duplicates/", query).json() == []
    scope_grant(user=cast.worker_a, scope=resolve_scope(role="grid_worker", grid_code=GRID_B))
    signed_in_again = type(cast.worker_a).objects.get(pk=cast.worker_a.pk)  # as the next request loads them
    assert [d["number"] for d in api_as(signed_in_again).get(f"{CASES}duplicates/", query).json()] == [
        theirs["number"]]


@pytest.mark.postgres
def test_the_look_up_reads_the_points_latitude_band_not_the_categorys_week(cast):
    """At district scale a busy category has thousands of open reports in the week and a few near any one point: the
    suggestions' index must bound its scan by the box's latitude, not only by the category and the week."""
    centre = Grid.objects.get(code=GRID_A)
    with CaptureQueriesContext(connection) as queries:
        possible_duplicates(cast.dispatcher_a, category_id=Category.objects.get(code=SMALL_CATEGORY).pk,
                            lat=centre.centroid_lat, lng=centre.centroid_lng)
    (look_up,) = [q["sql"] for q in queries.captured_queries if 'FROM "cases_case"' in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the test database's few rows would be read whole
        cursor.execute("EXPLAIN " + look_up)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "case_open_category_box_idx" in plan, plan
    index_condition = next(line for line in plan.splitlines() if "Index Cond" in line)
    assert "lat >=" in index_condition and "category_id =" in index_condition, plan
