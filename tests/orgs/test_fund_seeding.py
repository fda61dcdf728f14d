"""The demo reproduces the source's figures: the innovation fund's 40 M yuan a year since 2011 and its 219
projects supported, and 1.2 M yuan of awards a year, each year within its budget; a second run adds nothing."""
from decimal import Decimal

import pytest
from django.db.models import Count, Sum
from django.utils import timezone

from orgs import selectors
from orgs.models import Award, FundApplication, FundBudget, FundCall
from orgs.seeding import seed
from tests.conftest import built_for_a_module

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    with built_for_a_module(django_db_blocker, lambda: seed(demo=True)):
        yield


def test_the_fund_has_supported_219_projects_within_40_million_a_year(demo_data):
    this_year = timezone.localdate().year
    assert selectors.fund_supported(FundApplication.objects.all())["projects"] == 219
    innovation = FundBudget.objects.filter(programme="innovation")
    assert set(innovation.values_list("year", flat=True)) == set(range(2011, this_year + 1))
    assert set(innovation.values_list("amount", flat=True)) == {Decimal("40000000")}
    for budget in selectors.budgets_with_awarded(innovation):
        assert 0 <= budget.awarded <= budget.amount and budget.remaining == budget.amount - budget.awarded
    by_year = FundApplication.objects.filter(status="completed").values("call__year").annotate(n=Count("id"))
    assert {row["call__year"] for row in by_year} == set(range(2011, this_year))
    assert FundCall.objects.get(year=this_year).is_open()
    assert set(FundApplication.objects.filter(call__year=this_year).values_list("status", flat=True)) == {
        "draft", "submitted", "under_review"}


def test_awards_use_their_whole_budget_of_1_2_million_each_year(demo_data):
    awards = selectors.budgets_with_awarded(FundBudget.objects.filter(programme="awards"))
    past = [budget for budget in awards if budget.year < timezone.localdate().year]
    assert len(past) == 4
    for budget in past:
        assert budget.amount == budget.awarded == Decimal("1200000") and budget.remaining == 0
        assert Award.objects.filter(year=budget.year).aggregate(total=Sum("amount"))["total"] == budget.amount


def test_seeding_again_adds_nothing(demo_data):
    counts = (FundBudget.objects.count(), FundCall.objects.count(), FundApplication.objects.count())
    seed(demo=True)
    assert (FundBudget.objects.count(), FundCall.objects.count(), FundApplication.objects.count()) == counts
