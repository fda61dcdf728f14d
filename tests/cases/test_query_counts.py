"""No page or list endpoint issues a query per row: the count stays flat as the data grows."""
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Notification
from grids.models import Grid

from .conftest import GRID_A, MICRO_CATEGORY, STATION_A, act, new_case

pytestmark = pytest.mark.django_db


def queries(client, url, **params):
    cache.clear()  # the dashboard keeps its open-case table for a few seconds: count the full work
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
        assert response.status_code == 200
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    return len(captured)


def make_cases(cast, count):
    for index in range(count):
        case = new_case(cast.worker_a, MICRO_CATEGORY if index % 3 == 0 else "E0101")
        if index % 2 == 0 and case.tier == "small":
            act(cast.dispatcher_a, case, "file")
            act(cast.dispatcher_a, case, "dispatch", department=STATION_A)


@pytest.mark.parametrize("url_name,params", [
    ("cases:inbox", {"view": "all"}), ("cases:inbox", {"view": "mine"}), ("cases:dashboard", {}),
    ("cases:dashboard-data", {}),
])
def test_pages_do_not_grow_queries_with_rows(client, cast, url_name, params):
    client.force_login(cast.dispatcher_a)
    url = reverse(url_name)
    make_cases(cast, 4)
    queries(client, url, **params)  # the first request of a login also checks its second factor and saves the session
    few = queries(client, url, **params)
    make_cases(cast, 40)
    assert queries(client, url, **params) == few


def test_case_detail_queries_do_not_grow_with_its_trail(client, cast):
    client.force_login(cast.dispatcher_a)
    case = new_case(cast.worker_a)
    act(cast.dispatcher_a, case, "file")
    queries(client, reverse("cases:detail", args=[case.number]))  # the login's first request saves its session
    few = queries(client, reverse("cases:detail", args=[case.number]))
    for index in range(15):
        act(cast.dispatcher_a, case, "comment", comment=f"第{index}条")
    assert queries(client, reverse("cases:detail", args=[case.number])) == few


def test_api_list_does_not_grow_queries_with_rows(api_as, cast):
    client = api_as(cast.commander)
    make_cases(cast, 4)
    client.get("/api/v1/cases/")  # the first request also loads the user's permissions and scope
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/cases/")
    make_cases(cast, 40)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/cases/").json()["results"]) == 44
    assert len(many) == len(few)


def test_joint_cases_add_no_query_per_row(client, api_as, cast):
    """A summoned unit's list asks who acts for which unit of every joint row: one query a page, not one a row."""
    from tests.cases.test_joint_handling import MORNING, summon
    from tests.conftest import SECTION_A

    client.force_login(cast.station_a)
    api = api_as(cast.station_a)
    make_cases(cast, 4)
    queries(client, reverse("cases:inbox"), view="all")
    page = queries(client, reverse("cases:inbox"), view="all")
    with CaptureQueriesContext(connection) as listed:
        api.get("/api/v1/cases/")
    for _ in range(5):
        case = new_case(cast.worker_a, now=MORNING)
        act(cast.dispatcher_a, case, "file", now=MORNING)
        summon(cast, case, co=(SECTION_A,))
    assert queries(client, reverse("cases:inbox"), view="all") == page
    with CaptureQueriesContext(connection) as again:
        api.get("/api/v1/cases/")
    assert len(again) == len(listed)


def test_intake_is_one_write_among_a_few_queries(api_as, cast):
    """Reporting a case: its serial and key, then one write (the case, its event and their notifications in one
    statement), then the duplicate suggestions. No look-up of the idempotency key or of the follow-up code
    beforehand. Here inside the test's transaction, so the write is in a savepoint."""
    client = api_as(cast.worker_a)
    grid = Grid.objects.get(code=GRID_A)
    body = {"title": "计数", "description": "计数", "category": "E0101", "lat": grid.centroid_lat,
            "lng": grid.centroid_lng, "address": "测试地址", "source": "grid_patrol"}
    assert client.post("/api/v1/cases/", body, HTTP_IDEMPOTENCY_KEY="warm").status_code == 201
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/api/v1/cases/", body, HTTP_IDEMPOTENCY_KEY="counted")
    assert response.status_code == 201 and response.json()["number"]
    statements = [query["sql"] for query in captured]
    assert sum(sql.startswith("SAVEPOINT") for sql in statements) == 1, statements  # the test's own transaction
    writes = [sql for sql in statements if sql.startswith(("INSERT", "WITH", "UPDATE"))]
    if connection.vendor == "postgresql":  # besides the write: the serial, the savepoint's two, the suggestions
        assert len(writes) == 1 and len(statements) <= 5, statements
    else:  # the serial a counter row's upsert, each table its own insert
        assert len(writes) == 4 and len(statements) <= 9, statements
    assert Notification.objects.filter(subject=response.json()["number"]).exists()


def test_a_signed_in_request_reads_its_person_and_their_profile_in_one_query(client, cast):
    """Every page shows who is signed in and checks their role: the session's user comes with the staff profile."""
    client.force_login(cast.dispatcher_a)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 302  # to the person's landing page
    people = [query["sql"] for query in captured if 'FROM "auth_user"' in query["sql"]]
    profiles = [query["sql"] for query in captured if '"grids_staffprofile"' in query["sql"]]
    assert len(people) == 1 and profiles == people


def test_a_retried_report_is_answered_without_a_query_per_relation(api_as, cast):
    """A retry with the same Idempotency-Key (a phone on a bad network) gets the case it made, read once with what
    it is shown with (grid, street, category from the process's copies), not looked up relation by relation."""
    client = api_as(cast.worker_a)
    grid = Grid.objects.get(code=GRID_A)
    body = {"title": "重试", "description": "重试", "category": "E0101", "lat": grid.centroid_lat,
            "lng": grid.centroid_lng, "address": "测试地址", "source": "grid_patrol"}
    first = client.post("/api/v1/cases/", body, HTTP_IDEMPOTENCY_KEY="retried")
    with CaptureQueriesContext(connection) as captured:
        again = client.post("/api/v1/cases/", body, HTTP_IDEMPOTENCY_KEY="retried")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["number"] == first.json()["number"]
    assert (again.json()["grid_name"], again.json()["category_name"]) == (grid.name, first.json()["category_name"])
    statements = [query["sql"] for query in captured]
    by_relation = [sql for sql in statements if '"grids_grid"."id" = ' in sql or '"cases_category"."id" = ' in sql]
    assert by_relation == [], by_relation
