""""Waiting on me" is one notion: the cases on which an action of the current step is the user's
now. The count, the "Waiting on me" view, "My tasks" and the labelled actions of the inbox rows all
agree, for every role, over cases in every state."""
import datetime as dt
import re

import pytest
from django.urls import reverse

from cases import inbox
from cases.models import Case
from tests.conftest import kept

from .conftest import LARGE_CATEGORY, MICRO_CATEGORY, STATION_A, act, new_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases_in_every_state(cast):
    """Made through the services once, their rows put back for the later tests."""
    return kept("cases in every state", lambda: make_cases_in_every_state(cast))


def make_cases_in_every_state(cast) -> dict[str, Case]:
    made = {"small collected": new_case(cast.worker_a), "micro collected": new_case(cast.worker_a, MICRO_CATEGORY),
            "large collected": new_case(cast.commander, LARGE_CATEGORY),
            "other street": new_case(cast.worker_b, grid_code="110108012001001")}
    dispatched = made["dispatched to station"] = new_case(cast.worker_a)
    act(cast.dispatcher_a, dispatched, "file")
    act(cast.dispatcher_a, dispatched, "dispatch", department=STATION_A)
    assigned = made["micro with the worker"] = new_case(cast.community_a, MICRO_CATEGORY)
    act(cast.community_a, assigned, "dispatch", assignee="worker_a")
    pending = made["extension pending"] = new_case(cast.worker_a)
    act(cast.dispatcher_a, pending, "file")
    act(cast.dispatcher_a, pending, "dispatch", department=STATION_A)
    act(cast.station_a, pending, "accept")
    pending.refresh_from_db()
    act(cast.station_a, pending, "request_extension", until=(pending.due_at + dt.timedelta(days=5)).isoformat(),
        reason="等材料")
    closed = made["closed"] = new_case(cast.worker_a)
    act(cast.dispatcher_a, closed, "file")
    act(cast.dispatcher_a, closed, "dispatch", department=STATION_A)
    act(cast.station_a, closed, "accept")
    act(cast.station_a, closed, "feedback", result="已处理")
    act(cast.dispatcher_a, closed, "verify")
    rejected = made["rejected"] = new_case(cast.worker_a)
    act(cast.dispatcher_a, rejected, "reject", reason="重复")
    return {name: Case.objects.get(pk=case.pk) for name, case in made.items()}


PEOPLE = ["worker_a", "worker_b", "community_a", "dispatcher_a", "dispatcher_b", "station_a", "bureau", "commander",
          "evaluator", "auditor"]


@pytest.mark.parametrize("who", PEOPLE)
def test_waiting_on_is_exactly_the_cases_whose_step_offers_the_user_an_action(cast, cases_in_every_state, who):
    user = getattr(cast, who)
    offered = {case.number for case in Case.objects.visible_to(user) if inbox.step_actions(user, case)}
    assert set(inbox.waiting_on(user).values_list("number", flat=True)) == offered


def test_each_role_waits_on_its_own_step(cast, cases_in_every_state):
    def waiting(user):
        numbers = set(inbox.waiting_on(user).values_list("number", flat=True))
        return {name for name, case in cases_in_every_state.items() if case.number in numbers}

    assert waiting(cast.worker_a) == {"micro collected", "micro with the worker", "closed"}  # on the spot; rate
    assert waiting(cast.community_a) == {"micro collected"}
    assert waiting(cast.dispatcher_a) == {"small collected", "extension pending", "closed"}
    assert waiting(cast.station_a) == {"dispatched to station", "extension pending"}
    assert waiting(cast.commander) == {"large collected"}
    assert waiting(cast.auditor) == set()


def test_the_count_agrees_with_the_rows_that_offer_actions(client, cast, cases_in_every_state):
    client.force_login(cast.worker_a)
    page = client.get(reverse("cases:inbox"), {"view": "all"}).content.decode()
    count = int(re.search(r'id="waiting"[^>]*>(\d+)', page).group(1))
    rows = page.split("<tr class=")[1:]
    offering = [row for row in rows if "?action=" in row]
    assert count == len(offering) == 3
    mine = client.get(reverse("cases:inbox"), {"view": "mine"}).content.decode()
    assert len(mine.split("<tr class=")[1:]) == 3


def test_rows_offer_labelled_actions_that_open_the_form(client, cast, cases_in_every_state):
    client.force_login(cast.dispatcher_a)
    page = client.get(reverse("cases:inbox"), {"view": "all"}).content.decode()
    number = cases_in_every_state["extension pending"].number
    assert f'href="/cases/{number}/?action=approve_extension#action-approve_extension">批准延期</a>' in page
    assert "您可办理" in page and "下一页" not in page
    detail = client.get(reverse("cases:detail", args=[number]), {"action": "deny_extension"}).content.decode()
    assert '<details open id="action-deny_extension">' in detail


def test_my_tasks_on_the_phone_page_lists_the_workers_tasks(client, cast, cases_in_every_state):
    client.force_login(cast.worker_a)
    page = client.get(reverse("cases:new")).content.decode()
    tasks = page[page.index('id="my-tasks"'):]
    for name in ("micro collected", "micro with the worker", "closed"):
        assert cases_in_every_state[name].number in tasks
    assert "暂无待办" not in tasks
    client.force_login(cast.worker_b)
    assert "暂无待办。新的任务会出现在这里。" in client.get(reverse("cases:new")).content.decode()
