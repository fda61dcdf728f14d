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
    assert client.post(f"{BASE}{meeting['id']}/decision/", {"decision": "x"}).status_code == 400  # nobody listed
    assert client.post(f"{BASE}{meeting['id']}/actions/", {"description": "x", "owner_name": "y",
                                                           "due_on": str(today)}).status_code == 400
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
    assert client.patch(url, {"status": "open"}).status_code == 400  # cannot go back
    closed = client.patch(url, {"status": "done", "result": "已签协议，新增车位40个"})
    assert closed.json()["status"] == "done" and closed.json()["closed_on"] == str(today)
    detail = client.get(f"{BASE}{meeting['id']}/").json()
    assert len(detail["participants"]) == 6 and detail["actions"][0]["status"] == "done"


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
                                              "meeting-topic": "垃圾分类", "meeting-held_on": str(timezone.localdate())})
    meeting = DeliberationMeeting.objects.get(topic="垃圾分类")
    assert ok.status_code == 302
    url = f"/community/meetings/{meeting.pk}/"
    assert client.post(url, {"form": "participant", "participant-party": "residents",
                             "participant-name": "张"}).status_code == 302
    assert client.post(url, {"form": "decision", "decision-decision": "设置定时定点"}).status_code == 302
    assert client.post(url, {"form": "followup", "followup-description": "采购分类桶", "followup-owner_name": "物业",
                             "followup-due_on": str(timezone.localdate())}).status_code == 302
    action = FollowUpAction.objects.get()
    bad = client.post(url, {"form": "update", "update-action": action.pk, "update-status": "done"})
    assert bad.status_code == 400 and "errorlist" in bad.content.decode()
    page = client.get(url)
    assert "业委会" in page.content.decode() or page.context["missing_parties"]
