"""Walk every tier through the seven steps and check state, trail and notifications at each step."""
import datetime as dt

import pytest

from cases.integrity import verify_trails
from cases.models import Case
from cases.services import available_actions
from tests.conftest import SECTION_A

from .conftest import LARGE_CATEGORY, MICRO_CATEGORY, STATION_A, act, new_case, notified, trail

pytestmark = [pytest.mark.django_db, pytest.mark.pooled]


def test_small_cycle_walks_all_seven_steps(cast, small_case):
    case = small_case
    assert (case.status, case.tier, case.number[:2]) == ("collected", "small", "HD")
    assert notified(cast.dispatcher_a, case, "assigned") and not notified(cast.dispatcher_b, case)

    case = act(cast.dispatcher_a, case, "file")
    case = act(cast.dispatcher_a, case, "dispatch", department=STATION_A)
    assert (case.status, case.station.code, case.department.code) == ("dispatched", STATION_A, "urban_enforcement")
    assert notified(cast.station_a, case, "assigned")

    case = act(cast.station_a, case, "accept")
    case = act(cast.station_a, case, "feedback", result="已拆除违建")
    assert notified(cast.dispatcher_a, case, "fed_back")
    case = act(cast.dispatcher_a, case, "verify")
    assert case.status == "closed" and case.closed_at is not None
    assert notified(cast.worker_a, case, "closed")

    case = act(cast.worker_a, case, "evaluate", satisfaction=5, comment="很满意")
    assert (case.status, case.satisfaction, case.satisfaction_defaulted) == ("evaluated", 5, False)
    assert trail(case) == [
        ("create", "", "collected", "small"),
        ("file", "collected", "filed", "small"),
        ("dispatch", "filed", "dispatched", "small"),
        ("accept", "dispatched", "handling", "small"),
        ("feedback", "handling", "fed_back", "small"),
        ("verify", "fed_back", "closed", "small"),
        ("evaluate", "closed", "evaluated", "small"),
    ]
    assert case.version == 7 and case.next_due_at is None
    assert verify_trails([case.number]) == (1, [])


def test_micro_cycle_stays_in_the_community(cast):
    case = new_case(cast.worker_a, MICRO_CATEGORY)
    assert case.tier == "micro" and notified(cast.community_a, case, "assigned")
    assert not notified(cast.dispatcher_a, case)
    case = act(cast.community_a, case, "file")
    case = act(cast.community_a, case, "dispatch", assignee="worker_a")
    assert case.assignee == cast.worker_a and notified(cast.worker_a, case, "assigned")
    case = act(cast.worker_a, case, "accept")
    case = act(cast.worker_a, case, "feedback", result="已清运")
    case = act(cast.community_a, case, "verify")
    assert case.status == "closed"


def test_community_staff_file_their_own_reports_directly(cast):
    case = new_case(cast.community_a, MICRO_CATEGORY)
    assert case.status == "filed"
    assert [a for a, *_ in trail(case)] == ["create", "file"]


def test_grid_worker_may_handle_on_the_spot_then_community_verifies(cast):
    case = new_case(cast.worker_a, MICRO_CATEGORY)
    case = act(cast.worker_a, case, "handle_on_spot", result="现场劝离,已清理")
    assert (case.status, case.assignee, case.result) == ("fed_back", cast.worker_a, "现场劝离,已清理")
    case = act(cast.community_a, case, "verify")
    assert case.status == "closed"


def test_large_cycle_goes_through_the_district_centre(cast):
    case = new_case(cast.worker_a, LARGE_CATEGORY)
    assert case.tier == "large" and notified(cast.commander, case, "assigned")
    case = act(cast.commander, case, "file")
    case = act(cast.commander, case, "dispatch", department="urban_enforcement")
    assert notified(cast.bureau, case, "assigned")
    case = act(cast.bureau, case, "accept")
    case = act(cast.bureau, case, "feedback", result="已回填修复")
    case = act(cast.commander, case, "verify")
    assert case.status == "closed"


def test_return_sends_the_case_back_to_the_dispatcher(cast, small_case):
    act(cast.dispatcher_a, small_case, "file")
    act(cast.dispatcher_a, small_case, "dispatch", department=STATION_A)
    case = act(cast.station_a, small_case, "return", reason="不属于城管职责")
    assert (case.status, case.station, case.return_count) == ("filed", None, 1)
    assert notified(cast.dispatcher_a, case, "returned")
    case = act(cast.dispatcher_a, case, "dispatch", department=SECTION_A)
    assert (case.station.code, case.department) == (SECTION_A, None)


def test_rework_counts_and_goes_back_to_the_handler(cast, small_case):
    act(cast.dispatcher_a, small_case, "file")
    act(cast.dispatcher_a, small_case, "dispatch", department=STATION_A)
    act(cast.station_a, small_case, "accept")
    act(cast.station_a, small_case, "feedback", result="已处理")
    case = act(cast.dispatcher_a, small_case, "rework", reason="现场复核仍有违建")
    assert (case.status, case.rework_count) == ("handling", 1)
    assert notified(cast.station_a, case, "rework")
    act(cast.station_a, case, "feedback", result="已彻底拆除")
    case = act(cast.dispatcher_a, case, "verify")
    assert case.status == "closed" and case.rework_count == 1


def test_extension_request_approval_moves_the_due_time(cast, small_case):
    act(cast.dispatcher_a, small_case, "file")
    case = act(cast.dispatcher_a, small_case, "dispatch", department=STATION_A)
    until = case.due_at + dt.timedelta(days=5)
    case = act(cast.station_a, case, "request_extension", until=until.isoformat(), reason="需协调产权单位")
    assert case.extension_requested_until is not None and notified(cast.dispatcher_a, case, "extension")
    case = act(cast.dispatcher_a, case, "approve_extension")
    assert case.due_at == until and case.extension_count == 1
    assert case.extension_requested_until is None


def test_extension_can_be_denied(cast, small_case):
    act(cast.dispatcher_a, small_case, "file")
    case = act(cast.dispatcher_a, small_case, "dispatch", department=STATION_A)
    due = case.due_at
    act(cast.station_a, case, "request_extension", until=(due + dt.timedelta(days=1)).isoformat(),
        reason="x")
    case = act(cast.dispatcher_a, case, "deny_extension", reason="时限内可完成")
    assert case.due_at == due and case.extension_count == 0 and case.extension_requested_until is None


def test_manual_escalation_goes_up_one_tier_at_a_time_and_never_down(cast):
    case = new_case(cast.worker_a, MICRO_CATEGORY)
    act(cast.community_a, case, "file")
    case = act(cast.community_a, case, "escalate", reason="社区无力解决")
    assert (case.tier, case.status, case.escalation_count) == ("small", "filed", 1)
    assert notified(cast.dispatcher_a, case, "escalated")
    case = act(cast.dispatcher_a, case, "escalate", reason="涉及多部门")
    assert (case.tier, case.status) == ("large", "filed")
    assert "escalate" not in available_actions(cast.commander, case)
    tiers = [tier for *_, tier in trail(case)]
    assert tiers == sorted(tiers, key=["micro", "small", "large"].index)


def test_reject_and_merge_end_a_case_without_filing(cast, small_case):
    duplicate = new_case(cast.worker_a)
    case = act(cast.dispatcher_a, small_case, "reject", reason="信息不实")
    assert case.status == "rejected"
    merged = act(cast.dispatcher_a, duplicate, "merge", into=new_case(cast.worker_a).number)
    assert merged.status == "rejected" and merged.merged_into is not None
    target = Case.objects.get(pk=merged.merged_into_id)
    assert trail(target)[-1][0] == "absorb"
    assert verify_trails([merged.number, target.number])[1] == []


def test_comments_are_recorded_without_changing_state(cast, small_case):
    case = act(cast.dispatcher_a, small_case, "comment", comment="请补充照片")
    assert case.status == "collected" and trail(case)[-1][0] == "comment"
