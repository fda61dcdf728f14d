"""The evaluation API (``/api/v1/evaluation/``): thin views on ``core.api.ScopedViewSet``; reads through
``visible_to``, writes through services (whose ValidationError / Conflict / PermissionDenied become
400 / 409 / 403)."""
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import PUBLIC_THROTTLES, ActionModelPermissions, ScopedViewSet

from .. import exports, filters, selectors, services, supervision
from ..models import (
    BonusRule,
    BonusRun,
    Period,
    ResultRun,
    Round,
    ScoreSheet,
    ScoringRule,
    SubjectKind,
    SubjectResult,
    SupervisionCommittee,
    SupervisionQuestion,
    SupervisionRound,
    SurveyImport,
    WorkerAssessment,
)
from ..surveys import MAX_BYTES
from ..workflow import AccessCode, RunAction
from . import serializers as s

TAGS = ["evaluation"]
XLSX_RESPONSE = OpenApiResponse(OpenApiTypes.BINARY, description="XLSX workbook")
REFUSALS = {403: OpenApiResponse(description="Not your step"),
            409: OpenApiResponse(description="Not in a state for this")}


def _perms(*names: str) -> list[str]:
    return [f"evaluation.{name}" for name in names]


@extend_schema(tags=TAGS)
class PeriodViewSet(ScopedViewSet):
    """Assessment periods: half-years (grids, streets, departments) and quarters (community workers)."""

    lookup_field = "code"
    queryset = Period.objects.all()
    output_serializer_class = s.PeriodOut


class _RuleVersionViewSet(ScopedViewSet):
    """Rule versions: listed, read, and created as the next version (never edited)."""

    lookup_field = "version"
    create_service = None  # staticmethod(actor=, **input) -> the new version

    def create(self, request):
        rule = type(self).create_service(actor=request.user, **self.validated())
        return self.respond(rule, status.HTTP_201_CREATED)


@extend_schema_view(create=extend_schema(examples=[OpenApiExample(
    "Weights per kind of unit", request_only=True, value={
        "weights": {kind: {"closure": 20, "on_time": 20, "rework": 10, "handling": 10, "satisfaction": 10,
                           "two_way": 15, "survey": 15} for kind in SubjectKind.values},
        "parameters": {"handling_hours_full": "8", "handling_hours_zero": "80", "count_default_ratings": False},
        "note": "2027年度考核细则"})]))
@extend_schema(tags=TAGS)
class RuleViewSet(_RuleVersionViewSet):
    """Versions of the composite-score rules. A change is a new version; runs keep the one they used."""

    queryset = ScoringRule.objects.all()
    output_serializer_class = s.RuleOut
    input_serializer_class = s.RuleIn
    create_service = staticmethod(services.rule_create)


@extend_schema_view(create=extend_schema(examples=[
    OpenApiExample("The source's averages", request_only=True,
                   value={"base_by_post": {"general": 900, "deputy": 1050, "head": 1200}, "scaling": "relative",
                          "personal_weight": "0.3", "floor_score": "60"})]))
@extend_schema(tags=TAGS)
class BonusRuleViewSet(_RuleVersionViewSet):
    """Versions of the quarterly bonus rules of community workers."""

    queryset = BonusRule.objects.all()
    output_serializer_class = s.BonusRuleOut
    input_serializer_class = s.BonusRuleIn
    create_service = staticmethod(services.bonus_rule_create)


@extend_schema(tags=TAGS)
class RoundViewSet(ScopedViewSet):
    """Two-way assessment rounds (双向考评), one per half-year, with their progress."""

    queryset = selectors.with_progress(Round.objects.all())
    output_serializer_class = s.RoundOut
    input_serializer_class = s.RoundIn

    @extend_schema(responses={201: s.RoundOut, 200: s.RoundOut},
                   examples=[OpenApiExample("Open H1", request_only=True, value={"period": "2026H1"})])
    def create(self, request):
        """Open the half-year's round (200 with the round it has, if it has one)."""
        data = self.validated()
        assessment, created = services.round_open(actor=request.user, period_code=data["period"],
                                                  deadline=data.get("deadline"))
        return self.respond(assessment, status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@extend_schema(tags=TAGS)
class SheetViewSet(ScopedViewSet):
    """Score sheets: your party's sheets to fill in (the district sees all)."""

    queryset = ScoreSheet.objects.select_related("round", "round__period").order_by("id")
    output_serializer_class = s.SheetOut
    filterset_class = filters.SheetFilter
    action_perms = {"submit": _perms("view_scoresheet", "change_scoresheet")}

    @extend_schema(request=s.SheetIn, responses={200: s.SheetOut, **REFUSALS}, examples=[OpenApiExample(
        "Street rates a department", request_only=True,
        value={"scores": {"response": 90, "quality": 85, "cooperation": 88}, "comment": "响应及时"})])
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit the sheet, once, as its evaluator (403 for anyone else, 409 when already submitted or the
        round is closed)."""
        sheet = self.get_object()
        return self.respond(services.sheet_submit(actor=request.user, sheet_id=sheet.pk,
                                                  **self.validated(s.SheetIn)))


@extend_schema(tags=["public"])
class PublicSheetView(APIView):
    """A residents' representatives' sheet, opened with the access code printed on it (no login)."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = PUBLIC_THROTTLES
    throttle_scope = "public_submit"

    @extend_schema(responses=s.SheetOut)
    def get(self, request, token: str):
        sheet = get_object_or_404(ScoreSheet.objects.select_related("round", "round__period"),
                                  token=token, evaluator_kind="residents")
        return Response(s.SheetOut(sheet, context={"actor": AccessCode(token)}).data)

    @extend_schema(request=s.SheetIn, responses={200: s.SheetOut, 409: REFUSALS[409]})
    def post(self, request, token: str):
        data = s.SheetIn(data=request.data)
        data.is_valid(raise_exception=True)
        sheet = services.sheet_submit_by_token(token=token, **data.validated_data)
        return Response(s.SheetOut(sheet, context={"actor": AccessCode(token)}).data)


@extend_schema(tags=TAGS)
class SurveyViewSet(ScopedViewSet):
    """Third-party satisfaction surveys (第三方社会评价): upload the survey company's CSV/XLSX."""

    queryset = SurveyImport.objects.select_related("period")
    output_serializer_class = s.SurveyOut
    input_serializer_class = s.SurveyIn
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": s.SurveyIn}, responses={201: s.SurveyOut})
    def create(self, request):
        data = self.validated()
        upload = data["file"]
        survey = services.survey_import(actor=request.user, period_code=data["period"], file_name=upload.name,
                                        content=upload.read(MAX_BYTES + 1))
        return self.respond(survey, status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class RunViewSet(ScopedViewSet):
    """Result runs: compute → review → publish. Published runs are frozen."""

    queryset = ResultRun.objects.select_related("period", "rule").order_by("-id")
    output_serializer_class = s.RunOut
    input_serializer_class = s.RunIn
    filterset_class = filters.RunFilter
    action_perms = {"review": _perms("change_resultrun"), "publish": _perms("change_resultrun"),
                    "verify": _perms("view_resultrun", "add_resultrun"), "export": _perms("view_resultrun")}

    @extend_schema(responses={201: s.RunOut},
                   examples=[OpenApiExample("Compute H1", request_only=True, value={"period": "2026H1"})])
    def create(self, request):
        data = self.validated()
        run = services.run_compute(actor=request.user, period_code=data["period"], rule_version=data.get("rule"),
                                   as_of=data.get("as_of"))
        return self.respond(run, status.HTTP_201_CREATED)

    @extend_schema(request=s.ReviewIn, responses={200: s.RunOut, **REFUSALS})
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        run = self.get_object()
        return self.respond(services.run_act(actor=request.user, run_id=run.pk, action=RunAction.REVIEW,
                                             data=self.validated(s.ReviewIn)))

    @extend_schema(request=None, responses={200: s.RunOut, **REFUSALS})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish a reviewed run of a complete period: it is frozen from now on."""
        run = self.get_object()
        return self.respond(services.run_act(actor=request.user, run_id=run.pk, action=RunAction.PUBLISH))

    @extend_schema(responses=s.VerifyOut)
    @action(detail=True)
    def verify(self, request, pk=None):
        """Recompute from today's data with the run's rule version and cut-off (nothing is stored) and compare."""
        return Response(s.VerifyOut(services.run_verify(run=self.get_object())).data)

    @extend_schema(responses={200: XLSX_RESPONSE})
    @action(detail=True)
    def export(self, request, pk=None):
        run = self.get_object()
        results = selectors.ranked(SubjectResult.objects.visible_to(request.user).filter(run=run))
        return exports.xlsx_response(exports.run_xlsx(run, results), f"evaluation-{run.period.code}-run{run.pk}.xlsx")


@extend_schema(tags=TAGS)
class ResultViewSet(ScopedViewSet):
    """Unit results (scorecards) in your scope, best first, with the cases behind each number. Filter by run
    (or by period: its published run), kind, code, street or department."""

    queryset = selectors.ranked(SubjectResult.objects.select_related("run", "run__period", "run__rule"))
    output_serializer_class = s.ResultOut
    filterset_class = filters.ResultFilter
    action_perms = {"cases": _perms("view_subjectresult")}

    def get_serializer_class(self):
        return s.ResultDetailOut if self.action == "retrieve" else super().get_serializer_class()

    def retrieve(self, request, *args, **kwargs):
        result = self.get_object()
        trend = selectors.result_trend(request.user, result)
        return Response(s.ResultDetailOut(result, context={"trend": trend}).data)

    @extend_schema(parameters=[s.DrillQuery], responses=s.CaseBehindOut(many=True))
    @action(detail=True, filter_backends=[])  # a list of cases: the results' filters do not apply
    def cases(self, request, pk=None):
        """The cases behind a number (e.g. drill=overdue lists the overdue cases), among those you may see."""
        result = self.get_object()
        query = s.DrillQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = self.paginate_queryset(selectors.cases_behind(request.user, result, query.validated_data["drill"]))
        return self.get_paginated_response(s.CaseBehindOut(page, many=True).data)


class DefinitionsView(APIView):
    """What every indicator and score component means, and the rule parameters."""

    permission_classes = [ActionModelPermissions]
    queryset = SubjectResult.objects.none()

    @extend_schema(tags=TAGS, responses=s.DefinitionsOut)
    def get(self, request):
        return Response(s.DefinitionsOut(s.definitions()).data)


@extend_schema(tags=TAGS)
class WorkerAssessmentViewSet(ScopedViewSet):
    """Community workers' personal quarterly assessments, in your area."""

    queryset = WorkerAssessment.objects.select_related("period", "staff", "staff__user")
    output_serializer_class = s.WorkerAssessmentOut
    input_serializer_class = s.WorkerAssessmentIn

    @extend_schema(responses={201: s.WorkerAssessmentOut})
    def create(self, request):
        data = self.validated()
        assessment = services.worker_assess(actor=request.user, period_code=data["period"],
                                            username=data["username"], score=data["score"], comment=data["comment"])
        return self.respond(assessment, status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class BonusViewSet(ScopedViewSet):
    """Quarterly bonuses of community workers, from the quarter's published results."""

    queryset = BonusRun.objects.select_related("period", "rule", "result_run")
    output_serializer_class = s.BonusOut
    input_serializer_class = s.BonusIn
    action_perms = {"lines": _perms("view_bonusrun"), "export": _perms("view_bonusrun")}

    @extend_schema(responses={201: s.BonusOut, 200: s.BonusOut})
    def create(self, request):
        data = self.validated()
        bonus, created = services.bonus_compute(actor=request.user, period_code=data["period"],
                                                rule_version=data.get("rule"))
        return self.respond(bonus, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

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


# --- residents' democratic supervision (民主评议) --------------------------------------------------------


@extend_schema(tags=TAGS)
class SupervisionCommitteeViewSet(ScopedViewSet):
    """Residents' democratic supervision committees of the communities in your area (the district: all)."""

    queryset = SupervisionCommittee.objects.select_related("grid")
    output_serializer_class = s.CommitteeOut
    input_serializer_class = s.CommitteeIn
    action_perms = {"representatives": _perms("view_supervisioncommittee", "add_representative")}

    @extend_schema(responses={201: s.CommitteeOut})
    def create(self, request):
        committee = supervision.committee_create(actor=request.user, **self.validated())
        return self.respond(committee, status.HTTP_201_CREATED)

    @extend_schema(request=s.RepresentativeIn, responses={201: s.RepresentativeOut})
    @action(detail=True, methods=["post"])
    def representatives(self, request, pk=None):
        """Add a residents' representative for a term (one chair at a time)."""
        committee = self.get_object()
        added = supervision.representative_add(actor=request.user, committee_id=committee.pk,
                                               **self.validated(s.RepresentativeIn))
        return self.respond(added, status.HTTP_201_CREATED, s.RepresentativeOut)


@extend_schema(tags=TAGS)
class SupervisionRoundViewSet(ScopedViewSet):
    """A committee's half-yearly questioning and rating of the street office and the department stations
    serving its community: open → closed."""

    queryset = (SupervisionRound.objects.select_related("period", "committee__grid")
                .prefetch_related("questions__answered_by__staff_profile", "questions__station",
                                  "ratings__station"))
    output_serializer_class = s.SupervisionRoundOut
    input_serializer_class = s.SupervisionRoundIn
    record = _perms("view_supervisionround", "change_supervisionround")
    action_perms = {"questions": record, "ratings": record, "close": record}

    @extend_schema(responses={201: s.SupervisionRoundOut, 200: s.SupervisionRoundOut})
    def create(self, request):
        """Open the committee's round of a half-year (200 with the round it has, if it has one)."""
        data = self.validated()
        meeting, created = supervision.supervision_round_open(actor=request.user, committee_id=data["committee"],
                                                              period_code=data["period"])
        return self.respond(meeting, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=s.QuestionIn, responses={201: s.QuestionOut, **REFUSALS})
    @action(detail=True, methods=["post"])
    def questions(self, request, pk=None):
        """Record a question the committee puts to the street office or a station serving its community."""
        meeting = self.get_object()
        asked = supervision.question_ask(actor=request.user, round_id=meeting.pk, **self.validated(s.QuestionIn))
        return self.respond(asked, status.HTTP_201_CREATED, s.QuestionOut)

    @extend_schema(request=s.SupervisionRatingIn, responses={201: s.SupervisionRatingOut, **REFUSALS})
    @action(detail=True, methods=["post"])
    def ratings(self, request, pk=None):
        """Record the committee's rating of a unit: once per unit and round, 1–5 (400 otherwise)."""
        meeting = self.get_object()
        rated = supervision.rating_record(actor=request.user, round_id=meeting.pk,
                                          **self.validated(s.SupervisionRatingIn))
        return self.respond(rated, status.HTTP_201_CREATED, s.SupervisionRatingOut)

    @extend_schema(request=None, responses={200: s.SupervisionRoundOut, **REFUSALS})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        meeting = self.get_object()
        return self.respond(supervision.supervision_round_close(actor=request.user, round_id=meeting.pk))


@extend_schema(tags=TAGS)
class SupervisionQuestionViewSet(ScopedViewSet):
    """Supervision questions in your area; a station's handlers (or the street's sub-centre, for the street
    office) answer those put to them."""

    queryset = SupervisionQuestion.objects.select_related("round", "round__committee__grid", "station",
                                                          "answered_by__staff_profile")
    output_serializer_class = s.QuestionOut
    filterset_fields = ["status", "round"]
    action_perms = {"answer": _perms("view_supervisionquestion", "change_supervisionquestion")}

    @extend_schema(request=s.AnswerIn, responses={200: s.QuestionOut, **REFUSALS})
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """Answer, once, as the unit addressed (403 for anyone else, 409 when answered already)."""
        question = self.get_object()
        return self.respond(supervision.question_answer(actor=request.user, question_id=question.pk,
                                                        **self.validated(s.AnswerIn)))
