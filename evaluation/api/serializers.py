"""Input and output shapes of the evaluation API. Inputs only check form; services check meaning."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import AvailableActionsField

from ..indicators import DRILLS, INDICATORS
from ..models import (
    BonusLine,
    BonusRule,
    BonusRun,
    Period,
    Representative,
    ResultRun,
    Round,
    ScoreSheet,
    ScoringRule,
    SubjectResult,
    SupervisionCommittee,
    SupervisionQuestion,
    SupervisionRating,
    SupervisionRound,
    SurveyImport,
    WorkerAssessment,
)
from ..scoring import COMPONENTS, PARAMETER_HELP
from ..workflow import QUESTION_FLOW, RUN_FLOW, SHEET_FLOW, SUPERVISION_FLOW

PERIOD_HELP = _("A period code: a year and H1/H2 or Q1–Q4, e.g. 2026H1.")


class PeriodOut(serializers.ModelSerializer):
    class Meta:
        model = Period
        fields = ["code", "kind", "year", "number", "starts_on", "ends_on"]


class RuleOut(serializers.ModelSerializer):
    class Meta:
        model = ScoringRule
        fields = ["version", "weights", "parameters", "two_way_shares", "note", "created_at"]


class RuleIn(serializers.Serializer):
    weights = serializers.JSONField(help_text=_("{kind: {component: weight}} for grid, street, department and "
                                                "station; each kind's weights add up to 100."))
    parameters = serializers.JSONField(required=False, default=dict)
    two_way_shares = serializers.JSONField(required=False, default=None, help_text=_(
        "{\"street\": {\"sheets\": 80, \"residents\": 20}, \"station_dual\": {\"department\": 40, \"street\": 40, "
        "\"residents\": 20}, \"station_vertical\": {…}, \"station_street\": {…}}; default the platform's shares."))
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class BonusRuleOut(serializers.ModelSerializer):
    class Meta:
        model = BonusRule
        fields = ["version", "base_by_post", "scaling", "personal_weight", "floor_score", "note", "created_at"]


class BonusRuleIn(serializers.Serializer):
    base_by_post = serializers.JSONField(help_text=_("{\"general\": 900, \"deputy\": 1050, \"head\": 1200}"))
    scaling = serializers.ChoiceField(choices=BonusRule.Scaling.choices, default=BonusRule.Scaling.RELATIVE)
    personal_weight = serializers.DecimalField(max_digits=3, decimal_places=2, default=0)
    floor_score = serializers.DecimalField(max_digits=5, decimal_places=2, default=0)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class RoundOut(serializers.ModelSerializer):
    period = serializers.CharField(source="period.code")
    sheet_count = serializers.IntegerField(read_only=True)
    submitted_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Round
        fields = ["id", "period", "status", "opened_at", "deadline", "criteria", "sheet_count", "submitted_count"]


class RoundIn(serializers.Serializer):
    period = serializers.CharField(max_length=8, help_text=PERIOD_HELP)
    deadline = serializers.DateTimeField(required=False, help_text=_("Default: the end of the half-year."))


class SheetOut(serializers.ModelSerializer):
    period = serializers.CharField(source="round.period.code")
    deadline = serializers.DateTimeField(source="round.deadline")
    criteria = serializers.SerializerMethodField()
    available_actions = AvailableActionsField(SHEET_FLOW)

    class Meta:
        model = ScoreSheet
        fields = ["id", "period", "flow", "direction", "evaluator_kind", "evaluator_code", "evaluator_name",
                  "evaluatee_kind", "evaluatee_code", "evaluatee_name", "status", "criteria", "scores", "total",
                  "comment", "submitted_at", "deadline", "available_actions"]

    def get_criteria(self, sheet) -> list[dict]:
        return sheet.round.criteria.get(sheet.flow, [])


class SheetIn(serializers.Serializer):
    scores = serializers.DictField(child=serializers.DecimalField(max_digits=6, decimal_places=2),
                                   help_text=_("{criterion code: score from 0 to 100}"))
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class SurveyOut(serializers.ModelSerializer):
    period = serializers.CharField(source="period.code")

    class Meta:
        model = SurveyImport
        fields = ["id", "period", "file_name", "sha256", "questions", "row_count", "imported_at"]


class SurveyIn(serializers.Serializer):
    period = serializers.CharField(max_length=8, help_text=PERIOD_HELP)
    file = serializers.FileField(help_text=_("CSV or XLSX: unit, sample_size, satisfied, then one column per "
                                             "question."))


class RunOut(serializers.ModelSerializer):
    period = serializers.CharField(source="period.code")
    rule = serializers.IntegerField(source="rule.version")
    available_actions = AvailableActionsField(RUN_FLOW)

    class Meta:
        model = ResultRun
        fields = ["id", "period", "rule", "status", "as_of", "fingerprint", "inputs", "computed_at", "seconds",
                  "reviewed_at", "published_at", "note", "available_actions"]


class RunIn(serializers.Serializer):
    period = serializers.CharField(max_length=8, help_text=PERIOD_HELP)
    rule = serializers.IntegerField(required=False, min_value=1, help_text=_("Rule version; default the latest."))
    as_of = serializers.DateTimeField(required=False, help_text=_("Cut-off; default the period end (plus the "
                                                                  "rule's cut-off days), or now."))


class ReviewIn(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class VerifyOut(serializers.Serializer):
    run = serializers.IntegerField()
    fingerprint = serializers.CharField()
    recomputed_fingerprint = serializers.CharField()
    same_inputs = serializers.BooleanField()
    identical = serializers.BooleanField()
    differences = serializers.ListField(child=serializers.DictField())


RESULT_FIELDS = ["id", "run", "period", "kind", "code", "name", "street_code", "department_code", "composite",
                 "rank", "rank_in_street", "collected", "filed", "closed", "closure_rate", "on_time_closed",
                 "on_time_rate", "overdue", "reworked", "rework_rate", "returned", "return_rate", "escalated",
                 "escalation_rate", "extended", "mean_handling_hours", "rated", "satisfaction_mean", "satisfied",
                 "satisfied_share", "defaulted", "responses", "responded_on_time", "response_rate",
                 "callbacks_reached", "callbacks_solved", "resolution_rate", "rates_rated", "rates_satisfied",
                 "satisfaction_rate", "patrols_planned", "patrols_made", "patrol_rate", "sheets", "two_way_score",
                 "two_way", "two_way_parts", "management_mode", "survey_sample", "survey_satisfied", "survey_share",
                 "survey_score", "components"]


class ResultOut(serializers.ModelSerializer):
    run = serializers.IntegerField(source="run_id")
    period = serializers.CharField(source="run.period.code")

    class Meta:
        model = SubjectResult
        fields = RESULT_FIELDS


class TrendPointOut(serializers.Serializer):
    period = serializers.CharField(source="run.period.code")
    composite = serializers.DecimalField(max_digits=5, decimal_places=2)
    closure_rate = serializers.DecimalField(max_digits=5, decimal_places=4)
    on_time_rate = serializers.DecimalField(max_digits=5, decimal_places=4)
    satisfied_share = serializers.DecimalField(max_digits=5, decimal_places=4)


class ResultDetailOut(ResultOut):
    trend = serializers.SerializerMethodField()

    class Meta(ResultOut.Meta):
        fields = [*RESULT_FIELDS, "trend"]

    def get_trend(self, result) -> list[dict]:
        return TrendPointOut(self.context.get("trend", []), many=True).data


class DrillQuery(serializers.Serializer):
    drill = serializers.ChoiceField(choices=DRILLS, help_text=_("Which number's cases, e.g. overdue"))


class CaseBehindOut(serializers.Serializer):
    number = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    tier = serializers.CharField()
    grid = serializers.CharField(source="grid.code")
    category = serializers.CharField(source="category.code")
    created_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField()
    overdue_steps = serializers.IntegerField()
    rework_count = serializers.IntegerField()
    satisfaction = serializers.IntegerField(allow_null=True)


class DefinitionOut(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    definition = serializers.CharField()


class DefinitionsOut(serializers.Serializer):
    indicators = DefinitionOut(many=True)
    components = DefinitionOut(many=True)
    parameters = DefinitionOut(many=True)


def definitions() -> dict:
    return {
        "indicators": [{"key": i.key, "label": str(i.label), "definition": str(i.definition)} for i in INDICATORS],
        "components": [{"key": c.key, "label": str(c.label), "definition": str(c.definition)} for c in COMPONENTS],
        "parameters": [{"key": key, "label": key, "definition": str(text)} for key, text in PARAMETER_HELP.items()],
    }


class WorkerAssessmentOut(serializers.ModelSerializer):
    period = serializers.CharField(source="period.code")
    username = serializers.CharField(source="staff.user.username")
    full_name = serializers.CharField(source="staff.full_name")

    class Meta:
        model = WorkerAssessment
        fields = ["id", "period", "username", "full_name", "score", "comment", "assessed_at"]


class WorkerAssessmentIn(serializers.Serializer):
    period = serializers.CharField(max_length=8, help_text=_("A quarter, e.g. 2026Q3."))
    username = serializers.CharField(max_length=150)
    score = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class BonusOut(serializers.ModelSerializer):
    period = serializers.CharField(source="period.code")
    rule = serializers.IntegerField(source="rule.version")

    class Meta:
        model = BonusRun
        fields = ["id", "period", "rule", "result_run", "fingerprint", "workers", "total", "computed_at"]


class BonusIn(serializers.Serializer):
    period = serializers.CharField(max_length=8, help_text=_("A quarter, e.g. 2026Q3."))
    rule = serializers.IntegerField(required=False, min_value=1)


class BonusLineOut(serializers.ModelSerializer):
    class Meta:
        model = BonusLine
        fields = ["username", "full_name", "post", "street_name", "grid_code", "grid_name", "grid_score",
                  "personal_score", "score", "base", "amount"]


# --- residents' democratic supervision ----------------------------------------------------------------


class RepresentativeOut(serializers.ModelSerializer):
    class Meta:
        model = Representative
        fields = ["id", "name", "phone", "role", "term_starts_on", "term_ends_on"]


class RepresentativeIn(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    phone = serializers.CharField(max_length=20)
    role = serializers.ChoiceField(choices=Representative.Role.choices, default=Representative.Role.MEMBER)
    term_starts_on = serializers.DateField()
    term_ends_on = serializers.DateField()


class CommitteeOut(serializers.ModelSerializer):
    grid = serializers.CharField(source="grid.code")
    grid_name = serializers.CharField(source="grid.name")
    representatives = serializers.SerializerMethodField()

    class Meta:
        model = SupervisionCommittee
        fields = ["id", "grid", "grid_name", "name", "formed_on", "representatives"]

    def get_representatives(self, committee) -> list[dict]:
        """The representatives the reader may see (their phones are residents')."""
        request = self.context.get("request")
        rows = Representative.objects.visible_to(request.user).filter(committee=committee) if request else []
        return RepresentativeOut(rows, many=True).data


class CommitteeIn(serializers.Serializer):
    grid = serializers.CharField(max_length=15, help_text=_("The code of the community's unit grid."))
    name = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    formed_on = serializers.DateField(required=False, help_text=_("Default: today."))


UNIT_HELP = _("The street's code (the street office) or a department station's code.")


def unit_out():
    return serializers.CharField(source="unit_code", read_only=True, help_text=UNIT_HELP)


class QuestionOut(serializers.ModelSerializer):
    unit = unit_out()
    answered_by = serializers.CharField(source="answered_by.staff_profile.full_name", default=None, allow_null=True)
    available_actions = AvailableActionsField(QUESTION_FLOW)

    class Meta:
        model = SupervisionQuestion
        fields = ["id", "round", "unit", "unit_name", "text", "status", "asked_at", "answer", "answered_at",
                  "answered_by", "available_actions"]


class QuestionIn(serializers.Serializer):
    unit = serializers.CharField(max_length=48, help_text=UNIT_HELP)
    text = serializers.CharField(max_length=2000)


class AnswerIn(serializers.Serializer):
    answer = serializers.CharField(max_length=4000)


class SupervisionRatingOut(serializers.ModelSerializer):
    unit = unit_out()

    class Meta:
        model = SupervisionRating
        fields = ["id", "round", "unit", "unit_name", "score", "comment", "rated_at"]


class SupervisionRatingIn(serializers.Serializer):
    unit = serializers.CharField(max_length=48, help_text=UNIT_HELP)
    score = serializers.ChoiceField(choices=SupervisionRating.Score.choices,
                                    help_text=_("1 very dissatisfied … 5 very satisfied (satisfied from 4)."))
    comment = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class SupervisionRoundOut(serializers.ModelSerializer):
    period = serializers.CharField(source="period.code")
    grid = serializers.CharField(source="committee.grid.code")
    questions = QuestionOut(many=True, read_only=True)
    ratings = SupervisionRatingOut(many=True, read_only=True)
    available_actions = AvailableActionsField(SUPERVISION_FLOW)

    class Meta:
        model = SupervisionRound
        fields = ["id", "committee", "grid", "period", "status", "opened_at", "closed_at", "questions", "ratings",
                  "available_actions"]


class SupervisionRoundIn(serializers.Serializer):
    committee = serializers.IntegerField(min_value=1, max_value=2 ** 31 - 1)
    period = serializers.CharField(max_length=8, help_text=_("A half-year, e.g. 2026H1."))
