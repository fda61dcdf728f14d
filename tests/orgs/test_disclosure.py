"""The public disclosure page: registered and filed organisations and purchased projects, without
login and without private data."""
from datetime import date
from decimal import Decimal

import pytest

from orgs.models import CatalogueItem, PurchaseProject
from tests.orgs.conftest import make_organisation

pytestmark = pytest.mark.django_db


def test_only_standing_organisations_are_listed_and_nothing_private(api, client, provider):
    make_organisation("申请中的组织", status="applied")
    make_organisation("被拒组织", status="rejected")
    rows = api.get("/api/v1/orgs/public/organisations/", {"page_size": 1000}).json()["results"]
    names = {row["name"] for row in rows}
    assert "阳光社工事务所" in names and not names & {"申请中的组织", "被拒组织"}
    assert "contact_phone" not in rows[0] and "purpose" not in rows[0]
    page = client.get("/orgs/public/", {"q": "阳光"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "阳光社工事务所" in html and "010-62000000" not in html


def test_purchased_projects_are_published(api, client, provider):
    PurchaseProject.objects.create(code="pub", title="困境儿童关爱项目", item=CatalogueItem.objects.first(), year=2024,
                                   budget=Decimal("120000"), provider=provider, area_code="110108",
                                   starts_on=date(2024, 1, 1), ends_on=date(2024, 12, 31))
    rows = api.get("/api/v1/orgs/public/projects/").json()["results"]
    assert rows[0]["title"] == "困境儿童关爱项目" and rows[0]["provider"] == "阳光社工事务所"
    assert "困境儿童关爱项目" in client.get("/orgs/public/").content.decode()
