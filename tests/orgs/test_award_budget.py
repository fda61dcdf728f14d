"""The awards to social organisations stay within the year's budget (1.2 M yuan a year): an award past it is
refused with what remains, on the API and on the page, and two awards granted at once cannot overspend it."""
import threading
from decimal import Decimal

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone

from orgs.budgets import OverBudget
from orgs.models import Award, FundBudget
from orgs.services import award_grant
from tests.cases.conftest import requires_postgres
from tests.conftest import make_cast
from tests.orgs.conftest import make_organisation

YEAR = timezone.localdate().year


@pytest.mark.django_db
def test_the_awards_budget_is_the_sources_figure(db):
    budget = FundBudget.objects.get(programme="awards", year=YEAR)
    assert budget.amount == Decimal("1200000")
    assert FundBudget.objects.get(programme="innovation", year=YEAR).amount == Decimal("40000000")


@pytest.mark.django_db
def test_an_award_past_the_budget_gets_409_with_what_remains(api_as, cast, provider):
    client = api_as(cast.commander)
    body = {"organisation": provider.pk, "year": YEAR, "title": "outstanding_org", "amount": "1150000"}
    assert client.post("/api/v1/orgs/awards/", body).status_code == 201
    refused = client.post("/api/v1/orgs/awards/", {**body, "title": "brand_project", "amount": "60000"})
    assert refused.status_code == 409
    assert refused.json()["remaining"] == "50000.00" and "50,000.00" in refused.json()["detail"]
    assert client.post("/api/v1/orgs/awards/", {**body, "title": "brand_project", "amount": "50000"}).status_code == 201
    no_budget = client.post("/api/v1/orgs/awards/", {**body, "year": 2001, "amount": "1"})
    assert no_budget.status_code == 409 and no_budget.json()["remaining"] == "0.00"
    zero = client.post("/api/v1/orgs/awards/", {**body, "title": "venture", "amount": "0"})
    assert zero.status_code == 400 and "amount" in zero.json()
    assert Award.objects.count() == 2


@pytest.mark.django_db
def test_the_awards_page_shows_the_refusal_as_a_form_error(cast, provider):
    award_grant(user=cast.commander, organisation=provider, year=YEAR, title="outstanding_org",
                amount=Decimal("1190000"))
    page = Client()
    page.force_login(cast.commander)
    response = page.post("/orgs/awards/", {
        "form": "award", "award-year": YEAR, "award-organisation": provider.registration_number,
        "award-title": "brand_project", "award-amount": "20000"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    text = response.content.decode()
    assert "10,000.00" in text and "预算" in text
    assert Award.objects.count() == 1


@requires_postgres
def test_two_awards_at_once_cannot_overspend_the_budget(seeded):
    cast = make_cast()
    winners = [make_organisation(f"并发组织{n}") for n in range(2)]

    results = [None, None]
    barrier = threading.Barrier(2)

    def grant(index):
        try:
            barrier.wait()
            award_grant(user=cast.commander, organisation=winners[index], year=YEAR, title="venture",
                        amount=Decimal("700000"))
            results[index] = "ok"
        except OverBudget as error:
            results[index] = error.remaining
        finally:
            connections.close_all()

    threads = [threading.Thread(target=grant, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results, key=str) == [Decimal("500000"), "ok"], results
    assert Award.objects.filter(year=YEAR).count() == 1
