"""Social organisations: application → registered or filed → active → deregistered, with the
working-day approval limit tracked and overdue applications flagged."""
from datetime import date, timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from core.calendar import add_working_days, working_days_between
from orgs.models import SocialOrganisation
from orgs.seeding import seed
from orgs.services import organisations_flag_overdue
from orgs.tasks import OVERDUE_APPLICATIONS_TASK, flag_overdue_applications
from tests.conftest import STREET_A, STREET_B
from tests.orgs.conftest import make_organisation

pytestmark = pytest.mark.django_db

URL = "/api/v1/orgs/organisations/"


def _apply(client, name="学院路邻里互助会", kind="community", field="community_service", street=STREET_A, **extra):
    return client.post(URL, {"name": name, "kind": kind, "field": field, "street": street,
                             "purpose": "开展邻里互助", "legal_representative": "李四",
                             "contact_phone": "13800000000", **extra})


def test_working_days_skip_national_day_and_count_make_up_days():
    # 2025: 1–8 October off, Saturday 11 October worked.
    assert add_working_days(date(2025, 9, 30), 5) == date(2025, 10, 14)
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 14)) == 5


def test_years_the_calendar_does_not_cover_fall_back_to_monday_to_friday():
    assert add_working_days(date(2035, 3, 2), 5) == date(2035, 3, 9)  # Friday + 5 → next Friday
    assert working_days_between(date(2035, 3, 2), date(2035, 3, 12)) == 6


def test_the_route_follows_kind_and_field(api_as, cast):
    street = api_as(cast.dispatcher_a)
    filing = _apply(street).json()
    assert filing["route"] == "filing" and filing["status"] == "applied"
    district = api_as(cast.commander)
    direct = _apply(district, name="海淀公益慈善促进会", kind="social_group", field="charity", street="").json()
    assert direct["route"] == "direct" and direct["street"] is None
    supervised = _apply(district, name="海淀校友联谊会", kind="social_group", field="other", street="").json()
    assert supervised["route"] == "supervised"
    applied = date.fromisoformat(filing["applied_on"])
    assert filing["decision_due_on"] == str(add_working_days(applied, 5))
    assert direct["decision_due_on"] == str(add_working_days(applied, 10))


def test_a_filing_is_decided_by_its_street_and_lives_to_its_exit(api_as, cast):
    filing = _apply(api_as(cast.dispatcher_a)).json()
    act = f"{URL}{filing['id']}/act/"
    assert api_as(cast.dispatcher_b).post(act, {"action": "approve"}).status_code == 404
    assert api_as(cast.worker_a).post(act, {"action": "approve"}).status_code == 403
    client = api_as(cast.dispatcher_a)
    detail = client.get(f"{URL}{filing['id']}/").json()
    assert detail["available_actions"] == ["approve", "reject"] and detail["working_days_taken"] == 0
    approved = client.post(act, {"action": "approve"}).json()
    assert approved["status"] == "filed" and approved["registration_number"].startswith("BA")
    assert client.post(act, {"action": "approve"}).status_code == 409  # already filed
    assert client.post(act, {"action": "activate"}).json()["status"] == "active"
    assert client.post(act, {"action": "deregister"}).status_code == 400  # reason required
    gone = client.post(act, {"action": "deregister", "reason": "成员解散"}).json()
    assert gone["status"] == "deregistered" and gone["deregistered_on"] == str(timezone.localdate())


def test_a_registration_needs_the_district_and_a_valid_credit_code(api_as, cast):
    organisation = _apply(api_as(cast.commander), name="海淀科技志愿者协会", kind="social_group", field="science",
                          street=STREET_A).json()
    act = f"{URL}{organisation['id']}/act/"
    refused = api_as(cast.dispatcher_a).post(act, {"action": "approve", "registration_number": "51110108MJ0099999X"})
    assert refused.status_code == 403  # the street sees it, but registrations are the district's
    client = api_as(cast.commander)
    for number in ("", "123", "51110108MJ00999990", "51110108MJ009999IX"[:17] + "I"):
        response = client.post(act, {"action": "approve", "registration_number": number})
        assert response.status_code == 400 and "registration_number" in response.json(), number
    ok = client.post(act, {"action": "approve", "registration_number": "51110108mj0099999x"})
    assert ok.status_code == 200 and ok.json()["status"] == "registered"
    assert ok.json()["registration_number"] == "51110108MJ0099999X"
    other = _apply(client, name="另一个协会", kind="social_group", field="science", street=STREET_A).json()
    clash = client.post(f"{URL}{other['id']}/act/", {"action": "approve", "registration_number": "51110108MJ0099999X"})
    assert clash.status_code == 400 and "registration_number" in clash.json()


def test_overdue_applications_are_flagged_by_the_sweep(api_as, cast):
    client = api_as(cast.dispatcher_a)
    old = _apply(client, name="老申请", applied_on=str(timezone.localdate() - timedelta(days=30))).json()
    fresh = _apply(client, name="新申请").json()
    assert old["is_overdue"] is True  # recorded late: already past the limit
    SocialOrganisation.objects.filter(pk=old["id"]).update(is_overdue=False)
    assert flag_overdue_applications() == 1
    assert organisations_flag_overdue() == 0
    assert SocialOrganisation.objects.get(pk=old["id"]).is_overdue
    assert not SocialOrganisation.objects.get(pk=fresh["id"]).is_overdue
    overdue = client.get(URL, {"is_overdue": "true", "status": "applied"}).json()
    assert [row["name"] for row in overdue["results"]] == ["老申请"]
    decided = client.post(f"{URL}{old['id']}/act/", {"action": "reject", "reason": "材料不全"}).json()
    assert decided["is_overdue"] is False and decided["status"] == "rejected"
    seed(demo=False)
    assert PeriodicTask.objects.get(task=OVERDUE_APPLICATIONS_TASK).enabled


@pytest.mark.parametrize("overrides, field", [
    ({"kind": "cult"}, "kind"),
    ({"street": ""}, "street"),  # a community organisation is filed at a street
    ({"street": STREET_B}, "street"),  # not the dispatcher's street
    ({"street": "999999999"}, "street"),
    ({"contact_phone": "phone me"}, "contact_phone"),
    ({"applied_on": "2999-01-01"}, "applied_on"),
    ({"name": ""}, "name"),
])
def test_bad_applications_get_400_and_store_nothing(api_as, cast, overrides, field):
    before = SocialOrganisation.objects.count()
    response = _apply(api_as(cast.dispatcher_a), **overrides)
    assert response.status_code == 400 and field in response.json(), response.content
    assert SocialOrganisation.objects.count() == before


def test_a_duplicate_name_is_refused(api_as, cast):
    client = api_as(cast.dispatcher_a)
    assert _apply(client).status_code == 201
    response = _apply(client)
    assert response.status_code == 400 and "name" in response.json()


def test_organisations_are_scoped_to_the_street(api_as, client, cast):
    filing = _apply(api_as(cast.dispatcher_a)).json()
    assert api_as(cast.dispatcher_b).get(f"{URL}{filing['id']}/").status_code == 404
    assert api_as(cast.worker_a).get(f"{URL}{filing['id']}/").status_code == 200
    assert api_as(cast.station_a).get(URL).status_code == 403
    client.force_login(cast.dispatcher_b)
    assert client.get(f"/orgs/{filing['id']}/").status_code == 404


def test_the_pages_record_and_decide_an_application(client, cast):
    assert client.get("/orgs/").status_code == 302
    client.force_login(cast.dispatcher_a)
    bad = client.post("/orgs/new/", {"name": "书画社", "kind": "community", "field": "community_service",
                                     "street": STREET_B, "purpose": "x", "legal_representative": "王",
                                     "contact_phone": "13800000000", "applied_on": str(timezone.localdate())})
    assert bad.status_code == 400 and 'value="书画社"' in bad.content.decode() and "errorlist" in bad.content.decode()
    ok = client.post("/orgs/new/", {"name": "书画社", "kind": "community", "field": "community_service",
                                    "street": STREET_A, "purpose": "x", "legal_representative": "王",
                                    "contact_phone": "13800000000", "applied_on": str(timezone.localdate())})
    assert ok.status_code == 302
    organisation = SocialOrganisation.objects.get(name="书画社")
    refused = client.post(f"/orgs/{organisation.pk}/", {"form": "act-reject", "reject-action": "reject",
                                                        "reject-reason": ""})
    assert refused.status_code == 400 and "errorlist" in refused.content.decode()
    approved = client.post(f"/orgs/{organisation.pk}/", {"form": "act-approve", "approve-action": "approve"})
    assert approved.status_code == 302
    organisation.refresh_from_db()
    assert organisation.status == "filed"
    assert client.get("/orgs/", {"status": "filed"}).status_code == 200


def test_the_organisations_page_narrows_the_list_by_status_kind_overdue_and_name_or_number(client, cast):
    charity = make_organisation("阳光社工事务所")
    group = make_organisation("书法协会", kind="social_group")
    waiting = make_organisation("学院路邻里互助会", status="applied", kind="community")
    late = make_organisation("逾期的互助会", status="applied", kind="community")
    SocialOrganisation.objects.filter(pk=late.pk).update(is_overdue=True)
    client.force_login(cast.dispatcher_a)

    def listed(**params):
        page = client.get("/orgs/", params)
        assert page.status_code == 200
        return {organisation.pk for organisation in page.context["page"]}

    everyone = {charity.pk, group.pk, waiting.pk, late.pk}
    assert listed() == listed(status="lost", kind="club", overdue="soon") == everyone
    assert listed(status="applied") == {waiting.pk, late.pk}
    assert listed(kind="social_group") == {group.pk}
    assert listed(overdue=1) == {late.pk}
    assert listed(q=" 阳光 ") == listed(q=charity.registration_number) == {charity.pk}
    page = client.get("/orgs/", {"kind": "social_group", "q": " 书法 ", "status": "lost"})
    assert (page.context["kind"], page.context["q"], page.context["status"]) == ("social_group", "书法", "")


def test_the_overdue_task_is_known_to_the_celery_app():
    from haidian.celery import app

    app.loader.import_default_modules()
    assert OVERDUE_APPLICATIONS_TASK in app.tasks


def test_lists_take_a_constant_number_of_queries(api_as, client, cast, django_assert_max_num_queries):
    client_a = api_as(cast.dispatcher_a)
    for index in range(12):
        _apply(client_a, name=f"组织{index}")
    with django_assert_max_num_queries(10):
        assert client_a.get(URL).json()["count"] == 12
    client.force_login(cast.dispatcher_a)
    with django_assert_max_num_queries(20):
        assert client.get("/orgs/").status_code == 200


def test_each_mistake_on_an_organisations_step_gets_its_own_answer(api_as, cast):
    filing = _apply(api_as(cast.dispatcher_a)).json()
    registration = _apply(api_as(cast.commander), name="海淀科技志愿者协会", kind="social_group", field="science",
                          street=STREET_A).json()

    def act(user, organisation, **data):
        return api_as(user).post(f"{URL}{organisation['id']}/act/", data)

    assert act(cast.dispatcher_b, filing, action="approve").status_code == 404  # another street's: out of sight
    assert act(cast.worker_a, filing, action="approve").status_code == 403  # a grid worker's role decides nothing
    assert act(cast.dispatcher_a, registration, action="reject", reason="材料不全").status_code == 403  # the district's
    assert api_as(cast.dispatcher_a).get(f"{URL}{registration['id']}/").json()["available_actions"] == []
    assert act(cast.dispatcher_a, filing, action="activate").status_code == 409  # not filed yet
    missing = act(cast.dispatcher_a, filing, action="reject")
    assert missing.status_code == 400 and "reason" in missing.json()
    unknown = act(cast.dispatcher_a, filing, action="promote")
    assert unknown.status_code == 400 and "action" in unknown.json()
    assert set(SocialOrganisation.objects.values_list("status", flat=True)) == {"applied"}
