"""The innovation fund's API and the budgets of both programmes: reads through ``visible_to`` (the
base viewset), writes through ``orgs.funds``; an award past the year's budget answers 409 with the
``remaining`` amount beside the message."""
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action

from core.api import AvailableActionsField, ScopedViewSet
from grids.models import Grid

from .. import funds, models, selectors
from ..workflow import APPLICATION_FLOW, INSTALMENT_FLOW
from .serializers import VisibleOrganisationField

MONEY = {"max_digits": 12, "decimal_places": 2}
POSITIVE = {**MONEY, "min_value": Decimal("0.01")}


def perm(action_name: str, model: str) -> list[str]:
    return [f"orgs.{action_name}_{model}"]


class BudgetOut(serializers.ModelSerializer):
    awarded = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    remaining = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = models.FundBudget
        fields = ["id", "programme", "year", "amount", "awarded", "remaining"]


class BudgetIn(serializers.Serializer):
    programme = serializers.ChoiceField(choices=models.FundBudget.Programme.choices)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))


class CallOut(serializers.ModelSerializer):
    is_open = serializers.BooleanField(read_only=True, help_text=_("Taking applications today"))

    class Meta:
        model = models.FundCall
        fields = ["id", "title", "year", "opens_on", "closes_on", "budget_share", "scope", "is_open"]


class CallIn(serializers.Serializer):
    title = serializers.CharField(max_length=150)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    budget_share = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    scope = serializers.CharField(max_length=2000)


class FundMilestoneOut(serializers.ModelSerializer):
    available_actions = AvailableActionsField(INSTALMENT_FLOW)

    class Meta:
        model = models.FundMilestone
        fields = ["id", "sequence", "title", "due_on", "instalment", "status", "report", "reported_on",
                  "returned_reason", "released_on", "available_actions"]


class ApplicationOut(serializers.ModelSerializer):
    community_grid = serializers.CharField(source="community_grid.code", default=None, allow_null=True)
    milestones = FundMilestoneOut(many=True, read_only=True)

    class Meta:
        model = models.FundApplication
        fields = ["id", "call", "organisation", "community_grid", "title", "category", "plan", "amount_requested",
                  "status", "submitted_on", "average_score", "awarded_amount", "decided_on", "decision_note",
                  "milestones"]


class ApplicationStatusOut(ApplicationOut):
    available_actions = AvailableActionsField(APPLICATION_FLOW)

    class Meta(ApplicationOut.Meta):
        fields = [*ApplicationOut.Meta.fields, "available_actions"]


class MilestonePlanIn(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    due_on = serializers.DateField()


class ApplicantOrganisationField(VisibleOrganisationField):
    """Among the organisations the user sees, or the one they belong to."""

    def get_queryset(self):
        user = self.context["request"].user
        return (super().get_queryset() | models.SocialOrganisation.objects.filter(members__user=user)).distinct()


class ApplicationIn(serializers.Serializer):
    call = serializers.PrimaryKeyRelatedField(queryset=models.FundCall.objects.all())
    organisation = ApplicantOrganisationField(required=False, allow_null=True)
    community_grid = serializers.SlugRelatedField(slug_field="code", queryset=Grid.objects.all(), required=False,
                                                  allow_null=True, help_text=_("15-digit code of a community grid"))
    title = serializers.CharField(max_length=150)
    category = serializers.ChoiceField(choices=models.FundApplication.Category.choices)
    plan = serializers.CharField(max_length=5000)
    amount_requested = serializers.DecimalField(**POSITIVE)
    milestones = MilestonePlanIn(many=True, max_length=funds.MAX_MILESTONES)


class ApplicationActIn(serializers.Serializer):
    action = serializers.ChoiceField(choices=APPLICATION_FLOW.choices())
    amount = serializers.DecimalField(**MONEY, required=False)
    instalments = serializers.ListField(child=serializers.DecimalField(**MONEY), required=False,
                                        max_length=funds.MAX_MILESTONES,
                                        help_text=_("One per milestone, in order, adding up to the amount"))
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class FundReviewIn(serializers.Serializer):
    # 0 to the scale on each criterion: the service says which score is outside it.
    innovation = serializers.IntegerField()
    feasibility = serializers.IntegerField()
    benefit = serializers.IntegerField()
    budget = serializers.IntegerField()
    comment = serializers.CharField(max_length=300, required=False, allow_blank=True)


class FundReviewOut(serializers.ModelSerializer):
    total = serializers.IntegerField(read_only=True)

    class Meta:
        model = models.FundReview
        fields = ["id", "application", "innovation", "feasibility", "benefit", "budget", "total", "comment",
                  "scored_at"]


class MilestoneActIn(serializers.Serializer):
    action = serializers.ChoiceField(choices=INSTALMENT_FLOW.choices())
    report = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


@extend_schema(tags=["orgs: funds"])
class BudgetViewSet(ScopedViewSet):
    """The yearly budgets of the innovation fund and of the awards, with what each year has awarded."""

    queryset = selectors.budgets_with_awarded(models.FundBudget.objects.all())
    output_serializer_class = BudgetOut
    input_serializer_class = BudgetIn
    filterset_fields = ["programme", "year"]

    def create(self, request):
        """Set a year's budget (never below what the year has awarded)."""
        return self.respond(funds.budget_set(user=request.user, **self.validated()), status.HTTP_201_CREATED)


@extend_schema(tags=["orgs: funds"])
class CallViewSet(ScopedViewSet):
    """Calls for proposals of the innovation fund."""

    queryset = models.FundCall.objects.all()
    output_serializer_class = CallOut
    input_serializer_class = CallIn
    filterset_fields = ["year"]

    def create(self, request):
        """Publish a call; the year's calls share at most the year's budget (409 past it)."""
        return self.respond(funds.call_create(user=request.user, **self.validated()), status.HTTP_201_CREATED)


@extend_schema(tags=["orgs: funds"])
class ApplicationViewSet(ScopedViewSet):
    """Applications to the innovation fund: submitted, reviewed and scored, awarded within the budget, paid in
    instalments against their milestones."""

    queryset = models.FundApplication.objects.select_related("call", "community_grid").prefetch_related(
        "milestones")
    output_serializer_class = ApplicationOut
    input_serializer_class = ApplicationIn
    filterset_fields = ["call", "status", "category", "organisation"]
    action_perms = {
        "act": perm("change", "fundapplication"),
        "reviews": perm("add", "fundreview"),
        "milestone_act": perm("change", "fundmilestone"),
    }

    def get_serializer_class(self):
        return ApplicationStatusOut if self.action == "retrieve" else super().get_serializer_class()

    def create(self, request):
        """A draft application to an open call (400 if the call is closed)."""
        data = self.validated()
        data["milestones"] = [dict(row) for row in data["milestones"]]
        return self.respond(funds.application_create(user=request.user, **data), status.HTTP_201_CREATED)

    @extend_schema(request=ApplicationActIn, responses=ApplicationStatusOut)
    @action(detail=True, methods=["post"])
    def act(self, request, pk=None):
        """submit, review, award (amount; instalments per milestone adding up to it; 409 past the budget, with
        ``remaining``), reject (reason), start, complete."""
        application = funds.application_act(user=request.user, application=self.get_object(),
                                            **self.validated(ApplicationActIn))
        return self.respond(application, serializer_class=ApplicationStatusOut)

    @extend_schema(request=FundReviewIn, responses={201: FundReviewOut})
    @action(detail=True, methods=["post"])
    def reviews(self, request, pk=None):
        """Score the application (0–10 on each criterion), once per reviewer, while it is under review."""
        review = funds.review_score(user=request.user, application=self.get_object(), **self.validated(FundReviewIn))
        return self.respond(review, status.HTTP_201_CREATED, FundReviewOut)

    @extend_schema(request=MilestoneActIn, responses=FundMilestoneOut,
                   parameters=[OpenApiParameter("milestone_id", int, OpenApiParameter.PATH)])
    @action(detail=True, methods=["post"], url_path=r"milestones/(?P<milestone_id>\d+)/act")
    def milestone_act(self, request, pk=None, milestone_id=None):
        """report (the applicant), accept (releases the instalment; the last closes the project), return (reason)."""
        milestone = get_object_or_404(self.get_object().milestones, pk=milestone_id)
        milestone = funds.milestone_act(user=request.user, milestone=milestone, **self.validated(MilestoneActIn))
        return self.respond(milestone, serializer_class=FundMilestoneOut)
