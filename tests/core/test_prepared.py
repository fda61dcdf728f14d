"""Prepared queries (core/prepared.py): built and compiled once per key, run with new values in their slots, giving
the rows the queryset itself gives."""
import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.prepared import PreparedQuery
from grids.models import Grid
from tests.conftest import GRID_A, GRID_A2, GRID_B, STREET_A

pytestmark = pytest.mark.django_db


def counted(build):
    calls = []

    def counting(key, **slots):
        calls.append(key)
        return build(key, **slots)

    return PreparedQuery(counting), calls


def test_each_key_is_built_once_and_every_run_gives_the_querysets_own_rows():
    grids, builds = counted(lambda _key, *, code, south: Grid.objects.filter(code=code, centroid_lat__gte=south)
                            .select_related("parent").only("code", "parent__name"))
    for code in (GRID_A, GRID_A2, GRID_B):
        grid = Grid.objects.select_related("parent").get(code=code)
        south = grid.centroid_lat - 0.01
        with CaptureQueriesContext(connection) as captured:
            assert [(g.pk, g.code, g.parent.name) for g in grids("unit by code", code=code, south=south)] == [
                (grid.pk, grid.code, grid.parent.name)]
        assert len(captured) == 1  # the parent came with it
        assert grids("unit by code", code=code, south=south + 0.02) == []  # the float reached its place
    assert builds == ["unit by code"]


def test_a_datetime_slot_is_passed_as_the_orm_passes_it():
    User = get_user_model()
    User.objects.create_user("joined_now")
    joined, _builds = counted(lambda _key, *, since: User.objects.filter(date_joined__gte=since).order_by("pk"))
    newest = User.objects.order_by("-date_joined", "-pk").first()
    assert newest in joined("joined since", since=newest.date_joined)
    assert joined("joined since", since=newest.date_joined + dt.timedelta(seconds=1)) == []


def test_an_integer_slot_fits_a_32_bit_key():
    """auth's users have 32-bit ids: a placeholder out of their range would compile to a query that matches nothing."""
    User = get_user_model()
    users, _builds = counted(lambda _key, *, user_id: User.objects.filter(pk=user_id))
    first, second = User.objects.create_user("first_by_id"), User.objects.create_user("second_by_id")
    assert users("by id", user_id=first.pk) == [first] and users("by id", user_id=second.pk) == [second]


def test_keys_of_another_shape_are_built_apart_and_the_oldest_are_let_go():
    grids = PreparedQuery(lambda key, *, code: Grid.objects.filter(code=code) if key == "code"
                          else Grid.objects.filter(parent__code=code), keys=2)
    assert [g.code for g in grids("code", code=STREET_A)] == [STREET_A]
    assert len(grids("children", code=STREET_A)) > 1
    grids("third", code=GRID_B)
    assert set(grids._compiled) == {"children", "third"}


def test_a_slot_the_build_changes_is_a_programming_error():
    grids = PreparedQuery(lambda _key, *, code: Grid.objects.filter(code=code + "1"))
    with pytest.raises(ImproperlyConfigured, match="code"):
        grids("changed", code=GRID_A)


def test_a_queryset_that_can_match_nothing_asks_nothing():
    grids = PreparedQuery(lambda _key, *, code: Grid.objects.filter(code=code).none())
    with CaptureQueriesContext(connection) as captured:
        assert grids("none", code=GRID_A) == [] and grids("none", code=GRID_B) == []
    assert len(captured) == 0


def test_value_rows_are_the_querysets_own_whether_read_from_the_cursor_or_converted():
    """A values_list queryset gives the same tuples either way: straight from the cursor when its columns need no
    conversion (PostgreSQL's text, numbers and timestamps), through Django's converters otherwise (SQLite's)."""
    User = get_user_model()
    User.objects.create_user("valued", email="valued@example.org")
    rows = PreparedQuery(lambda _key, *, name: User.objects.filter(username=name)
                         .values_list("pk", "username", "date_joined", "is_active"))
    expected = list(User.objects.filter(username="valued").values_list("pk", "username", "date_joined", "is_active"))
    assert rows("values", name="valued") == expected
    assert isinstance(expected[0][2], dt.datetime) and expected[0][2].tzinfo is not None
    assert rows("values", name="nobody") == []
    compiled = rows._compiled["values"]
    assert compiled.plain is (connection.vendor == "postgresql")
