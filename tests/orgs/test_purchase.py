"""Government purchase of services: catalogue, projects with budget, provider, period, milestones,
acceptance and assessment; totals by year and field."""
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission, User

from core.access import new_access_generation
from orgs.models import CatalogueItem, PurchaseProject
from tests.conftest import STREET_A, STREET_B
from tests.orgs.conftest import make_organisation

pytestmark = pytest.mark.django_db

URL = "/api/v1/orgs/projects/"


def _project(client, org, code="gp-t-1", year=2025, budget="200000", item="elderly-home-care", **extra):
    return client.post(URL, {"code": code, "title": "居家养老服务", "item": item, "year": year, "budget": budget,
                             "provider": org.pk, "street": STREET_A, "starts_on": f"{year}-03-01",
                             "ends_on": f"{year}-12-31", **extra})


def test_a_project_from_contract_to_assessment(api_as, cast, provider):
    client = api_as(cast.commander)
    project = _project(client, provider).json()
    act = f"{URL}{project['id']}/act/"
    outside = client.post(f"{URL}{project['id']}/milestones/", {"title": "中期", "due_on": "2026-01-05"})
    assert outside.status_code == 400 and "due_on" in outside.json()
    milestone = client.post(f"{URL}{project['id']}/milestones/", {"title": "中期评估", "due_on": "2025-07-01"}).json()
    assert client.post(act, {"action": "assess", "assessment_score": 90}).status_code == 409  # not accepted yet
    assert client.post(act, {"action": "start"}).json()["status"] == "in_progress"
    assert client.post(act, {"action": "accept", "acceptance_note": "ok"}).status_code == 409  # milestone open
    done = f"{URL}{project['id']}/milestones/{milestone['id']}/done/"
    assert client.post(done, {"done_on": "2025-07-01"}).status_code == 200
    assert client.post(done, {"done_on": "2025-07-01"}).status_code == 409  # done already
    assert client.post(act, {"action": "accept"}).status_code == 400  # note required
    assert client.post(act, {"action": "accept", "acceptance_note": "第三方验收合格"}).json()["status"] == "accepted"
    assert client.post(act, {"action": "assess", "assessment_score": 101}).status_code == 400
    assessed = client.post(act, {"action": "assess", "assessment_score": 82}).json()
    assert assessed["status"] == "assessed" and assessed["assessment_grade"] == "good"


def test_totals_by_year_and_field_are_summed_from_projects(api_as, cast, provider):
    client = api_as(cast.commander)
    _project(client, provider, code="a", year=2024, budget="100000")
    _project(client, provider, code="b", year=2024, budget="50000.50", item="youth-afterschool")
    _project(client, provider, code="c", year=2025, budget="70000")
    terminated = _project(client, provider, code="d", year=2025, budget="999999").json()
    client.post(f"{URL}{terminated['id']}/act/", {"action": "terminate", "reason": "服务方违约"})
    by_year = {row["key"]: row for row in client.get(f"{URL}totals/", {"by": "year"}).json()}
    assert Decimal(by_year["2024"]["budget"]) == Decimal("150000.50") and by_year["2024"]["projects"] == 2
    assert Decimal(by_year["2025"]["budget"]) == Decimal("70000")
    by_field = {row["key"]: row for row in client.get(f"{URL}totals/", {"by": "field"}).json()}
    assert Decimal(by_field["elderly"]["budget"]) == Decimal("170000")
    assert by_field["children_youth"]["projects"] == 1
    assert client.get(f"{URL}totals/", {"by": "colour"}).status_code == 400


@pytest.mark.parametrize("overrides, field", [
    ({"budget": "0"}, "budget"),
    ({"item": "nope"}, "item"),
    ({"ends_on": "2025-01-01"}, "ends_on"),
    ({"provider": 999999}, "provider"),
    ({"year": "last"}, "year"),
])
def test_bad_projects_get_400(api_as, cast, provider, overrides, field):
    response = _project(api_as(cast.commander), provider, **overrides)
    assert response.status_code == 400 and field in response.json(), response.content
    assert not PurchaseProject.objects.filter(code="gp-t-1").exists()


def test_only_standing_organisations_in_the_catalogue_are_contracted(api_as, cast, provider):
    client = api_as(cast.commander)
    applicant = make_organisation("尚未登记的组织", status="applied")
    assert "provider" in _project(client, applicant).json()
    CatalogueItem.objects.filter(code="elderly-home-care").update(active=False)
    assert "item" in _project(client, provider).json()
    assert api_as(cast.dispatcher_a).post(URL, {}).status_code == 403


def test_the_purchase_pages(client, cast, provider):
    PurchaseProject.objects.create(code="x", title="社区议事能力建设", item=CatalogueItem.objects.first(), year=2024,
                                   budget=Decimal("80000"), provider=provider, area_code="110108",
                                   starts_on=date(2024, 1, 1), ends_on=date(2024, 12, 31))
    client.force_login(cast.commander)
    page = client.get("/orgs/purchases/")
    assert page.status_code == 200 and "社区议事能力建设" in page.content.decode()
    project = PurchaseProject.objects.get(code="x")
    started = client.post(f"/orgs/purchases/{project.pk}/", {"form": "act-start", "start-action": "start"})
    assert started.status_code == 302
    bad = client.post(f"/orgs/purchases/{project.pk}/", {"form": "act-accept", "accept-action": "accept",
                                                         "accept-acceptance_note": ""})
    assert bad.status_code == 400 and "errorlist" in bad.content.decode()


def test_each_mistake_on_a_projects_step_gets_its_own_answer(api_as, cast, provider):
    commander = api_as(cast.commander)
    in_a = _project(commander, provider, code="in-a").json()
    in_b = _project(commander, provider, code="in-b", street=STREET_B).json()
    # Even a street given the right to change projects may not decide one: that is the district's step.
    cast.dispatcher_b.user_permissions.add(Permission.objects.get(codename="change_purchaseproject"))
    new_access_generation()
    street_b = api_as(User.objects.get(pk=cast.dispatcher_b.pk))

    assert street_b.post(f"{URL}{in_a['id']}/act/", {"action": "start"}).status_code == 404  # out of sight
    assert street_b.post(f"{URL}{in_b['id']}/act/", {"action": "start"}).status_code == 403  # not the district
    assert street_b.get(f"{URL}{in_b['id']}/").json()["available_actions"] == []
    assert api_as(cast.dispatcher_a).post(f"{URL}{in_a['id']}/act/", {"action": "start"}).status_code == 403  # role
    commander = api_as(cast.commander)
    assert commander.get(f"{URL}{in_a['id']}/").json()["available_actions"] == ["start", "terminate"]
    assert commander.post(f"{URL}{in_a['id']}/act/", {"action": "accept", "acceptance_note": "好"}).status_code == 409
    missing = commander.post(f"{URL}{in_a['id']}/act/", {"action": "terminate"})
    assert missing.status_code == 400 and "reason" in missing.json()
    unknown = commander.post(f"{URL}{in_a['id']}/act/", {"action": "cancel"})
    assert unknown.status_code == 400 and "action" in unknown.json()
    assert set(PurchaseProject.objects.values_list("status", flat=True)) == {"contracted"}
