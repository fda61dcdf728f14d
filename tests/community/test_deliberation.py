"""Deliberation meetings (议事协商): topic, the six parties, decision, follow-up actions and status."""
from datetime import timedelta

import pytest
from django.utils import timezone

from community.models import DeliberationMeeting, FollowUpAction
from tests.conftest import GRID_A, GRID_B

pytestmark = pytest.mark.django_db

BASE = "/api/v1/community/meetings/"
COMMUNITY_A = GRID_A[:12]


def test_a_meeting_from_convening_to_closed_actions(api_as, cast):
    client = api_as(cast.community_a)
    today = timezone.localdate()
    meeting = client.post(BASE, {"community": COMMUNITY_A, "topic": "小区停车难", "held_on": str(today),
                                 "venue": "议事厅"}).json()
    assert client.post(f"{BASE}{meeting['id']}/decision/", {"decision": "x"}).status_code == 409  # nobody listed
    assert client.post(f"{BASE}{meeting['id']}/actions/", {"description": "x", "owner_name": "y",
                                                           "due_on": str(today)}).status_code == 409  # no decision
    for party, name in (("party_org", "书记"), ("residents_committee", "主任"), ("owners_committee", "业委会主任"),
                        ("property_company", "物业经理"), ("units", "驻区单位代表"), ("residents", "居民代表")):
        assert client.post(f"{BASE}{meeting['id']}/participants/", {"party": party, "name": name}).status_code == 201
    duplicate = client.post(f"{BASE}{meeting['id']}/participants/", {"party": "residents", "name": "居民代表"})
    assert duplicate.status_code == 400
    decided = client.post(f"{BASE}{meeting['id']}/decision/", {"decision": "施划夜间共享车位"})
    assert decided.json()["status"] == "held"
    action = client.post(f"{BASE}{meeting['id']}/actions/", {
        "description": "与驻区单位签共享协议", "owner_name": "物业经理",
        "due_on": str(today + timedelta(days=30))}).json()
    url = f"/api/v1/community/follow-ups/{action['id']}/"
    assert client.patch(url, {"status": "done"}).status_code == 400  # result required
    assert client.patch(url, {"status": "in_progress"}).json()["status"] == "in_progress"
    assert client.patch(url, {"status": "open"}).status_code == 400  # not a step: nothing leads back
    closed = client.patch(url, {"status": "done", "result": "已签协议，新增车位40个"})
    assert closed.json()["status"] == "done" and closed.json()["closed_on"] == str(today)
    detail = client.get(f"{BASE}{meeting['id']}/").json()
    assert len(detail["participants"]) == 6 and detail["actions"][0]["status"] == "done"


def _meeting(client, participants=(("residents", "居民代表"),)):
    meeting = client.post(BASE, {"community": COMMUNITY_A, "topic": "小区停车难",
                                 "held_on": str(timezone.localdate())}).json()
    for party, name in participants:
        assert client.post(f"{BASE}{meeting['id']}/participants/", {"party": party, "name": name}).status_code == 201
    return meeting["id"]


def test_recording_a_decision_answers_each_mistake_with_its_own_code(api_as, cast):
    staff = api_as(cast.community_a)
    unattended, meeting = _meeting(staff, participants=()), _meeting(staff)
    url = f"{BASE}{meeting}/decision/"
    assert api_as(cast.dispatcher_b).post(url, {"decision": "x"}).status_code == 404  # out of sight
    assert api_as(cast.worker_a).post(url, {"decision": "x"}).status_code == 403  # not a grid worker's step
    staff = api_as(cast.community_a)
    assert staff.post(f"{BASE}{unattended}/decision/", {"decision": "x"}).status_code == 409  # nobody listed
    assert staff.post(url, {"decision": ""}).status_code == 400
    assert staff.get(f"{BASE}{meeting}/").json()["available_actions"] == ["decide"]
    assert staff.get(f"{BASE}{unattended}/").json()["available_actions"] == []
    decided = staff.post(url, {"decision": "施划夜间共享车位"})
    assert decided.json()["status"] == "held" and decided.json()["available_actions"] == []
    assert staff.post(url, {"decision": "再议"}).status_code == 409  # already held


def test_moving_a_follow_up_action_answers_each_mistake_with_its_own_code(api_as, cast):
    staff = api_as(cast.community_a)
    meeting = _meeting(staff)
    staff.post(f"{BASE}{meeting}/decision/", {"decision": "施划夜间共享车位"})
    action = staff.post(f"{BASE}{meeting}/actions/", {"description": "签共享协议", "owner_name": "物业经理",
                                                      "due_on": str(timezone.localdate())}).json()
    assert action["available_actions"] == ["in_progress", "done", "dropped"]
    url = f"/api/v1/community/follow-ups/{action['id']}/"
    assert api_as(cast.dispatcher_b).patch(url, {"status": "in_progress"}).status_code == 404  # out of sight
    assert api_as(cast.worker_a).patch(url, {"status": "in_progress"}).status_code == 403  # not their step
    assert api_as(cast.worker_a).get(url).json()["available_actions"] == []
    staff = api_as(cast.community_a)
    assert staff.patch(url, {"status": "done"}).status_code == 400  # what came of it?
    assert staff.patch(url, {"status": "done", "result": "已签协议"}).json()["available_actions"] == []
    assert staff.patch(url, {"status": "in_progress"}).status_code == 409  # already done
    assert FollowUpAction.objects.get(pk=action["id"]).status == "done"


def test_meetings_are_scoped_to_the_community(api_as, client, cast):
    meeting = api_as(cast.community_a).post(BASE, {"community": COMMUNITY_A, "topic": "t",
                                                   "held_on": str(timezone.localdate())}).json()
    assert api_as(cast.dispatcher_b).get(f"{BASE}{meeting['id']}/").status_code == 404
    response = api_as(cast.community_a).post(BASE, {"community": GRID_B[:12], "topic": "t",
                                                    "held_on": str(timezone.localdate())})
    assert response.status_code == 400 and "community" in response.json()
    client.force_login(cast.dispatcher_b)
    assert client.get(f"/community/meetings/{meeting['id']}/").status_code == 404
    assert DeliberationMeeting.objects.count() == 1


def test_the_meeting_page_records_everything(client, cast):
    client.force_login(cast.community_a)
    from grids.models import Community

    community = Community.objects.get(code=COMMUNITY_A)
    bad = client.post("/community/meetings/", {"form": "meeting", "meeting-community": community.pk,
                                               "meeting-topic": "垃圾分类", "meeting-held_on": "not a date"})
    assert bad.status_code == 400 and 'value="垃圾分类"' in bad.content.decode()
    ok = client.post("/community/meetings/", {"form": "meeting", "meeting-community": community.pk,
                                              "meeting-topic": "垃圾分类",
                                              "meeting-held_on": str(timezone.localdate())})
    meeting = DeliberationMeeting.objects.get(topic="垃圾分类")
    assert ok.status_code == 302
    url = f"/community/meetings/{meeting.pk}/"
    waiting = client.get(url).content.decode()
    assert "登记决议前请先登记参会人员。" in waiting and 'value="decision"' not in waiting  # says why, no button
    assert client.post(url, {"form": "participant", "participant-party": "residents",
                             "participant-name": "张"}).status_code == 302
    assert 'value="decision"' in client.get(url).content.decode()
    assert client.post(url, {"form": "decision", "decision-decision": "设置定时定点"}).status_code == 302
    assert client.post(url, {"form": "followup", "followup-description": "采购分类桶", "followup-owner_name": "物业",
                             "followup-due_on": str(timezone.localdate())}).status_code == 302
    action = FollowUpAction.objects.get()
    bad = client.post(url, {"form": "update", "update-action": action.pk, "update-status": "done"})
    assert bad.status_code == 400 and "errorlist" in bad.content.decode()
    page = client.get(url)
    assert "业委会" in page.content.decode() or page.context["missing_parties"]
    assert 'name="update-status" value="done"' in page.content.decode()  # the action's next steps, as buttons
    assert client.post(url, {"form": "update", "update-action": action.pk, "update-status": "done",
                             "update-result": "已采购"}).status_code == 302
    assert 'name="update-status"' not in client.get(url).content.decode()  # done: no step left
    client.force_login(cast.worker_a)
    assert "设置定时定点" in client.get(url).content.decode()
    refused = client.post(url, {"form": "update", "update-action": action.pk, "update-status": "dropped",
                                "update-result": "x"})
    assert refused.status_code == 400 and "errorlist" in refused.content.decode()  # not a grid worker's step
    assert FollowUpAction.objects.get().status == "done"
