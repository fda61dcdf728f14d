"""The evaluation API (``/api/v1/evaluation/``): thin views; reads through selectors, writes through
services (whose ValidationError / Conflict / PermissionDenied become 400 / 409 / 403)."""
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from core.api import ActionModelPermissions

from .. import exports, selectors, services
from ..indicators import DRILLS
from ..models import ScoreSheet, SubjectKind, SubjectResult
from ..surveys import MAX_BYTES
from . import serializers as s

TAGS = ["evaluation"]
XLSX_RESPONSE = OpenApiResponse(OpenApiTypes.BINARY, description="XLSX workbook")


def _perms(*names: str) -> list[str]:
    return [f"evaluation.{name}" for name in names]


def _whole_number_params(params, *names: str) -> None:
    """Query parameters naming ids must be whole numbers (400 otherwise, never a 500)."""
    bad = {name: [_("A whole number is required.")] for name in names
           if params.get(name) and not params[name].isdigit()}
    if bad:
        raise ValidationError(bad)


def _no_null_characters(request, kwargs) -> None:
    """PostgreSQL text cannot hold NUL: such a filter or path is refused here (400) rather than failing there."""
    bad = [name for name, value in [*request.query_params.items(), *kwargs.items()] if "\x00" in str(value)]
    if bad:
        raise ValidationError({name: [_("Null characters are not allowed.")] for name in bad})


def _validated(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class _ReadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Reads come from ``selector(user)``; ``action_perms`` names the permission of each action."""

    permission_classes = [ActionModelPermissions]
    selector = None
    action_perms: dict = {}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        _no_null_characters(request, kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.serializer_class.Meta.model.objects.none()
        return type(self).selector(self.request.user)


@extend_schema(tags=TAGS)
class PeriodViewSet(_ReadViewSet):
    """Assessment periods: half-years (grids, streets, departments) and quarters (community workers)."""

    lookup_field = "code"
    serializer_class = s.PeriodOut
    selector = staticmethod(selectors.periods_visible_to)


class _RuleVersionViewSet(mixins.CreateModelMixin, _ReadViewSet):
    """Rule versions: listed, read, and created as the next version (never edited)."""

    lookup_field = "version"
    input_serializer_class = None
    create_service = None  # staticmethod(actor=, **input) -> the new version

    def create(self, request, *args, **kwargs):
        data = _validated(self.input_serializer_class, request.data)
        rule = type(self).create_service(actor=request.user, **data)
        return Response(self.serializer_class(rule).data, status=status.HTTP_201_CREATED)


@extend_schema_view(create=extend_schema(request=s.RuleIn, responses={201: s.RuleOut}, examples=[OpenApiExample(
    "Weights per kind of unit", request_only=True, value={
        "weights": {kind: {"closure": 20, "on_time": 20, "rework": 10, "handling": 10, "satisfaction": 10,
                           "two_way": 15, "survey": 15} for kind in SubjectKind.values},
        "parameters": {"handling_hours_full": "8", "handling_hours_zero": "80", "count_default_ratings": False},
        "note": "2027年度考核细则"})]))
@extend_schema(tags=TAGS)
class RuleViewSet(_RuleVersionViewSet):
    """Versions of the composite-score rules. A change is a new version; runs keep the one they used."""

    serializer_class = s.RuleOut
    input_serializer_class = s.RuleIn
    selector = staticmethod(selectors.rules_visible_to)
    create_service = staticmethod(services.rule_create)


@extend_schema_view(create=extend_schema(request=s.BonusRuleIn, responses={201: s.BonusRuleOut}, examples=[
    OpenApiExample("The source's averages", request_only=True,
                   value={"base_by_post": {"general": 900, "deputy": 1050, "head": 1200}, "scaling": "relative",
                          "personal_weight": "0.3", "floor_score": "60"})]))
@extend_schema(tags=TAGS)
class BonusRuleViewSet(_RuleVersionViewSet):
    """Versions of the quarterly bonus rules of community workers."""

    serializer_class = s.BonusRuleOut
    input_serializer_class = s.BonusRuleIn
    selector = staticmethod(selectors.bonus_rules_visible_to)
    create_service = staticmethod(services.bonus_rule_create)


@extend_schema(tags=TAGS)
class RoundViewSet(mixins.CreateModelMixin, _ReadViewSet):
    """Two-way assessment rounds (双向考评), one per half-year, with their progress."""

    serializer_class = s.RoundOut
    selector = staticmethod(lambda user: selectors.rounds_visible_to(user).annotate(
        sheet_count=Count("sheets"), submitted_count=Count("sheets", filter=Q(sheets__status="submitted"))))

    @extend_schema(request=s.RoundIn, responses={201: s.RoundOut, 200: s.RoundOut},
                   examples=[OpenApiExample("Open H1", request_only=True, value={"period": "2026H1"})])
    def create(self, request, *args, **kwargs):
        data = _validated(s.RoundIn, request.data)
        assessment, created = services.round_open(actor=request.user, period_code=data["period"],
                                                  deadline=data.get("deadline"))
        assessment = self.get_queryset().get(pk=assessment.pk)
        return Response(s.RoundOut(assessment).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@extend_schema(tags=TAGS)
class SheetViewSet(_ReadViewSet):
    """Score sheets: your party's sheets to fill in (the district sees all)."""

    serializer_class = s.SheetOut
    selector = staticmethod(selectors.sheets_visible_to)
    action_perms = {"submit": _perms("view_scoresheet", "change_scoresheet")}

    def filter_queryset(self, queryset):
        params = self.request.query_params
        for name in ("status", "flow", "evaluator_code", "evaluatee_code"):
            if params.get(name):
                queryset = queryset.filter(**{name: params[name]})
        if params.get("period"):
            queryset = queryset.filter(round__period__code=params["period"])
        return queryset.order_by("id")

    @extend_schema(parameters=[OpenApiParameter(name, str) for name in
                               ("period", "status", "flow", "evaluator_code", "evaluatee_code")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.SheetIn, responses={200: s.SheetOut, 403: None, 409: None}, examples=[OpenApiExample(
        "Street rates a department", request_only=True,
        value={"scores": {"response": 90, "quality": 85, "cooperation": 88}, "comment": "响应及时"})])
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit the sheet, once, as its evaluator (403 for anyone else, 409 when already submitted or the
        round is closed)."""
        data = _validated(s.SheetIn, request.data)
        sheet = services.sheet_submit(actor=request.user, sheet_id=self.get_object().pk, **data)
        return Response(s.SheetOut(sheet).data)


@extend_schema(tags=["public"])
class PublicSheetView(APIView):
    """A residents' representatives' sheet, opened with the access code printed on it (no login)."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_scope = "public_submit"

    def get_throttles(self):
        return [ScopedRateThrottle()] if self.request.method == "POST" else super().get_throttles()

    def _sheet(self, token: str) -> ScoreSheet:
        return get_object_or_404(ScoreSheet.objects.select_related("round", "round__period"),
                                 token=token, evaluator_kind="residents")

    @extend_schema(responses=s.SheetOut)
    def get(self, request, token: str):
        return Response(s.SheetOut(self._sheet(token)).data)

    @extend_schema(request=s.SheetIn, responses={200: s.SheetOut, 409: None})
    def post(self, request, token: str):
        data = _validated(s.SheetIn, request.data)
        sheet = services.sheet_submit_by_token(token=token, **data)
        return Response(s.SheetOut(sheet).data)


@extend_schema(tags=TAGS)
class SurveyViewSet(mixins.CreateModelMixin, _ReadViewSet):
    """Third-party satisfaction surveys (第三方社会评价): upload the survey company's CSV/XLSX."""

    serializer_class = s.SurveyOut
    selector = staticmethod(selectors.surveys_visible_to)
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": s.SurveyIn}, responses={201: s.SurveyOut})
    def create(self, request, *args, **kwargs):
        data = _validated(s.SurveyIn, request.data)
        upload = data["file"]
        survey = services.survey_import(actor=request.user, period_code=data["period"], file_name=upload.name,
                                        content=upload.read(MAX_BYTES + 1))
        return Response(s.SurveyOut(survey).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class RunViewSet(mixins.CreateModelMixin, _ReadViewSet):
    """Result runs: compute → review → publish. Published runs are frozen."""

    serializer_class = s.RunOut
    selector = staticmethod(selectors.runs_visible_to)
    action_perms = {"review": _perms("change_resultrun"), "publish": _perms("change_resultrun"),
                    "verify": _perms("view_resultrun", "add_resultrun"), "export": _perms("view_resultrun")}

    def filter_queryset(self, queryset):
        params = self.request.query_params
        if params.get("period"):
            queryset = queryset.filter(period__code=params["period"])
        if params.get("status"):
            queryset = queryset.filter(status=params["status"])
        return queryset.order_by("-id")

    @extend_schema(parameters=[OpenApiParameter("period", str), OpenApiParameter("status", str)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.RunIn, responses={201: s.RunOut},
                   examples=[OpenApiExample("Compute H1", request_only=True, value={"period": "2026H1"})])
    def create(self, request, *args, **kwargs):
        data = _validated(s.RunIn, request.data)
        run = services.run_compute(actor=request.user, period_code=data["period"], rule_version=data.get("rule"),
                                   as_of=data.get("as_of"))
        return Response(s.RunOut(run).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ReviewIn, responses={200: s.RunOut, 409: None})
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        run = services.run_review(actor=request.user, run_id=self.get_object().pk,
                                  note=_validated(s.ReviewIn, request.data)["note"])
        return Response(s.RunOut(run).data)

    @extend_schema(request=None, responses={200: s.RunOut, 409: None})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        run = services.run_publish(actor=request.user, run_id=self.get_object().pk)
        return Response(s.RunOut(run).data)

    @extend_schema(responses=s.VerifyOut)
    @action(detail=True)
    def verify(self, request, pk=None):
        """Recompute from today's data with the run's rule version and cut-off (nothing is stored) and compare."""
        return Response(s.VerifyOut(services.run_verify(run=self.get_object())).data)

    @extend_schema(responses={200: XLSX_RESPONSE})
    @action(detail=True)
    def export(self, request, pk=None):
        run = self.get_object()
        results = selectors.ranked(selectors.results_visible_to(request.user).filter(run=run))
        return exports.xlsx_response(exports.run_xlsx(run, results), f"evaluation-{run.period.code}-run{run.pk}.xlsx")


@extend_schema(tags=TAGS)
class ResultViewSet(_ReadViewSet):
    """Unit results (scorecards) in your scope, with the cases behind each number."""

    serializer_class = s.ResultOut
    selector = staticmethod(selectors.results_visible_to)
    action_perms = {"cases": _perms("view_subjectresult")}

    def filter_queryset(self, queryset):
        params = self.request.query_params
        _whole_number_params(params, "run")
        for name in ("run", "kind", "code", "street_code", "department_code"):
            if params.get(name):
                queryset = queryset.filter(**{name: params[name]})
        if params.get("period"):
            queryset = queryset.filter(run__period__code=params["period"], run__status="published")
        return selectors.ranked(queryset)

    def get_serializer_class(self):
        return s.ResultDetailOut if self.action == "retrieve" else s.ResultOut

    @extend_schema(parameters=[OpenApiParameter(name, str) for name in
                               ("run", "period", "kind", "code", "street_code", "department_code")])
    def list(self, request, *args, **kwargs):
        """Filter by run (or by period: its published run), kind, code, street or department."""
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=s.ResultDetailOut)
    def retrieve(self, request, *args, **kwargs):
        result = self.get_object()
        trend = selectors.result_trend(request.user, result)
        return Response(s.ResultDetailOut(result, context={"trend": trend}).data)

    @extend_schema(parameters=[OpenApiParameter("drill", str, enum=DRILLS, required=True,
                                                description="Which number's cases, e.g. overdue")],
                   responses=s.CaseRowOut(many=True))
    @action(detail=True)
    def cases(self, request, pk=None):
        """The cases behind a number (e.g. drill=overdue lists the overdue cases), among those you may see."""
        drill = request.query_params.get("drill", "")
        if drill not in DRILLS:
            raise ValidationError({"drill": [_("Use one of: %(drills)s.") % {"drills": ", ".join(DRILLS)}]})
        cases = selectors.cases_behind(request.user, self.get_object(), drill)
        page = self.paginate_queryset(cases)
        return self.get_paginated_response(s.CaseRowOut(page, many=True).data)


class DefinitionsView(APIView):
    """What every indicator and score component means, and the rule parameters."""

    permission_classes = [ActionModelPermissions]
    queryset = SubjectResult.objects.none()

    @extend_schema(tags=TAGS, responses=s.DefinitionsOut)
    def get(self, request):
        return Response(s.DefinitionsOut(s.definitions()).data)


@extend_schema(tags=TAGS)
class WorkerAssessmentViewSet(mixins.CreateModelMixin, _ReadViewSet):
    """Community workers' personal quarterly assessments, in your area."""

    serializer_class = s.WorkerAssessmentOut
    selector = staticmethod(selectors.worker_assessments_visible_to)

    @extend_schema(request=s.WorkerAssessmentIn, responses={201: s.WorkerAssessmentOut})
    def create(self, request, *args, **kwargs):
        data = _validated(s.WorkerAssessmentIn, request.data)
        assessment = services.worker_assess(actor=request.user, period_code=data["period"],
                                            username=data["username"], score=data["score"], comment=data["comment"])
        return Response(s.WorkerAssessmentOut(assessment).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class BonusViewSet(mixins.CreateModelMixin, _ReadViewSet):
    """Quarterly bonuses of community workers, from the quarter's published results."""

    serializer_class = s.BonusOut
    selector = staticmethod(selectors.bonuses_visible_to)
    action_perms = {"lines": _perms("view_bonusrun"), "export": _perms("view_bonusrun")}

    @extend_schema(request=s.BonusIn, responses={201: s.BonusOut, 200: s.BonusOut})
    def create(self, request, *args, **kwargs):
        data = _validated(s.BonusIn, request.data)
        bonus, created = services.bonus_compute(actor=request.user, period_code=data["period"],
                                                rule_version=data.get("rule"))
        return Response(s.BonusOut(bonus).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(responses=s.BonusLineOut(many=True))
    @action(detail=True)
    def lines(self, request, pk=None):
        lines = self.get_object().lines.order_by("grid_code", "username")
        page = self.paginate_queryset(lines)
        return self.get_paginated_response(s.BonusLineOut(page, many=True).data)

    @extend_schema(responses={200: XLSX_RESPONSE})
    @action(detail=True)
    def export(self, request, pk=None):
        """Payroll-ready XLSX: one row per worker with the amount in yuan."""
        bonus = self.get_object()
        return exports.xlsx_response(exports.bonus_xlsx(bonus), f"bonus-{bonus.period.code}-{bonus.pk}.xlsx")
