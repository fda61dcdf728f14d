"""Practical matters for the people (为民办实事): residents propose on a public page; staff select,
plan, carry out and accept; residents follow, comment and rate; communities without one are flagged."""
from datetime import timedelta

import pytest
from django.utils import timezone

from community.matters import matter_propose
from community.models import MatterComment, MatterRating, PracticalMatter
from grids.models import Community
from tests.conftest import GRID_A, GRID_B

pytestmark = pytest.mark.django_db

COMMUNITY_A = GRID_A[:12]
COMMUNITY_B = GRID_B[:12]
PUBLIC = "/api/v1/community/public/matters/"
STAFF = "/api/v1/community/matters/"


def _propose(code=COMMUNITY_A, title="加装电梯"):
    return matter_propose(community=Community.objects.get(code=code), title=title, description="老楼没有电梯",
                          proposer_name="居民甲", proposer_phone="13800001111")


def _act(client, matter, action, **data):
    return client.post(f"{STAFF}{matter.pk}/act/", {"action": action, **data})


def test_a_resident_proposes_on_the_public_page_without_logging_in(client):
    page = client.get("/community/public/matters/propose/")
    assert page.status_code == 200 and "我要提实事" in page.content.decode()
    community = Community.objects.get(code=COMMUNITY_A)
    response = client.post("/community/public/matters/propose/", {
        "community": community.pk, "title": "修缮楼道灯", "description": "3号楼楼道灯坏了半年",
        "proposer_name": "刘女士", "proposer_phone": "13900002222"})
    assert response.status_code == 201
    matter = PracticalMatter.objects.get(title="修缮楼道灯")
    assert matter.status == "proposed" and matter.source == "resident"
    assert matter.tracking_code in response.content.decode()
    tracked = client.get("/community/public/matters/track/", {"code": matter.tracking_code.lower()})
    assert tracked.status_code == 200 and "修缮楼道灯" in tracked.content.decode()
    assert client.get("/community/public/matters/track/", {"code": "NOPE"}).status_code == 404


def test_the_public_form_keeps_input_and_shows_field_errors(client):
    response = client.post("/community/public/matters/propose/", {
        "community": "", "title": "修缮楼道灯", "description": "", "proposer_phone": "abc"})
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count('class="errorlist"') >= 3 and 'value="修缮楼道灯"' in html
    assert not PracticalMatter.objects.filter(title="修缮楼道灯").exists()


def test_public_proposals_are_throttled(api, settings):
    for _ in range(10):
        response = api.post(PUBLIC, {"community": COMMUNITY_A, "title": "建议", "description": "内容"})
        assert response.status_code == 201, response.content
    assert api.post(PUBLIC, {"community": COMMUNITY_A, "title": "建议", "description": "内容"}).status_code == 429
    assert PracticalMatter.objects.filter(title="建议").count() == 10


def test_only_what_residents_send_counts_against_their_budget(api, cast):
    matter = _propose()
    matter.status = "accepted"
    matter.save()
    for _ in range(12):
        assert api.get(f"{PUBLIC}{matter.pk}/ratings/").status_code == 405  # reading spends nothing
    statuses = [api.post(f"{PUBLIC}{matter.pk}/ratings/", {"score": 5}).status_code for _ in range(11)]
    assert statuses[:10] == [201] * 10 and statuses[10] == 429


def test_the_public_page_is_throttled_too(client):
    community = Community.objects.get(code=COMMUNITY_A)
    data = {"community": community.pk, "title": "建议", "description": "内容"}
    statuses = [client.post("/community/public/matters/propose/", data).status_code for _ in range(11)]
    assert statuses[:10] == [201] * 10 and statuses[10] == 429


def test_bad_public_proposals_get_400_with_field_messages(api):
    response = api.post(PUBLIC, {"community": "999", "title": "", "description": "x", "proposer_phone": "call me"})
    assert response.status_code == 400
    assert {"community", "title", "proposer_phone"} <= set(response.json())


def test_staff_walk_a_matter_from_proposal_to_acceptance(api_as, client, cast):
    matter = _propose()
    staff = api_as(cast.community_a)
    assert _act(staff, matter, "plan").status_code == 409  # not selected yet
    assert _act(staff, matter, "select", is_key=True).json()["status"] == "selected"
    today = timezone.localdate()
    bad_plan = _act(staff, matter, "plan", budget="0", owner_name="", planned_start=str(today),
                    planned_end=str(today - timedelta(days=1)))
    assert bad_plan.status_code == 400 and {"budget", "owner_name", "planned_end"} <= set(bad_plan.json())
    plan = _act(staff, matter, "plan", budget="350000", owner_name="王主任", owner_unit="社区居委会",
                planned_start=str(today), planned_end=str(today + timedelta(days=90)))
    assert plan.status_code == 200 and plan.json()["status"] == "planned"
    assert _act(staff, matter, "start").status_code == 409  # no milestone yet
    milestone = staff.post(f"{STAFF}{matter.pk}/milestones/", {"title": "施工完成", "due_on": str(today)}).json()
    assert _act(staff, matter, "start").json()["status"] == "in_progress"
    accept = _act(staff, matter, "accept", acceptance_note="居民代表验收通过")
    assert accept.status_code == 409  # milestone still open
    done = staff.post(f"{STAFF}{matter.pk}/milestones/{milestone['id']}/done/", {})
    assert done.status_code == 200 and done.json()["done_on"] == str(today)
    assert _act(staff, matter, "accept").status_code == 400  # acceptance note required
    accepted = _act(staff, matter, "accept", acceptance_note="居民代表验收通过")
    assert accepted.json()["status"] == "accepted" and accepted.json()["accepted_on"] == str(today)

    # Residents follow progress, comment and rate.
    public = client.get(f"{PUBLIC}{matter.pk}/").json()
    assert public["status"] == "accepted" and "proposer_phone" not in public
    comment = {"author_name": "张大爷", "body": "电梯很好用"}
    assert client.post(f"{PUBLIC}{matter.pk}/comments/", comment).status_code == 201
    for score in (5, 4, 2):
        assert client.post(f"{PUBLIC}{matter.pk}/ratings/", {"score": score}).status_code == 201
    assert client.post(f"{PUBLIC}{matter.pk}/ratings/", {"score": 6}).status_code == 400
    page = client.get(f"/community/public/matters/{matter.pk}/")
    assert page.status_code == 200 and "电梯很好用" in page.content.decode()
    detail = client.get(f"{PUBLIC}{matter.pk}/").json()
    assert detail["rating_count"] == 3 and round(detail["rating_avg"], 2) == 3.67


def test_ratings_wait_for_acceptance_and_proposals_stay_private_until_selected(api, cast):
    matter = _propose()
    assert api.get(f"{PUBLIC}{matter.pk}/").status_code == 404
    assert api.post(f"{PUBLIC}{matter.pk}/comments/", {"author_name": "x", "body": "y"}).status_code == 404
    matter.status, matter.year = "selected", timezone.localdate().year
    matter.save()
    assert api.post(f"{PUBLIC}{matter.pk}/ratings/", {"score": 5}).status_code == 409
    assert not MatterRating.objects.exists()


def test_moving_a_matter_answers_each_mistake_with_its_own_code(api_as, cast):
    matter = _propose()
    assert api_as(cast.worker_a).get(f"{STAFF}{matter.pk}/").json()["available_actions"] == []  # may look only
    assert api_as(cast.dispatcher_b).get(f"{STAFF}{matter.pk}/").status_code == 404
    assert _act(api_as(cast.dispatcher_b), matter, "select").status_code == 404  # out of sight
    assert _act(api_as(cast.worker_a), matter, "select").status_code == 403  # not a grid worker's step
    staff = api_as(cast.dispatcher_a)
    assert _act(staff, matter, "plan").status_code == 409  # not selected yet
    assert _act(staff, matter, "reject").status_code == 400  # no reason given
    assert _act(staff, matter, "teleport").status_code == 400  # no such step
    matter.refresh_from_db()
    assert matter.status == "proposed"
    assert staff.get(f"{STAFF}{matter.pk}/").json()["available_actions"] == ["select", "reject"]
    response = _act(staff, matter, "reject", reason="已列入市政计划")
    assert response.json()["status"] == "rejected" and response.json()["rejection_reason"] == "已列入市政计划"
    assert response.json()["available_actions"] == []


def test_communities_without_a_matter_this_year_are_flagged(api_as, client, cast):
    year = timezone.localdate().year
    client_a = api_as(cast.dispatcher_a)
    flagged = {row["code"] for row in client_a.get(f"{STAFF}without-project/", {"year": year}).json()}
    street_a = set(Community.objects.filter(street__code=COMMUNITY_A[:9]).values_list("code", flat=True))
    assert flagged == street_a
    matter = _propose()
    _act(client_a, matter, "select", year=year)
    flagged = {row["code"] for row in client_a.get(f"{STAFF}without-project/", {"year": year}).json()}
    assert flagged == street_a - {COMMUNITY_A}
    assert COMMUNITY_B not in flagged
    assert client_a.get(f"{STAFF}without-project/", {"year": "soon"}).status_code == 400
    client.force_login(cast.dispatcher_a)
    page = client.get("/community/matters/", {"year": year})
    assert page.status_code == 200 and page.context["without"].count() == len(street_a) - 1


def test_the_staff_page_moves_a_matter_and_shows_errors_in_place(client, cast):
    matter = _propose()
    client.force_login(cast.community_a)
    page = client.get(f"/community/matters/{matter.pk}/")
    assert page.status_code == 200 and "13800001111" in page.content.decode()
    response = client.post(f"/community/matters/{matter.pk}/", {"form": "act-reject", "reject-action": "reject",
                                                                "reject-reason": ""})
    assert response.status_code == 400 and "errorlist" in response.content.decode()
    response = client.post(f"/community/matters/{matter.pk}/", {"form": "act-select", "select-action": "select",
                                                                "select-year": timezone.localdate().year})
    assert response.status_code == 302
    matter.refresh_from_db()
    assert matter.status == "selected"
    client.post(f"/community/matters/{matter.pk}/", {"form": "comment", "comment-author_name": "社区",
                                                     "comment-body": "已立项"})
    assert MatterComment.objects.get(matter=matter).by_staff
    PracticalMatter.objects.filter(pk=matter.pk).update(status="planned")
    page = client.get(f"/community/matters/{matter.pk}/").content.decode()
    assert 'value="act-start"' not in page and "开始实施前请至少添加一个节点。" in page  # says why, no button


def test_staff_pages_need_a_login(client, cast):
    matter = _propose()
    assert client.get(f"/community/matters/{matter.pk}/").status_code == 302
    assert client.get("/community/matters/").status_code == 302
    assert client.get("/community/public/matters/").status_code == 200


def test_the_staff_and_public_lists_narrow_to_a_status_and_to_key_projects(client, cast):
    proposed, ordinary, key = _propose(title="加装电梯"), _propose(title="修路"), _propose(title="建食堂")
    PracticalMatter.objects.filter(pk__in=[ordinary.pk, key.pk]).update(status="selected")
    PracticalMatter.objects.filter(pk=key.pk).update(is_key=True)
    client.force_login(cast.community_a)
    staff = client.get("/community/matters/", {"status": "selected"})
    assert {m.pk for m in staff.context["page"]} == {ordinary.pk, key.pk} and staff.context["status"] == "selected"
    everything = client.get("/community/matters/", {"status": "someday"})
    assert {m.pk for m in everything.context["page"]} == {proposed.pk, ordinary.pk, key.pk}
    client.logout()
    assert [m.pk for m in client.get("/community/public/matters/", {"key": 1}).context["page"]] == [key.pk]
    assert len(client.get("/community/public/matters/", {"key": "maybe"}).context["page"]) == 2
