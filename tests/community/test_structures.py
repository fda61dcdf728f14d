"""Community structures: the owners' committees and property companies of a community (四方共建) with their
terms and contacts, seen by role and scope (phones masked outside the community); deliberation participants
linked to them; the community page with its three bodies (三位一体) in Chinese, terms running out flagged,
and the social organisations working there (三社联动); bad input refused with nothing stored."""
from datetime import timedelta

import pytest
from django.utils import timezone

from community import structures
from community.models import Body, BodyContact, BodyPost, MeetingParticipant, OwnersCommittee, PropertyCompany
from community.services import meeting_add_participant, meeting_create
from grids.models import Community, StaffProfile
from tests.conftest import GRID_A, GRID_A2, GRID_B
from tests.orgs.conftest import make_organisation

pytestmark = pytest.mark.django_db

COMMITTEES = "/api/v1/community/owners-committees/"
COMPANIES = "/api/v1/community/property-companies/"
COMMUNITY_A, COMMUNITY_A2, COMMUNITY_B = GRID_A[:12], GRID_A2[:12], GRID_B[:12]


def community_worker(user) -> StaffProfile:
    """The person as one of their community's own workers (社区工作者), who may hold its posts."""
    profile = StaffProfile.objects.get(user=user)
    profile.force_group = StaffProfile.ForceGroup.COMMUNITY
    profile.save(update_fields=["force_group"])
    return profile


def committee_data(community=COMMUNITY_A, *, name="清华东路西小区业主委员会", ends_in=700, **extra):
    today = timezone.localdate()
    return {"community": community, "compound": "清华东路西小区", "name": name,
            "starts_on": str(today - timedelta(days=1000)), "ends_on": str(today + timedelta(days=ends_in)),
            "contacts": [{"name": "赵主任", "role": "主任", "phone": "13912345678"}], **extra}


def register(model, community_code=COMMUNITY_A, *, user, name="业主委员会", ends_in=700, contacts=()):
    today = timezone.localdate()
    return structures.compound_body_register(
        user=user, model=model, community=Community.objects.get(code=community_code), name=name,
        starts_on=today - timedelta(days=1000), ends_on=today + timedelta(days=ends_in), contacts=contacts)


def test_it_records_a_committee_with_its_contacts_for_the_staff_of_the_community(api_as, cast):
    created = api_as(cast.community_a).post(COMMITTEES, committee_data(), format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["community"] == COMMUNITY_A and body["ends_soon"] is False and body["has_ended"] is False
    assert body["contacts"] == [{"id": body["contacts"][0]["id"], "name": "赵主任", "role": "主任",
                                 "phone": "13912345678"}]
    company = api_as(cast.community_a).post(COMPANIES, committee_data(name="北京燕园物业服务有限公司"), format="json")
    assert company.status_code == 201 and company.json()["contacts"][0]["phone"] == "13912345678"


def test_records_are_scoped_by_role_and_phones_masked_outside_the_community(api_as, cast):
    committee = register(OwnersCommittee, user=cast.community_a,
                         contacts=[{"name": "赵主任", "role": "主任", "phone": "13912345678"}])
    register(OwnersCommittee, COMMUNITY_B, user=cast.dispatcher_b, name="青龙桥业委会")
    url = f"{COMMITTEES}{committee.pk}/"
    in_full = {"worker_a": True, "community_a": True, "dispatcher_a": True, "commander": True,
               "evaluator": False, "auditor": False, "call_taker": False}
    for person, full in in_full.items():
        answer = api_as(getattr(cast, person)).get(url)
        assert answer.status_code == 200, person
        assert answer.json()["contacts"][0]["phone"] == ("13912345678" if full else "139****5678"), person
    for outsider in ("worker_b", "dispatcher_b"):
        assert api_as(getattr(cast, outsider)).get(url).status_code == 404, outsider
    assert api_as(cast.station_a).get(url).status_code in (403, 404)  # departments have no business here
    names = {row["name"] for row in api_as(cast.dispatcher_b).get(COMMITTEES).json()["results"]}
    assert names == {"青龙桥业委会"}
    everyone = {row["name"] for row in api_as(cast.commander).get(COMMITTEES).json()["results"]}
    assert {"业主委员会", "青龙桥业委会"} <= everyone
    assert api_as(cast.call_taker).post(COMMITTEES, committee_data(), format="json").status_code == 403


def test_terms_ending_within_ninety_days_or_ended_are_flagged(api_as, client, cast):
    register(OwnersCommittee, user=cast.community_a, name="将到期业委会", ends_in=30)
    register(OwnersCommittee, user=cast.community_a, name="已到期业委会", ends_in=-5)
    register(OwnersCommittee, user=cast.community_a, name="任期内业委会", ends_in=400)
    register(PropertyCompany, user=cast.community_a, name="合同将满物业", ends_in=90)
    ending = api_as(cast.community_a).get(COMMITTEES, {"ending": "true", "community": COMMUNITY_A}).json()
    assert {row["name"] for row in ending["results"]} == {"将到期业委会", "已到期业委会"}
    running = api_as(cast.community_a).get(COMMITTEES, {"ending": "false"}).json()
    assert {row["name"] for row in running["results"]} == {"任期内业委会"}
    client.force_login(cast.community_a)
    page = client.get(f"/community/communities/{COMMUNITY_A}/")
    assert [body.name for body in page.context["structure"].ending] == ["将到期业委会", "已到期业委会", "合同将满物业"]
    html = page.content.decode()
    assert "任期或合同即将到期" in html and "已到期" in html and "30 天后到期" in html


@pytest.mark.parametrize(("change", "field"), [
    ({"ends_on": "2020-01-01", "starts_on": "2021-01-01"}, "ends_on"),
    ({"ends_on": "2021-01-01", "starts_on": "2021-01-01"}, "ends_on"),
    ({"community": "110108999999"}, "community"),
    ({"community": COMMUNITY_B}, "community"),  # not a community community_a serves
    ({"contacts": [{"name": "赵主任", "role": "主任", "phone": "打我电话"}]}, "contacts"),
    ({"contacts": [{"name": "赵主任", "role": "主任", "phone": "1391234567890123456789"}]}, "contacts"),
    ({"contacts": [{"name": "", "role": "主任", "phone": "13912345678"}]}, "contacts"),
    ({"name": ""}, "name"),
])
def test_bad_input_is_a_400_on_the_field_and_stores_nothing(api_as, cast, change, field):
    before = (OwnersCommittee.objects.count(), BodyContact.objects.count())
    answer = api_as(cast.community_a).post(COMMITTEES, {**committee_data(), **change}, format="json")
    assert answer.status_code == 400 and field in answer.json(), answer.content
    assert (OwnersCommittee.objects.count(), BodyContact.objects.count()) == before


def test_a_contact_is_added_and_a_malformed_phone_refused(api_as, cast):
    committee = register(OwnersCommittee, user=cast.community_a)
    url = f"{COMMITTEES}{committee.pk}/contacts/"
    bad = api_as(cast.community_a).post(url, {"name": "钱委员", "role": "委员", "phone": "abc"})
    assert bad.status_code == 400 and "phone" in bad.json() and not committee.contacts.exists()
    added = api_as(cast.community_a).post(url, {"name": "钱委员", "role": "委员", "phone": "010-62345678"})
    assert added.status_code == 201 and added.json()["phone"] == "010-62345678"
    assert api_as(cast.worker_b).post(url, {"name": "x", "role": "y", "phone": "13900000000"}).status_code == 403
    assert api_as(cast.dispatcher_b).post(url, {"name": "x", "role": "y", "phone": "13900000000"}).status_code == 404


def test_a_meeting_names_the_committee_and_company_it_brought_together(api_as, client, cast):
    committee = register(OwnersCommittee, user=cast.community_a, name="东区业主委员会")
    company = register(PropertyCompany, user=cast.community_a, name="燕园物业")
    elsewhere = register(OwnersCommittee, COMMUNITY_A2, user=cast.dispatcher_a, name="邻社区业委会")
    today = timezone.localdate()
    api = api_as(cast.community_a)
    meeting = api.post("/api/v1/community/meetings/", {"community": COMMUNITY_A, "topic": "四方共建联席会",
                                                       "held_on": str(today)}).json()
    url = f"/api/v1/community/meetings/{meeting['id']}/participants/"
    linked = api.post(url, {"party": "owners_committee", "name": "赵主任", "owners_committee": committee.pk})
    assert linked.status_code == 201
    assert linked.json()["owners_committee"] == committee.pk and linked.json()["affiliation"] == "东区业主委员会"
    assert api.post(url, {"party": "property_company", "name": "钱经理",
                          "property_company": company.pk}).status_code == 201
    wrong_party = api.post(url, {"party": "residents", "name": "孙代表", "owners_committee": committee.pk})
    other_community = api.post(url, {"party": "owners_committee", "name": "李主任", "owners_committee": elsewhere.pk})
    unknown = api.post(url, {"party": "owners_committee", "name": "周主任", "owners_committee": 999999})
    for refused in (wrong_party, other_community, unknown):
        assert refused.status_code == 400 and "owners_committee" in refused.json(), refused.content
    assert MeetingParticipant.objects.filter(meeting_id=meeting["id"]).count() == 2
    client.force_login(cast.community_a)
    html = client.get(f"/community/meetings/{meeting['id']}/").content.decode()
    assert f'href="/community/communities/{COMMUNITY_A}/#ownerscommittee-{committee.pk}"' in html
    assert f'href="/community/communities/{COMMUNITY_A}/#propertycompany-{company.pk}"' in html


def test_free_text_participants_are_linked_when_their_body_is_recorded(cast):
    community = Community.objects.get(code=COMMUNITY_A)
    meeting = meeting_create(user=cast.community_a, community=community, topic="议事会",
                             held_on=timezone.localdate())
    named = meeting_add_participant(user=cast.community_a, meeting=meeting, party="owners_committee", name="赵主任",
                                    affiliation="西区业主委员会")
    unnamed = meeting_add_participant(user=cast.community_a, meeting=meeting, party="owners_committee", name="钱委员")
    committee = register(OwnersCommittee, user=cast.community_a, name="西区业主委员会")
    named.refresh_from_db()
    unnamed.refresh_from_db()
    assert named.owners_committee == committee and named.affiliation == "西区业主委员会"
    assert unnamed.owners_committee is None  # nothing to match: the free text stays as it was


def test_the_community_page_shows_the_three_bodies_and_their_people_in_chinese(client, cast):
    community = Community.objects.get(code=COMMUNITY_A)
    secretary = community_worker(cast.community_a)
    for body, title in ((Body.PARTY_ORG, BodyPost.Title.SECRETARY), (Body.RESIDENTS_COMMITTEE,
                                                                     BodyPost.Title.DIRECTOR)):
        structures.body_post_appoint(user=cast.dispatcher_a, community=community, body=body, title=title,
                                     staff=secretary)
    register(OwnersCommittee, user=cast.community_a, name="东区业主委员会",
             contacts=[{"name": "赵主任", "role": "主任", "phone": "13912345678"}])
    client.force_login(cast.worker_a)
    html = client.get(f"/community/communities/{COMMUNITY_A}/").content.decode()
    for words in ("社区党组织", "居委会", "社区服务站", "书记", "主任", "community_a", "东区业主委员会",
                  "13912345678", "三位一体", "四方共建", "三社联动"):
        assert words in html, words
    client.force_login(cast.evaluator)
    assert "139****5678" in client.get(f"/community/communities/{COMMUNITY_A}/").content.decode()
    client.force_login(cast.worker_b)
    assert client.get(f"/community/communities/{COMMUNITY_A}/").status_code == 404


def test_a_post_goes_only_to_the_communitys_own_staff(cast):
    from django.core.exceptions import ValidationError

    outsider = community_worker(cast.worker_b)
    with pytest.raises(ValidationError) as refused:
        structures.body_post_appoint(user=cast.commander, community=Community.objects.get(code=COMMUNITY_A),
                                     body=Body.SERVICE_STATION, title=BodyPost.Title.STATION_HEAD, staff=outsider)
    assert "staff" in refused.value.message_dict


def test_the_community_page_records_a_body_and_refuses_a_bad_term(client, cast):
    client.force_login(cast.community_a)
    url = f"/community/communities/{COMMUNITY_A}/"
    form = {"form": "body", "body-kind": "property_company", "body-compound": "东区", "body-name": "北科物业",
            "body-starts_on": "2025-01-01", "body-ends_on": "2024-01-01", "body-contact_name": "孙经理",
            "body-contact_role": "项目经理", "body-contact_phone": "13800001111"}
    refused = client.post(url, form)
    assert refused.status_code == 400 and "结束日期" in refused.content.decode()
    assert not PropertyCompany.objects.filter(name="北科物业").exists()
    bad_phone = client.post(url, {**form, "body-ends_on": "2028-01-01", "body-contact_phone": "电话"})
    assert bad_phone.status_code == 400 and not PropertyCompany.objects.filter(name="北科物业").exists()
    assert client.post(url, {**form, "body-ends_on": "2028-01-01"}).status_code == 302
    company = PropertyCompany.objects.get(name="北科物业")
    assert company.compound == "东区" and company.contacts.get().role == "项目经理"


def test_the_social_organisations_of_the_community_show_on_its_page(api_as, cast):
    organisation = make_organisation("学院路社区养老服务社")
    organisation.community = Community.objects.get(code=COMMUNITY_A)
    organisation.save()
    make_organisation("别处的社会组织")
    structure = api_as(cast.dispatcher_a).get(f"/api/v1/community/communities/{COMMUNITY_A}/structure/").json()
    assert structure["social"]["available"] is True
    assert [row["name"] for row in structure["social"]["organisations"]] == ["学院路社区养老服务社"]
    assert structure["social"]["social_workers_recorded"] is False
    assert [body["body"] for body in structure["bodies"]] == ["party_org", "residents_committee", "service_station"]
    assert api_as(cast.worker_b).get(f"/api/v1/community/communities/{COMMUNITY_A}/structure/").status_code == 404


def test_the_community_page_records_a_post_for_the_communitys_own_staff(client, cast):
    client.force_login(cast.dispatcher_a)
    url = f"/community/communities/{COMMUNITY_A}/"
    own, outsider = community_worker(cast.community_a), community_worker(cast.worker_b)
    not_a_community_worker = StaffProfile.objects.get(user=cast.worker_a)
    form = {"form": "post", "post-body": "service_station", "post-title": "station_head"}
    for refused in (outsider, not_a_community_worker):
        assert client.post(url, {**form, "post-staff": refused.pk}).status_code == 400
    assert client.post(url, {**form, "post-staff": own.pk}).status_code == 302
    assert client.post(url, {**form, "post-staff": own.pk}).status_code == 400  # already holds it
    assert list(BodyPost.objects.filter(community__code=COMMUNITY_A).values_list("body", "title", "staff")) == [
        ("service_station", "station_head", own.pk)]
    client.force_login(cast.worker_a)  # grid workers read the posts but record none
    refused = client.post(url, {**form, "post-staff": own.pk, "post-title": "member"})
    assert refused.status_code == 400 and BodyPost.objects.filter(community__code=COMMUNITY_A).count() == 1
    assert "站长" in refused.content.decode() and 'value="post"' not in refused.content.decode()
