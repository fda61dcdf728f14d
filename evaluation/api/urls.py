from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("periods", views.PeriodViewSet, basename="period")
router.register("rules", views.RuleViewSet, basename="rule")
router.register("bonus-rules", views.BonusRuleViewSet, basename="bonus-rule")
router.register("rounds", views.RoundViewSet, basename="round")
router.register("sheets", views.SheetViewSet, basename="sheet")
router.register("surveys", views.SurveyViewSet, basename="survey")
router.register("runs", views.RunViewSet, basename="run")
router.register("results", views.ResultViewSet, basename="result")
router.register("worker-assessments", views.WorkerAssessmentViewSet, basename="worker-assessment")
router.register("bonuses", views.BonusViewSet, basename="bonus")
router.register("supervision-committees", views.SupervisionCommitteeViewSet, basename="supervision-committee")
router.register("supervision-rounds", views.SupervisionRoundViewSet, basename="supervision-round")
router.register("supervision-questions", views.SupervisionQuestionViewSet, basename="supervision-question")

app_name = "evaluation-api"
urlpatterns = [
    path("definitions/", views.DefinitionsView.as_view(), name="definitions"),
    path("public/sheets/<slug:token>/", views.PublicSheetView.as_view(), name="public-sheet"),
    *router.urls,
]
