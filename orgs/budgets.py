"""Annual budgets of the district's funds (the innovation fund, the awards to social organisations)
and the one check every award passes: the year's budget row is locked (``SELECT … FOR UPDATE``),
what the year has already awarded is summed under that lock, and an award that would go past the
budget is refused with what remains. Two awards granted at once queue on the lock, so the second
sees the first."""
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from core.errors import Conflict

from .models import Award, FundApplication, FundBudget

Programme = FundBudget.Programme


class OverBudget(Conflict):
    """An award past what remains (409); ``remaining`` is answered as a field too."""

    def __init__(self, message: str, remaining: Decimal):
        super().__init__(message, code="over_budget", extra={"remaining": f"{remaining:.2f}"})
        self.remaining = remaining


def awarded_in(programme: str, year: int) -> Decimal:
    """What the programme has awarded in the year (the innovation fund: its funded applications)."""
    if programme == Programme.AWARDS:
        total = Award.objects.filter(year=year).aggregate(total=Sum("amount"))["total"]
    else:
        total = FundApplication.objects.filter(call__year=year, status__in=FundApplication.FUNDED).aggregate(
            total=Sum("awarded_amount"))["total"]
    return total or Decimal("0")


def remaining_in(programme: str, year: int) -> Decimal:
    budget = FundBudget.objects.filter(programme=programme, year=year).first()
    return max(budget.amount - awarded_in(programme, year), Decimal("0")) if budget else Decimal("0")


def require_within_budget(programme: str, year: int, amount: Decimal) -> FundBudget:
    """Lock the year's budget and refuse ``amount`` if it does not fit. Call inside the award's transaction."""
    budget = FundBudget.objects.select_for_update().filter(programme=programme, year=year).first()
    if budget is None:
        raise OverBudget(_("No budget is set for %(year)s: nothing can be awarded (remaining 0.00 yuan).")
                         % {"year": year}, Decimal("0"))
    remaining = budget.amount - awarded_in(programme, year)
    if amount > remaining:
        raise OverBudget(_("This would exceed the %(year)s budget of %(budget)s yuan: %(remaining)s yuan remain.")
                         % {"year": year, "budget": f"{budget.amount:,.2f}", "remaining": f"{remaining:,.2f}"},
                         remaining)
    return budget
