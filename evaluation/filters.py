"""The list filters of the evaluation API (documented in the schema; a malformed value is a 400)
and pages (a value that does not validate is not applied)."""
import django_filters
from django.core.validators import RegexValidator

from .models import ResultRun, ScoreSheet, SubjectResult

PERIOD_CODE = "A period code, e.g. 2026H1"


class SheetFilter(django_filters.FilterSet):
    period = django_filters.CharFilter(field_name="round__period__code", help_text=PERIOD_CODE)

    class Meta:
        model = ScoreSheet
        fields = ["period", "status", "flow", "evaluator_code", "evaluatee_code"]


class RunFilter(django_filters.FilterSet):
    period = django_filters.CharFilter(field_name="period__code", help_text=PERIOD_CODE)

    class Meta:
        model = ResultRun
        fields = ["period", "status"]


class ResultFilter(django_filters.FilterSet):
    run = django_filters.NumberFilter(field_name="run", help_text="A run id")
    period = django_filters.CharFilter(method="published_in", help_text=f"{PERIOD_CODE}: its published results")

    class Meta:
        model = SubjectResult
        fields = ["run", "period", "kind", "code", "street_code", "department_code"]

    def published_in(self, queryset, name, value):
        return queryset.filter(run__period__code=value, run__status=ResultRun.Status.PUBLISHED)


class RankingFilter(django_filters.FilterSet):
    """The ranking page: one street's units. A street code is digits; anything else ranks them all."""

    street = django_filters.CharFilter(field_name="street_code", validators=[RegexValidator(r"^[0-9]+\Z")])

    class Meta:
        model = SubjectResult
        fields = ["street"]
