"""Annual awards, and complaints from the public (群众举报) handled to a close, up to exit."""
import pytest
from django.utils import timezone

from orgs.models import Award, Complaint
from tests.conftest import STREET_B
from tests.orgs.conftest import make_organisation

pytestmark = pytest.mark.django_db


def test_awards_are_granted_once_a_year_and_totalled(api_as, cast, provider):
    client = api_as(cast.commander)
    year = timezone.localdate().year
    for title in ("outstanding_org", "brand_project"):
        assert client.post("/api/v1/orgs/awards/", {"organisation": provider.pk, "year": year, "title": title,
                                                    "amount": "50000"}).status_code == 201
    again = client.post("/api/v1/orgs/awards/", {"organisation": provider.pk, "year": year,
                                                 "title": "brand_project", "amount": "1"})
    assert again.status_code == 400 and "title" in again.json()
    future = client.post("/api/v1/orgs/awards/", {"organisation": provider.pk, "year": year + 1,
                                                  "title": "venture", "amount": "1"})
    assert future.status_code == 400 and "year" in future.json()
    totals = client.get("/api/v1/orgs/awards/totals/").json()
    assert totals == [{"year": year, "awards": 2, "amount": "100000.00"}]
    assert Award.objects.count() == 2


def test_a_public_report_is_handled_to_a_close_and_can_end_in_exit(api, api_as, cast, provider):
    response = api.post("/api/v1/orgs/public/complaints/", {
        "organisation": provider.pk, "content": "以公益名义收费", "complainant_phone": "13800000000"})
    assert response.status_code == 201
    complaint = Complaint.objects.get()
    assert complaint.channel == "online" and complaint.status == "received"
    url = f"/api/v1/orgs/complaints/{complaint.pk}/act/"
    assert api_as(cast.dispatcher_b).post(url, {"action": "investigate"}).status_code == 404
    client = api_as(cast.dispatcher_a)
    assert client.post(url, {"action": "close", "finding": "upheld", "measure": "warning",
                             "result": "x"}).status_code == 409  # not investigated yet
    assert client.post(url, {"action": "investigate"}).json()["status"] == "investigating"
    assert client.post(url, {"action": "close", "result": "x"}).status_code == 400  # finding and measure required
    contradiction = client.post(url, {"action": "close", "finding": "not_upheld", "measure": "warning", "result": "x"})
    assert contradiction.status_code == 400 and "measure" in contradiction.json()
    exit_by_street = client.post(url, {"action": "close", "finding": "upheld", "measure": "deregistration",
                                       "result": "查实违规收费，予以注销"})
    assert exit_by_street.status_code == 403  # registered by the district: its exit is the district's step
    assert Complaint.objects.get().status == "investigating"
    closed = api_as(cast.commander).post(url, {"action": "close", "finding": "upheld", "measure": "deregistration",
                                               "result": "查实违规收费，予以注销"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    provider.refresh_from_db()
    assert provider.status == "deregistered" and "查实违规收费" in provider.deregistration_reason


def test_bad_reports_get_400(api, provider):
    gone = make_organisation("已退出组织", status="deregistered")
    for payload, field in (({"organisation": gone.pk, "content": "x"}, "organisation"),
                           ({"organisation": 999999, "content": "x"}, "organisation"),
                           ({"organisation": provider.pk, "content": ""}, "content"),
                           ({"organisation": provider.pk, "content": "x", "complainant_phone": "abc"},
                            "complainant_phone")):
        response = api.post("/api/v1/orgs/public/complaints/", payload)
        assert response.status_code == 400 and field in response.json(), payload
    assert not Complaint.objects.exists()


def test_public_reports_are_throttled(client, provider):
    url = f"/orgs/public/report/?organisation={provider.pk}"
    assert client.get(url).status_code == 200
    statuses = [client.post("/orgs/public/report/", {"organisation": provider.pk, "content": "噪音"}).status_code
                for _ in range(11)]
    assert statuses[:10] == [201] * 10 and statuses[10] == 429
    assert Complaint.objects.count() == 10
    bad = client.get("/orgs/public/report/", {"organisation": 0})
    assert bad.status_code == 404


def test_the_complaint_pages(client, cast, provider):
    complaint = Complaint.objects.create(organisation=provider, channel="hotline", content="乱收费")
    client.force_login(cast.dispatcher_a)
    page = f"/orgs/complaints/{complaint.pk}/"
    assert client.post(page, {"form": "act-investigate", "investigate-action": "investigate"}).status_code == 302
    again = client.post(page, {"form": "act-investigate", "investigate-action": "investigate"})
    assert again.status_code == 400 and "errorlist" in again.content.decode()  # investigated already
    close = {"form": "act-close", "close-action": "close", "close-finding": "upheld", "close-result": "已整改"}
    bad = client.post(page, {**close, "close-measure": ""})
    assert bad.status_code == 400 and "已整改" in bad.content.decode()
    ok = client.post(page, {**close, "close-measure": "rectification"})
    assert ok.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "closed" and complaint.handled_by == cast.dispatcher_a
    still_open = Complaint.objects.create(organisation=provider, channel="online", content="服务差")
    listed = client.get("/orgs/complaints/", {"open": 1}).context["page"]
    assert [c.pk for c in listed] == [still_open.pk]
    client.force_login(cast.dispatcher_b)
    assert client.get(f"/orgs/complaints/{complaint.pk}/").status_code == 404
    other = make_organisation("青龙桥组织", street=STREET_B)
    client.force_login(cast.dispatcher_a)
    page = client.get("/orgs/complaints/")
    assert page.status_code == 200 and other.name not in [c.organisation.name for c in page.context["page"]]


def test_each_mistake_on_a_complaints_step_gets_its_own_answer(api_as, cast, provider):
    about_street_a = Complaint.objects.create(organisation=provider, channel="hotline", content="乱收费")
    district_body = make_organisation("海淀区慈善协会", kind="social_group", street=None)
    about_district_body = Complaint.objects.create(organisation=district_body, channel="letter", content="账目不清")

    def act(user, complaint, **data):
        return api_as(user).post(f"/api/v1/orgs/complaints/{complaint.pk}/act/", data)

    assert act(cast.dispatcher_b, about_street_a, action="investigate").status_code == 404  # out of sight
    assert act(cast.community_a, about_street_a, action="investigate").status_code == 403  # the role only takes down
    # The street sees complaints about district-level bodies but does not handle them.
    assert act(cast.dispatcher_a, about_district_body, action="investigate").status_code == 403
    detail = api_as(cast.dispatcher_a).get(f"/api/v1/orgs/complaints/{about_district_body.pk}/").json()
    assert detail["available_actions"] == []
    closing = {"action": "close", "finding": "upheld", "measure": "warning", "result": "已警告"}
    assert act(cast.dispatcher_a, about_street_a, **closing).status_code == 409  # not investigated yet
    assert act(cast.dispatcher_a, about_street_a, action="close").status_code == 409  # the state before the fields
    assert act(cast.dispatcher_a, about_street_a, action="investigate").json()["status"] == "investigating"
    detail = api_as(cast.dispatcher_a).get(f"/api/v1/orgs/complaints/{about_street_a.pk}/").json()
    assert detail["available_actions"] == ["close"]
    missing = act(cast.dispatcher_a, about_street_a, action="close", result="x")
    assert missing.status_code == 400 and {"finding", "measure"} <= set(missing.json())
    unknown = act(cast.dispatcher_a, about_street_a, action="dismiss")
    assert unknown.status_code == 400 and "action" in unknown.json()
    assert set(Complaint.objects.values_list("status", flat=True)) == {"received", "investigating"}
