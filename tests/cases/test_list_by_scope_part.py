"""The case list reads a page one part of the viewer's scope at a time (their street or grid, department, station,
the joint cases they were summoned to, what they reported) and unites the parts: every viewer still gets exactly the
rows and the cursor pages of the plain scoped query."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from tests.cases.test_joint_handling import MORNING, summon
from tests.conftest import GRID_B, SECTION_A, kept

from .conftest import STATION_A, act, new_case

pytestmark = pytest.mark.django_db

VIEWERS = ["worker_a", "community_a", "dispatcher_a", "dispatcher_b", "station_a", "section_a", "bureau", "commander"]


@pytest.fixture
def cases(cast):
    """Cases of every kind a viewer's scope has a part for, interleaved so that the parts' ids alternate: made through
    the services once, their rows put back for the later tests."""
    return kept("cases in every part of a scope", lambda: make_cases(cast))


def make_cases(cast) -> int:
    for index in range(3):
        new_case(cast.worker_a, now=MORNING)
        new_case(cast.worker_b, grid_code=GRID_B, now=MORNING)
        new_case(cast.worker_a, grid_code=GRID_B, now=MORNING)  # seen by worker_a as its reporter only
        for unit in (STATION_A, SECTION_A):
            case = new_case(cast.worker_a, now=MORNING)
            act(cast.dispatcher_a, case, "file", now=MORNING)
            act(cast.dispatcher_a, case, "dispatch", department=unit, now=MORNING)
        joint = new_case(cast.worker_a, now=MORNING)
        act(cast.dispatcher_a, joint, "file", now=MORNING)
        summon(cast, joint, lead=STATION_A if index % 2 else SECTION_A, co=(STATION_A if index % 2 == 0 else
                                                                           SECTION_A,))
        if index == 2:
            act(cast.dispatcher_a, new_case(cast.worker_a, now=MORNING), "file", now=MORNING)
    return Case.objects.count()


def plain_numbers(user, **filters) -> list[str]:
    return list(Case.objects.visible_to(user).filter(**filters).order_by("-id").values_list("number", flat=True))


def paged(client, **params) -> tuple[list[list[str]], list[dict]]:
    """Every page of the list, following the next links; and the responses' bodies."""
    pages, bodies, url = [], [], "/api/v1/cases/"
    while url:
        body = client.get(url, {"page_size": 2, **params} if url == "/api/v1/cases/" else None).json()
        bodies.append(body)
        pages.append([row["number"] for row in body["results"]])
        url = body["next"]
    return pages, bodies


def test_scopes_of_handlers_and_grid_staff_have_several_parts(cast, cases):
    for name in ("worker_a", "community_a", "station_a", "section_a", "bureau"):
        assert len(Case.objects.visible_to(getattr(cast, name))._scope_parts) > 1, name
    for name in ("dispatcher_a", "commander"):
        assert Case.objects.visible_to(getattr(cast, name))._scope_parts == (), name


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("filters", [{}, {"status": "dispatched"}])
def test_every_viewer_pages_through_exactly_the_rows_of_the_plain_query(api_as, cast, cases, viewer, filters):
    user = getattr(cast, viewer)
    expected = plain_numbers(user, **filters)
    assert expected or viewer == "dispatcher_b" and filters
    pages, _bodies = paged(api_as(user), **filters)
    assert [number for page in pages for number in page] == expected
    assert all(len(page) == 2 for page in pages[:-1])


@pytest.mark.parametrize("viewer", ["station_a", "worker_a"])
def test_the_previous_links_walk_the_same_pages_back(api_as, cast, cases, viewer):
    client = api_as(cast.__dict__[viewer])
    pages, bodies = paged(client)
    assert len(pages) > 2
    back, url = [], bodies[-1]["previous"]
    while url:
        body = client.get(url).json()
        back.append([row["number"] for row in body["results"]])
        url = body["previous"]
    assert back == pages[-2::-1]


@pytest.mark.postgres  # the part-by-part read is PostgreSQL's (SQLite reads the plain slice)
def test_a_handlers_page_is_read_part_by_part(api_as, cast, cases):
    with CaptureQueriesContext(connection) as captured:
        api_as(cast.station_a).get("/api/v1/cases/", {"page_size": 2, "status": "dispatched"})
    union = next(query["sql"] for query in captured.captured_queries
                 if " UNION " in query["sql"] and '"cases_case"' in query["sql"])
    # Each branch ANDs its own part with the filters, not the whole scope's OR: the reporter's clause is its branch's.
    assert union.count('"reporter_id" = ') == 1
    assert union.count("\"status\" = 'dispatched'") == union.count(" UNION ") + 1  # and the filter in each


@pytest.mark.postgres
@pytest.mark.parametrize("viewer,index", [("dispatcher_a", "case_street_lit_idx"),
                                          ("station_a", "case_station_lit_idx"),
                                          ("bureau", "case_department_lit_idx")])
def test_an_inbox_filtered_to_its_red_cases_reads_its_units_lit_index(api_as, cast, cases, viewer, index):
    """At 1 M cases a station's red list without an index of its own ANDed the station's cases with the district's
    60,000 red ones (16 ms in SQL): a street's, a station's and a department's part are each read along theirs."""
    with CaptureQueriesContext(connection) as captured:
        assert api_as(getattr(cast, viewer)).get("/api/v1/cases/", {"overdue": "red"}).status_code == 200
    part = next(query["sql"] for query in captured.captured_queries
                if 'FROM "cases_case"' in query["sql"] and '"light" IN' in query["sql"])
    with connection.cursor() as cursor:
        # the test database's few rows would be read whole, or through a bitmap of any index
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + part)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Index Scan using {index} " in plan, plan


@pytest.mark.parametrize("order", ["-id", "id", "pk", "-pk"])
def test_slices_of_the_queryset_are_those_of_the_plain_query(cast, cases, order):
    for viewer in ("station_a", "bureau", "worker_a"):
        scoped = Case.objects.visible_to(getattr(cast, viewer)).order_by(order)
        for low, high in ((0, 1), (0, 3), (2, 5), (4, 40)):
            assert list(scoped.by_scope_part()[low:high]) == list(scoped[low:high]), (viewer, low, high)


def test_other_orderings_and_unsliced_lists_are_read_as_they_are(cast, cases):
    scoped = Case.objects.visible_to(cast.station_a)
    assert list(scoped.by_scope_part().order_by("created_at", "id")[:3]) == list(scoped.order_by("created_at",
                                                                                                   "id")[:3])
    assert list(scoped.by_scope_part()) == list(scoped)
