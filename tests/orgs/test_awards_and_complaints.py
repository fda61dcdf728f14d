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
    response = api.post("/api/v1/orgs/public/complaints/", {"organisation": provider.pk,
                                                            "content": "以公益名义收费", "complainant_phone": "13800000000"})
    assert response.status_code == 201
    complaint = Complaint.objects.get()
    assert complaint.channel == "online" and complaint.status == "received"
    url = f"/api/v1/orgs/complaints/{complaint.pk}/act/"
    assert api_as(cast.dispatcher_b).post(url, {"action": "investigate"}).status_code == 404
    client = api_as(cast.dispatcher_a)
    assert client.post(url, {"action": "close", "finding": "upheld", "measure": "warning",
                             "result": "x"}).status_code == 400  # not investigated yet
    assert client.post(url, {"action": "investigate"}).json()["status"] == "investigating"
    assert client.post(url, {"action": "close", "result": "x"}).status_code == 400  # finding and measure required
    contradiction = client.post(url, {"action": "close", "finding": "not_upheld", "measure": "warning", "result": "x"})
    assert contradiction.status_code == 400 and "measure" in contradiction.json()
    exit_by_street = client.post(url, {"action": "close", "finding": "upheld", "measure": "deregistration",
                                       "result": "查实违规收费，予以注销"})
    assert exit_by_street.status_code == 400 and "measure" in exit_by_street.json()  # registered by the district
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
    assert client.post(f"/orgs/complaints/{complaint.pk}/", {"form": "investigate"}).status_code == 302
    bad = client.post(f"/orgs/complaints/{complaint.pk}/", {"form": "close", "close-finding": "upheld",
                                                            "close-measure": "", "close-result": "已整改"})
    assert bad.status_code == 400 and "已整改" in bad.content.decode()
    ok = client.post(f"/orgs/complaints/{complaint.pk}/", {"form": "close", "close-finding": "upheld",
                                                           "close-measure": "rectification", "close-result": "已整改"})
    assert ok.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "closed" and complaint.handled_by == cast.dispatcher_a
    client.force_login(cast.dispatcher_b)
    assert client.get(f"/orgs/complaints/{complaint.pk}/").status_code == 404
    other = make_organisation("青龙桥组织", street=STREET_B)
    client.force_login(cast.dispatcher_a)
    page = client.get("/orgs/complaints/")
    assert page.status_code == 200 and other.name not in [c.organisation.name for c in page.context["page"]]
