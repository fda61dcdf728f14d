"""Volunteers: the three-level network, teams, volunteers with skills, activities with sign-up,
attendance and service hours, and each person's service-hours record."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from community.models import ActivitySignup, Volunteer, VolunteerActivity, VolunteerOrg, VolunteerTeam
from community.services import volunteer_org_create
from grids.models import Community
from tests.conftest import GRID_A, GRID_B

pytestmark = pytest.mark.django_db

COMMUNITY_A = GRID_A[:12]
BASE = "/api/v1/community/"


def test_the_network_has_three_levels_over_the_whole_district(api_as, cast):
    assert VolunteerOrg.objects.filter(level="federation").count() == 1
    assert VolunteerOrg.objects.filter(level="branch").count() == 29
    assert VolunteerOrg.objects.filter(level="station").count() == Community.objects.count()
    station = VolunteerOrg.objects.get(code=f"vs-{COMMUNITY_A}")
    assert station.parent.street_id == station.street_id and station.parent.parent.level == "federation"
    response = api_as(cast.worker_a).get(f"{BASE}volunteer-orgs/", {"level": "branch"})
    assert response.json()["count"] == 29


def test_the_network_keeps_its_shape(cast):
    from django.core.exceptions import ValidationError

    federation = VolunteerOrg.objects.get(level="federation")
    branch_b = VolunteerOrg.objects.get(code=f"vb-{GRID_B[:9]}")
    with pytest.raises(ValidationError) as error:
        volunteer_org_create(code="x", name="x", level="station", parent=federation,
                             community=Community.objects.get(code=COMMUNITY_A))
    assert "parent" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        volunteer_org_create(code="x", name="x", level="station", parent=branch_b,
                             community=Community.objects.get(code=COMMUNITY_A))
    assert "community" in error.value.message_dict
    with pytest.raises(ValidationError):
        volunteer_org_create(code="x2", name="x", level="branch", parent=federation, street=None)


def _team(client, name="助老服务队"):
    response = client.post(f"{BASE}volunteer-teams/", {"org": f"vs-{COMMUNITY_A}", "name": name,
                                                       "field": "elderly_help", "brand": "手拉手"})
    assert response.status_code == 201, response.content
    return response.json()["id"]


def _volunteer(client, phone, name="志愿者甲", skills=("医疗护理",), teams=()):
    response = client.post(f"{BASE}volunteers/", {"full_name": name, "phone": phone, "community": COMMUNITY_A,
                                                  "skills": list(skills), "teams": list(teams)})
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_an_activity_from_sign_up_to_service_hours(api_as, cast):
    staff = api_as(cast.community_a)
    team = _team(staff)
    alice = _volunteer(staff, "13600000001", "甲", teams=[team])
    bob = _volunteer(staff, "13600000002", "乙")
    carol = _volunteer(staff, "13600000003", "丙")
    starts = timezone.now() + timedelta(days=2)
    activity = staff.post(f"{BASE}activities/", {
        "team": team, "title": "助老上门", "place": "活动室", "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=3)).isoformat(), "capacity": 2}).json()
    assert staff.post(f"{BASE}activities/{activity['id']}/signups/", {"volunteer": alice}).status_code == 201
    again = staff.post(f"{BASE}activities/{activity['id']}/signups/", {"volunteer": alice})
    assert again.status_code == 400 and "volunteer" in again.json()
    assert staff.post(f"{BASE}activities/{activity['id']}/signups/", {"volunteer": bob}).status_code == 201
    assert staff.post(f"{BASE}activities/{activity['id']}/signups/", {"volunteer": carol}).status_code == 409  # full
    early = staff.post(f"{BASE}activities/{activity['id']}/attendance/",
                       {"entries": [{"volunteer": alice, "attended": True, "hours": "3"}]})
    assert early.status_code == 409  # not over yet

    VolunteerActivity.objects.filter(pk=activity["id"]).update(
        starts_at=timezone.now() - timedelta(hours=5), ends_at=timezone.now() - timedelta(hours=2))
    too_long = staff.post(f"{BASE}activities/{activity['id']}/attendance/",
                          {"entries": [{"volunteer": alice, "attended": True, "hours": "4"}]})
    assert too_long.status_code == 400
    assert not ActivitySignup.objects.filter(activity_id=activity["id"], attendance="attended").exists()
    closed = staff.post(f"{BASE}activities/{activity['id']}/attendance/",
                        {"entries": [{"volunteer": alice, "attended": True, "hours": "2.5"}]})
    assert closed.status_code == 200, closed.content
    attendance = {row["volunteer"]: row["attendance"] for row in closed.json()}
    assert attendance == {alice: "attended", bob: "absent"}
    record = staff.get(f"{BASE}volunteers/{alice}/hours/").json()
    assert Decimal(record["total_hours"]) == Decimal("2.5") and record["activities"][0]["activity"] == "助老上门"
    assert VolunteerActivity.objects.get(pk=activity["id"]).status == "closed"


def test_the_service_hours_record_page(client, cast):
    community = Community.objects.get(code=COMMUNITY_A)
    team = VolunteerTeam.objects.create(org=VolunteerOrg.objects.get(code=f"vs-{COMMUNITY_A}"), name="队")
    volunteer = Volunteer.objects.create(full_name="钱七", phone="13600000009", community=community)
    start = timezone.now() - timedelta(days=3)
    for hours in ("2.0", "1.5"):
        activity = VolunteerActivity.objects.create(team=team, title=f"活动{hours}", place="x", starts_at=start,
                                                    ends_at=start + timedelta(hours=3), capacity=5, status="closed")
        ActivitySignup.objects.create(activity=activity, volunteer=volunteer, attendance="attended",
                                      hours=Decimal(hours))
    client.force_login(cast.worker_a)
    page = client.get(f"/community/volunteers/{volunteer.pk}/")
    assert page.status_code == 200 and page.context["total_hours"] == Decimal("3.5")
    client.force_login(cast.worker_b)
    assert client.get(f"/community/volunteers/{volunteer.pk}/").status_code == 404


def test_volunteers_and_teams_are_scoped(api_as, cast):
    staff = api_as(cast.community_a)
    team = _team(staff)
    volunteer = _volunteer(staff, "13600000004")
    outsider = api_as(cast.dispatcher_b)
    assert outsider.get(f"{BASE}volunteers/{volunteer}/").status_code == 404
    assert outsider.get(f"{BASE}volunteer-teams/{team}/").status_code == 404
    assert api_as(cast.worker_a).get(f"{BASE}volunteers/{volunteer}/").status_code == 200
    # A station of another street is not the community's to add teams to.
    response = api_as(cast.community_a).post(f"{BASE}volunteer-teams/", {"org": f"vs-{GRID_B[:12]}", "name": "越界队"})
    assert response.status_code == 400 and "org" in response.json()
    response = api_as(cast.dispatcher_b).post(f"{BASE}activities/", {
        "team": team, "title": "x", "place": "x", "starts_at": timezone.now().isoformat(),
        "ends_at": timezone.now().isoformat(), "capacity": 1})
    assert response.status_code == 400 and "team" in response.json()


def test_an_activitys_steps_answer_each_mistake_with_its_own_code(api_as, cast):
    volunteer = _volunteer(api_as(cast.community_a), "13600000011")
    organiser = api_as(cast.dispatcher_a)
    team = organiser.post(f"{BASE}volunteer-teams/", {"org": f"vb-{COMMUNITY_A[:9]}", "name": "街道助老队"}).json()
    starts = timezone.now() + timedelta(days=1)
    activity = organiser.post(f"{BASE}activities/", {
        "team": team["id"], "title": "助老上门", "place": "活动室", "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2)).isoformat(), "capacity": 5}).json()
    url = f"{BASE}activities/{activity['id']}/"
    assert organiser.post(f"{url}signups/", {"volunteer": volunteer}).status_code == 201
    assert activity["available_actions"] == ["cancel"]  # attendance waits for the end
    assert api_as(cast.dispatcher_b).post(f"{url}cancel/").status_code == 404  # out of sight
    # The community sees its street's activities, but they are the street's to run.
    assert api_as(cast.community_a).get(url).json()["available_actions"] == []
    assert api_as(cast.community_a).post(f"{url}cancel/").status_code == 403
    organiser = api_as(cast.dispatcher_a)
    entries = {"entries": [{"volunteer": volunteer, "attended": True, "hours": "2"}]}
    assert organiser.post(f"{url}attendance/", entries).status_code == 409  # not over yet
    VolunteerActivity.objects.filter(pk=activity["id"]).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1))
    assert organiser.get(url).json()["available_actions"] == ["attendance", "cancel"]
    too_long = {"entries": [{"volunteer": volunteer, "attended": True, "hours": "5"}]}
    assert organiser.post(f"{url}attendance/", too_long).status_code == 400
    assert organiser.post(f"{url}attendance/", entries).status_code == 200
    assert organiser.post(f"{url}cancel/").status_code == 409  # closed
    assert VolunteerActivity.objects.get(pk=activity["id"]).status == "closed"


@pytest.mark.parametrize("payload, field", [
    ({"full_name": "", "phone": "13600000005", "community": COMMUNITY_A}, "full_name"),
    ({"full_name": "x", "phone": "phone", "community": COMMUNITY_A}, "phone"),
    ({"full_name": "x", "phone": "13600000005", "community": GRID_B[:12]}, "community"),
    ({"full_name": "x", "phone": "13600000005", "community": COMMUNITY_A, "teams": [999999]}, "teams"),
])
def test_bad_volunteers_get_400(api_as, cast, payload, field):
    before = Volunteer.objects.count()
    response = api_as(cast.community_a).post(f"{BASE}volunteers/", payload)
    assert response.status_code == 400 and field in response.json(), response.content
    assert Volunteer.objects.count() == before


def test_an_activity_must_end_after_it_starts(api_as, cast):
    staff = api_as(cast.community_a)
    team = _team(staff)
    now = timezone.now() + timedelta(days=1)
    response = staff.post(f"{BASE}activities/", {"team": team, "title": "x", "place": "x",
                                                 "starts_at": now.isoformat(), "ends_at": now.isoformat(),
                                                 "capacity": 3})
    assert response.status_code == 400 and "ends_at" in response.json()
    assert api_as(cast.worker_a).post(f"{BASE}activities/", {}).status_code == 403


def test_the_activity_pages_sign_up_and_record_attendance(client, cast):
    community = Community.objects.get(code=COMMUNITY_A)
    team = VolunteerTeam.objects.create(org=VolunteerOrg.objects.get(code=f"vs-{COMMUNITY_A}"), name="队")
    volunteer = Volunteer.objects.create(full_name="孙八", phone="13600000010", community=community)
    start = timezone.now() + timedelta(days=1)
    activity = VolunteerActivity.objects.create(team=team, title="植树", place="x", starts_at=start,
                                                ends_at=start + timedelta(hours=2), capacity=5)
    client.force_login(cast.community_a)
    assert client.post(f"/community/activities/{activity.pk}/",
                       {"form": "signup", "signup-volunteer": volunteer.pk}).status_code == 302
    VolunteerActivity.objects.filter(pk=activity.pk).update(starts_at=timezone.now() - timedelta(hours=3),
                                                            ends_at=timezone.now() - timedelta(hours=1))
    bad = client.post(f"/community/activities/{activity.pk}/", {
        "form": "attendance", f"attended-{volunteer.pk}": "on", f"hours-{volunteer.pk}": "many"})
    assert bad.status_code == 400 and "errorlist" in bad.content.decode()
    ok = client.post(f"/community/activities/{activity.pk}/", {
        "form": "attendance", f"attended-{volunteer.pk}": "on", f"hours-{volunteer.pk}": "2"})
    assert ok.status_code == 302
    assert ActivitySignup.objects.get(activity=activity).hours == Decimal("2.0")
    listing = client.get("/community/volunteers/")
    assert listing.status_code == 200 and "孙八" in listing.content.decode()
