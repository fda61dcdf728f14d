"""The command-centre dashboard at district scale: the full page and its refresh data, in-process."""
import time

from .common import summary


def _forget_all() -> None:
    """No cached aggregates and no stored snapshot: the first screen after beat was down for a while."""
    from django.core.cache import cache

    from cases.models import DashboardSnapshot

    cache.clear()
    DashboardSnapshot.objects.all().delete()


def _stored_by_beat() -> None:
    """A cold cache with the snapshot beat stored a moment ago (a page never stores it)."""
    from cases.dashboard import district_aggregates_refresh

    district_aggregates_refresh()


def run_dashboard(*, repeats: int) -> list[str]:
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.test import Client

    from grids.demo import XUEYUANLU
    from grids.services import staff_create

    User = get_user_model()
    lines = []
    viewers = [("district commander", "bench-commander", "district_commander", ""),
               ("street dispatcher (学院路)", "bench-dispatcher", "street_dispatcher", XUEYUANLU)]
    for label, username, role, grid in viewers:
        user = User.objects.filter(username=username).first() or staff_create(
            username=username, role=role, password=None, grid_code=grid)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        for what, url in (("page", "/cases/dashboard/"), ("refresh data", "/cases/dashboard/data.json")):
            client.get(url)  # warm
            for state, before, forget in (("computed", None, _forget_all),
                                          ("cold cache, stored snapshot", _stored_by_beat, cache.clear),
                                          ("shared", None, None)):
                if before:
                    before()
                times = []
                for _ in range(repeats):
                    if forget:
                        forget()
                    started = time.perf_counter()
                    response = client.get(url)
                    times.append(time.perf_counter() - started)
                    assert response.status_code == 200, response.status_code
                lines.append(summary(f"  dashboard {what} ({state}), {label}", times))
    return lines
