"""Duplicate suggestions at intake: the same category, near and recent, open, in the reader's scope; never a block,
and a dispatcher merges in one step."""
import datetime as dt

import pytest
from django.urls import reverse

from cases.duplicates import METRES_PER_DEGREE
from cases.models import Case
from grids.models import Grid
from tests.conftest import GRID_A, GRID_B

from .conftest import MICRO_CATEGORY, SMALL_CATEGORY, act, new_case

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
