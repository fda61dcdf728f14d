"""The command centre: every street ranked, counts that add up to one another, labelled map
tooltips, and Beijing time whatever the browser's time zone (a fixed clock where "today" matters)."""
import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.dashboard import SNAPSHOT_SECONDS
from cases.models import DashboardSnapshot
from cases.tasks import refresh_dashboard
from cases.workflow import OPEN
from grids.models import Grid

from .conftest import MICRO_CATEGORY, STATION_A, act, new_case

pytestmark = pytest.mark.django_db
BEIJING = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def clock(monkeypatch):
    """Freeze ``timezone.now`` at a given Beijing wall time."""
    def set_to(*beijing):
        moment = dt.datetime(*beijing, tzinfo=BEIJING)
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return set_to


def close(cast, case, now=None):
    act(cast.dispatcher_a, case, "file", now=now)
    act(cast.dispatcher_a, case, "dispatch", department=STATION_A, now=now)
    act(cast.station_a, case, "accept", now=now)
    act(cast.station_a, case, "feedback", result="已处理", now=now)
    act(cast.dispatcher_a, case, "verify", now=now)


def test_every_street_is_ranked_zeros_included(client, cast):
    close(cast, new_case(cast.worker_a))
    new_case(cast.worker_b, grid_code="110108012001001")
    client.force_login(cast.commander)
    ranking = client.get(reverse("cases:dashboard-data")).json()["ranking"]
    streets = set(Grid.objects.filter(level=Grid.Level.STREET).values_list("code", flat=True))
    assert len(streets) == 29 and len(ranking) == 29 and {row["code"] for row in ranking} == streets
    assert ranking[0]["name"] == "学院路街道"  # the only street that closed a case leads
    assert [row["open"] for row in ranking].count(0) == 28
    page = client.get(reverse("cases:dashboard")).content.decode()
    rows = page[page.index('id="ranking-rows"'):]
    assert rows[:rows.index("</tbody>")].count("<tr>") == 29
    # A street's own dashboard ranks just that street.
    client.force_login(cast.dispatcher_a)
    assert [row["name"] for row in client.get(reverse("cases:dashboard-data")).json()["ranking"]] == ["学院路街道"]


def test_the_counts_add_up_and_say_what_they_count(client, cast):
    for _ in range(2):
        close(cast, new_case(cast.worker_a))
    new_case(cast.worker_a)
    new_case(cast.worker_a, MICRO_CATEGORY)
    dispatched = new_case(cast.worker_a)
    act(cast.dispatcher_a, dispatched, "file")
    act(cast.dispatcher_a, dispatched, "dispatch", department=STATION_A)
    new_case(cast.worker_b, grid_code="110108012001001")
    client.force_login(cast.commander)
    data = client.get(reverse("cases:dashboard-data")).json()
    assert set(data["by_status"]) == set(OPEN)  # by step: open cases only, no "closed 0" beside "closed today 2"
    assert data["open"] == 4 == sum(data["by_status"].values()) == sum(data["by_tier"].values())
    assert data["open"] == sum(data["lights"].values()) == sum(row["open"] for row in data["ranking"])
    assert data["closed_today"] == data["closed_30d"] == sum(row["closed_30d"] for row in data["ranking"]) == 2
    assert data["opened_today"] == 6
    page = client.get(reverse("cases:dashboard")).content.decode()
    assert "在办案件（按环节）" in page and "今天核查结案的案件，含其后已评价的" in page
    assert 'data-figure="by_status.total">4<' in page


def test_today_and_the_clock_are_beijing_time(client, cast, clock):
    # 23:50 on 1 December and 00:10 on 2 December in Beijing (both still 1 December in UTC).
    new_case(cast.worker_a, now=dt.datetime(2026, 12, 1, 23, 50, tzinfo=BEIJING))
    new_case(cast.worker_a, now=dt.datetime(2026, 12, 2, 0, 10, tzinfo=BEIJING))
    clock(2026, 12, 2, 0, 30, 5)
    client.force_login(cast.commander)
    data = client.get(reverse("cases:dashboard-data")).json()
    assert data["opened_today"] == 1
    assert data["refreshed_at"] == "00:30:05" and data["trend"]["days"][-1] == "2026-12-02"
    page = client.get(reverse("cases:dashboard")).content.decode()
    assert '北京时间 <time id="refreshed">00:30:05</time>' in page


def test_map_tooltips_are_labelled(client, cast):
    client.force_login(cast.commander)
    page = client.get(reverse("cases:dashboard")).content.decode()
    assert 'data-i-grid-tip="{name}：未结 {open} / 超期 {red}"' in page


def test_a_cold_cache_reads_the_stored_snapshot_until_beat_refreshes_it_or_it_grows_stale(client, cast):
    """After a Redis restart the command centre shows the figures beat last computed, not a blank or a slow scan;
    once beat has been away longer than ``SNAPSHOT_SECONDS`` the first screen computes them afresh."""
    url = reverse("cases:dashboard-data")
    new_case(cast.worker_a)
    refresh_dashboard()  # the beat task
    new_case(cast.worker_a)
    cache.clear()
    client.force_login(cast.commander)
    assert client.get(url).json()["open"] == 1  # the stored snapshot
    assert client.get(url).json()["opened_today"] == 2  # today's counts stay live
    refresh_dashboard()
    cache.clear()
    assert client.get(url).json()["open"] == 2
    new_case(cast.worker_a)
    DashboardSnapshot.objects.update(computed_at=timezone.now() - dt.timedelta(seconds=SNAPSHOT_SECONDS + 1))
    cache.clear()
    assert client.get(url).json()["open"] == 3
    assert list(DashboardSnapshot.objects.values_list("day", flat=True)) == [timezone.localdate()]


@pytest.mark.parametrize("url_name", ["cases:dashboard", "cases:dashboard-data"])
@pytest.mark.parametrize("stored", [False, True])
def test_a_dashboard_get_with_a_cold_cache_writes_nothing(client, cast, url_name, stored):
    """Only beat stores the snapshot: a page computes what it lacks in memory and keeps it in the cache alone."""
    new_case(cast.worker_a)
    if stored:
        refresh_dashboard()
        DashboardSnapshot.objects.update(computed_at=timezone.now() - dt.timedelta(seconds=SNAPSHOT_SECONDS + 1))
    before = list(DashboardSnapshot.objects.values_list("day", "computed_at", "figures"))
    client.force_login(cast.commander)
    client.get(reverse(url_name))  # the login's first request saves its session
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse(url_name)).status_code == 200
    writes = [query["sql"] for query in captured.captured_queries
              if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []
    assert list(DashboardSnapshot.objects.values_list("day", "computed_at", "figures")) == before
