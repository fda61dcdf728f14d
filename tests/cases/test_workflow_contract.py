"""The case workflow through the kernel's helper: what the menu offers is exactly what the service
accepts, and the four mistakes answer 404 / 403 / 409 / 400."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from cases.models import Case
from cases.services import available_actions, case_act
from cases.workflow import TRANSITIONS
from core.errors import Conflict

from .conftest import STATION_A, act, new_case

pytestmark = pytest.mark.django_db


class RolledBack(Exception):
    pass


def _valid_data(action: str, other_case) -> dict:
    """Fields that make each action acceptable when its state and owner allow it."""
    until = (timezone.now() + dt.timedelta(days=20)).isoformat()
    return {"reject": {"reason": "不属实"}, "merge": {"into": other_case.number if other_case else ""},
            "dispatch": {"department": STATION_A}, "return": {"reason": "非本单位职责"},
            "feedback": {"result": "已处理"}, "handle_on_spot": {"result": "当场处理"},
            "rework": {"reason": "未处理完"}, "escalate": {"reason": "需上级协调"},
            "request_extension": {"until": until, "reason": "需协调"}, "evaluate": {"satisfaction": 5},
            "comment": {"comment": "备注"}}.get(action, {})


def _accepted(user, case, action, data) -> bool:
    """Does the service take the action? (Rolled back either way, so the case stays as it is.)"""
    try:
        with transaction.atomic():
            case_act(actor=user, number=case.number, action=action, data=data)
            raise RolledBack
    except RolledBack:
        return True
    except (PermissionDenied, Conflict, Http404):
        return False


def _cases_in_every_state(cast):
    collected = new_case(cast.worker_a)
    dispatched = new_case(cast.worker_a)
    act(cast.dispatcher_a, dispatched, "file")
    act(cast.dispatcher_a, dispatched, "dispatch", department=STATION_A)
    pending = new_case(cast.worker_a)
    act(cast.dispatcher_a, pending, "file")
    act(cast.dispatcher_a, pending, "dispatch", department=STATION_A)
    act(cast.station_a, pending, "accept")
    act(cast.station_a, pending, "request_extension", **_valid_data("request_extension", None))
    fed_back = new_case(cast.worker_a)
    act(cast.dispatcher_a, fed_back, "file")
    act(cast.dispatcher_a, fed_back, "dispatch", department=STATION_A)
    act(cast.station_a, fed_back, "accept")
    act(cast.station_a, fed_back, "feedback", result="已处理")
    closed = new_case(cast.worker_a)
    for actor, action, data in [(cast.dispatcher_a, "file", {}),
                                (cast.dispatcher_a, "dispatch", {"department": STATION_A}),
                                (cast.station_a, "accept", {}), (cast.station_a, "feedback", {"result": "好"}),
                                (cast.dispatcher_a, "verify", {})]:
        act(actor, closed, action, **data)
    return [Case.objects.get(pk=case.pk) for case in (collected, dispatched, pending, fed_back, closed)]


def test_the_menu_offers_exactly_what_the_service_accepts(cast):
    cases = _cases_in_every_state(cast)
    other = new_case(cast.worker_a)
    people = [cast.worker_a, cast.worker_b, cast.community_a, cast.dispatcher_a, cast.dispatcher_b, cast.station_a,
              cast.bureau, cast.commander, cast.evaluator, cast.auditor]
    disagreements = []
    for case in cases:
        for user in people:
            # Pages and the API only ask about cases the user sees; the service answers 404 for the rest.
            offered = set(available_actions(user, case)) if Case.objects.visible_to(user).filter(pk=case.pk) else set()
            for action in TRANSITIONS:
                if (action in offered) != _accepted(user, case, action, _valid_data(action, other)):
                    disagreements.append(f"{case.status}/{user.username}/{action}: offered={action in offered}")
    assert disagreements == []


def test_a_second_extension_request_is_neither_offered_nor_accepted(cast):
    pending = _cases_in_every_state(cast)[2]
    assert "request_extension" not in available_actions(cast.station_a, pending)
    with pytest.raises(Conflict):
        act(cast.station_a, pending, "request_extension", **_valid_data("request_extension", None))


def test_the_four_mistakes_get_the_four_answers(cast, api_as):
    case = new_case(cast.worker_a)
    url = f"/api/v1/cases/{case.number}/actions/"
    assert api_as(cast.dispatcher_b).post(url + "file/", {}).status_code == 404  # out of sight
    assert api_as(cast.worker_a).post(url + "file/", {}).status_code == 403  # not their step
    assert api_as(cast.dispatcher_a).post(url + "reject/", {}).status_code == 400  # a field missing
    assert api_as(cast.dispatcher_a).post(url + "file/", {}).status_code == 200
    assert api_as(cast.dispatcher_a).post(url + "file/", {}).status_code == 409  # wrong state
    assert api_as(cast.dispatcher_a).post(url + "dispatch/", {"version": 1, "department": STATION_A}).status_code == 409
    assert api_as(cast.dispatcher_a).post(url + "fly/", {}).status_code == 400  # no such action


def test_a_refused_action_changes_nothing(cast, small_case):
    before = (small_case.status, small_case.version, small_case.events.count())
    for actor, action, data in [(cast.worker_a, "file", {}), (cast.dispatcher_a, "reject", {}),
                                (cast.dispatcher_a, "accept", {})]:
        with pytest.raises((PermissionDenied, ValidationError, Conflict)):
            act(actor, small_case, action, **data)
    small_case.refresh_from_db()
    assert (small_case.status, small_case.version, small_case.events.count()) == before
