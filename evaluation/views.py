"""Server-rendered pages of the evaluation app (work without JavaScript).

Every page needs a login and the role's permission; every object comes through ``visible_to``, so
one outside the user's scope is a 404. The buttons of a run and a sheet are what their workflows
offer the user now. Charts are ECharts options beside plain HTML/CSS bars of the stored numbers.
"""
import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.errors import Conflict
from core.pages import attempt, bound, filtered, paginate, public_submit_allowed, run_service, staff_page, submitted
from grids.models import Grid

from . import exports, filters, forms, selectors, services
from .indicators import DRILL_LABELS, DRILLS, INDICATORS
from .models import BonusRun, ResultRun, Round, ScoreSheet, SubjectKind, SubjectResult, SurveyImport
from .parties import Flow
from .scoring import COMPONENTS, PART_LABELS
from .surveys import MAX_BYTES
from .workflow import RUN_FLOW, SHEET_FLOW, AccessCode, RunAction, SheetAction


def _run(user, pk: int) -> ResultRun:
    return get_object_or_404(ResultRun.objects.visible_to(user).select_related("period", "rule"), pk=pk)


def _result(user, pk: int) -> SubjectResult:
    return get_object_or_404(SubjectResult.objects.visible_to(user).select_related("run__period", "run__rule"), pk=pk)


def _bonus(user, pk: int) -> BonusRun:
    bonuses = BonusRun.objects.visible_to(user).select_related("period", "rule", "result_run__period")
    return get_object_or_404(bonuses, pk=pk)


# --- overview ---------------------------------------------------------------------------------------


@staff_page("evaluation.view_period")
def index(request):
    user = request.user
    runs = ResultRun.objects.visible_to(user).select_related("period", "rule").order_by("-period__starts_on", "-id")
    can = {name: user.has_perm(f"evaluation.{name}") for name in
           ("add_round", "add_resultrun", "add_surveyimport", "add_bonusrun")}
    forms_ = {
        "round": bound(request, "round", forms.RoundOpenForm),
        "compute": bound(request, "compute", forms.ComputeForm),
        "survey": bound(request, "survey", forms.SurveyForm, files=request.FILES or None),
        "bonus": bound(request, "bonus", forms.BonusForm),
    }
    done = _handle_index_forms(request, forms_, can)
    if done:
        return done
    return render(request, "evaluation/index.html", {
        "runs": paginate(request, runs), "forms": forms_, "can": can,
        "pending_sheets": ScoreSheet.objects.visible_to(user).filter(status=ScoreSheet.Status.PENDING).count(),
        "rounds": selectors.with_progress(Round.objects.visible_to(user))[:4],
        "bonuses": BonusRun.objects.visible_to(user).select_related("period", "rule", "result_run")[:8],
        "surveys": SurveyImport.objects.visible_to(user).select_related("period")[:8],
    })


def _handle_index_forms(request, forms_, can):
    user = request.user
    if submitted(request, "round") and can["add_round"] and forms_["round"].is_valid():
        data = forms_["round"].cleaned_data
        opened = run_service(forms_["round"], services.round_open, actor=user, period_code=data["period"],
                             deadline=data["deadline"])
        if opened:
            messages.success(request, _("The two-way round of %(code)s is open.") % {"code": opened[0].period.code})
            return redirect("evaluation:index")
    if submitted(request, "compute") and can["add_resultrun"] and forms_["compute"].is_valid():
        data = forms_["compute"].cleaned_data
        run = run_service(forms_["compute"], services.run_compute, actor=user, period_code=data["period"],
                          rule_version=data["rule"])
        if run:
            messages.success(request, _("Results computed (run %(id)s).") % {"id": run.pk})
            return redirect("evaluation:run", pk=run.pk)
    if submitted(request, "survey") and can["add_surveyimport"] and forms_["survey"].is_valid():
        data = forms_["survey"].cleaned_data
        upload = data["file"]
        survey = run_service(forms_["survey"], services.survey_import, actor=user, period_code=data["period"],
                             file_name=upload.name, content=upload.read(MAX_BYTES + 1))
        if survey:
            messages.success(request, _("%(rows)s survey rows imported.") % {"rows": survey.row_count})
            return redirect("evaluation:index")
    if submitted(request, "bonus") and can["add_bonusrun"] and forms_["bonus"].is_valid():
        computed = run_service(forms_["bonus"], services.bonus_compute, actor=user,
                               period_code=forms_["bonus"].cleaned_data["period"])
        if computed:
            return redirect("evaluation:bonus", pk=computed[0].pk)
    if request.method == "POST" and not any(submitted(request, name) and can[perm] for name, perm in (
            ("round", "add_round"), ("compute", "add_resultrun"), ("survey", "add_surveyimport"),
            ("bonus", "add_bonusrun"))):
        raise PermissionDenied
    return None


# --- runs, rankings, scorecards ---------------------------------------------------------------------


@staff_page("evaluation.view_resultrun")
def run_detail(request, pk: int):
    user = request.user
    run = _run(user, pk)
    review_form = bound(request, RunAction.REVIEW, forms.ReviewForm)
    if request.method == "POST":
        if not user.has_perm(RUN_FLOW.permission):
            raise PermissionDenied
        if submitted(request, RunAction.REVIEW) and review_form.is_valid():
            tell(request, attempt(services.run_review, actor=user, run_id=run.pk,
                                   note=review_form.cleaned_data["note"]), _("The run is reviewed."))
            return redirect("evaluation:run", pk=run.pk)
        if submitted(request, RunAction.PUBLISH):
            tell(request, attempt(services.run_publish, actor=user, run_id=run.pk),
                  _("The results are published and frozen."))
            return redirect("evaluation:run", pk=run.pk)
    visible = SubjectResult.objects.visible_to(user).filter(run=run)
    counts = dict(visible.values_list("kind").annotate(n=Count("id")).order_by())
    return render(request, "evaluation/run.html", {
        "run": run, "review_form": review_form,
        "kinds": [(kind, label, counts.get(kind, 0)) for kind, label in SubjectKind.choices],
        "actions": RUN_FLOW.available(user, run), "publish_blocked": _publish_blocked(user, run),
        "others": ResultRun.objects.visible_to(user).select_related("rule").filter(period=run.period)
        .exclude(pk=run.pk)[:10],
    })


def tell(request, refusal: str | None, success: str) -> None:
    """What became of a button's step, as a message on the next page."""
    if refusal:
        messages.error(request, refusal)
    else:
        messages.success(request, success)


def _publish_blocked(user, run: ResultRun) -> str:
    """Why the evaluator cannot publish a reviewed run yet (the period is not complete, or has
    published results), for the page to say instead of offering the button."""
    if run.status != ResultRun.Status.REVIEWED:
        return ""
    refusal = RUN_FLOW.refusal(user, run, RunAction.PUBLISH)
    return refusal.message if isinstance(refusal, Conflict) else ""


RANKING_COLUMNS = [("collected", "collected"), ("filed", "filed"), ("closed", "closed"),
                   ("closure_rate", "not_closed"), ("on_time_rate", "not_on_time"), ("overdue", "overdue"),
                   ("rework_rate", "reworked"), ("return_rate", "returned"), ("escalation_rate", "escalated"),
                   ("mean_handling_hours", "closed"), ("satisfaction_mean", "rated")]


@staff_page("evaluation.view_subjectresult")
def ranking(request, pk: int, kind: str):
    run = _run(request.user, pk)
    if kind not in SubjectKind.values:
        raise Http404
    visible = SubjectResult.objects.visible_to(request.user).filter(run=run, kind=kind)
    rows, chosen = filtered(request, filters.RankingFilter, visible)
    rows = selectors.ranked(rows)
    indicators = {i.key: i for i in INDICATORS}
    by_street = kind in (SubjectKind.GRID, SubjectKind.STATION)
    return render(request, "evaluation/ranking.html", {
        "run": run, "kind": kind, "kind_label": SubjectKind(kind).label, "page": paginate(request, rows, 100),
        "columns": [(indicators[key], drill) for key, drill in RANKING_COLUMNS], "street": chosen.get("street", ""),
        "kinds": SubjectKind.choices, "by_street": by_street, "streets": _streets_of(visible) if by_street else [],
    })


def _streets_of(results) -> list[tuple[str, str]]:
    """(code, name) of the streets/towns the results lie in, for the ranking's street filter."""
    codes = results.order_by().values("street_code").distinct()
    return list(Grid.objects.filter(level=Grid.Level.STREET, code__in=codes).order_by("code")
                .values_list("code", "name"))


@staff_page("evaluation.view_subjectresult")
def scorecard(request, pk: int):
    result = _result(request.user, pk)
    weights = result.run.rule.weights.get(result.kind, {})
    components = [{"component": c, "weight": weights.get(c.key, 0), "score": result.components.get(c.key)}
                  for c in COMPONENTS]
    indicators = [{"indicator": i, "value": getattr(result, i.key)} for i in INDICATORS]
    trend = selectors.result_trend(request.user, result)
    return render(request, "evaluation/scorecard.html", {
        "result": result, "run": result.run, "components": components, "indicators": indicators, "trend": trend,
        "charts": _scorecard_charts(components, trend),
        "two_way": [(Flow(flow).label, detail) for flow, detail in sorted(result.two_way.items())],
        "two_way_parts": [(PART_LABELS[part], detail) for part, detail in result.two_way_parts.items()],
        "parameters": result.run.rule.parameters,
    })


def _number(value):
    return float(value) if value is not None else None


def _scorecard_charts(components, trend) -> dict:
    """ECharts options for the scorecard (the CSS bars beside them stay for pages without scripts)."""
    weighted = [c for c in components if c["weight"]]
    return {
        "components": json.dumps({
            "tooltip": {}, "grid": {"left": 150, "right": 20, "top": 10, "bottom": 20},
            "xAxis": {"type": "value", "min": 0, "max": 100},
            "yAxis": {"type": "category", "data": [str(c["component"].label) for c in weighted]},
            "series": [{"type": "bar", "data": [_number(c["score"]) for c in weighted]}],
        }, ensure_ascii=False),
        "trend": json.dumps({
            "tooltip": {"trigger": "axis"}, "grid": {"left": 40, "right": 20, "top": 20, "bottom": 30},
            "xAxis": {"type": "category", "data": [t.run.period.code for t in trend]},
            "yAxis": {"type": "value", "min": 0, "max": 100},
            "series": [{"type": "line", "data": [_number(t.composite) for t in trend]}],
        }, ensure_ascii=False),
    }


@staff_page("evaluation.view_subjectresult")
def result_cases(request, pk: int, drill: str):
    result = _result(request.user, pk)
    if drill not in DRILLS:
        raise Http404
    cases = selectors.cases_behind(request.user, result, drill)
    return render(request, "evaluation/cases.html", {
        "result": result, "drill": drill, "drill_label": DRILL_LABELS[drill], "page": paginate(request, cases),
        "stored": _stored_count(result, drill),
    })


def _stored_count(result, drill: str):
    """The frozen number the drill-down explains (None for lists that are a difference of two numbers)."""
    direct = {"collected", "filed", "closed", "on_time_closed", "overdue", "reworked", "returned", "escalated",
              "extended", "rated", "satisfied", "defaulted"}
    if drill in direct:
        return getattr(result, drill)
    if drill == "not_closed":
        return result.filed - result.closed
    if drill == "not_on_time":
        return result.filed - result.on_time_closed
    if drill == "late_response":
        return result.responses - result.responded_on_time
    return None


@staff_page("evaluation.view_resultrun")
def run_export(request, pk: int):
    run = _run(request.user, pk)
    results = selectors.ranked(SubjectResult.objects.visible_to(request.user).filter(run=run))
    return exports.xlsx_response(exports.run_xlsx(run, results), f"evaluation-{run.period.code}-run{run.pk}.xlsx")


# --- score sheets -----------------------------------------------------------------------------------


@staff_page("evaluation.view_scoresheet")
def sheets(request):
    rows = (ScoreSheet.objects.visible_to(request.user).select_related("round__period")
            .order_by("status", "-round__period__starts_on", "flow", "id"))
    rows, chosen = filtered(request, filters.SheetFilter, rows)
    status_links = [(ScoreSheet.Status.PENDING, ScoreSheet.Status.PENDING.label),
                    (ScoreSheet.Status.SUBMITTED, ScoreSheet.Status.SUBMITTED.label), ("", _("All"))]
    return render(request, "evaluation/sheets.html", {"page": paginate(request, rows),
                                                      "status": chosen.get("status") or "",
                                                      "status_links": status_links})


@staff_page("evaluation.view_scoresheet")
def sheet_detail(request, pk: int):
    sheet = get_object_or_404(ScoreSheet.objects.visible_to(request.user).select_related("round__period"), pk=pk)
    return _sheet_page(request, sheet, request.user, lambda form: services.sheet_submit(
        actor=request.user, sheet_id=sheet.pk, scores=form.scores(), comment=form.cleaned_data["comment"]),
        redirect_to=reverse("evaluation:sheet", args=[sheet.pk]))


def public_sheet(request, token: str):
    """The residents' representatives' sheet, opened with its access code (no login)."""
    sheet = get_object_or_404(ScoreSheet.objects.select_related("round__period"), token=token,
                              evaluator_kind="residents")
    if request.method == "POST" and not public_submit_allowed(request):
        return render(request, "core/throttled.html", status=429)
    return _sheet_page(request, sheet, AccessCode(token), lambda form: services.sheet_submit_by_token(
        token=token, scores=form.scores(), comment=form.cleaned_data["comment"]),
        redirect_to=reverse("evaluation:public-sheet", args=[token]), public=True)


def _sheet_page(request, sheet, actor, submit, redirect_to: str, public: bool = False):
    """The sheet, and its form for its evaluator (a wrong state or a closed round shows on the form)."""
    criteria = sheet.round.criteria.get(sheet.flow, [])
    can_submit = not isinstance(SHEET_FLOW.refusal(actor, sheet, SheetAction.SUBMIT), PermissionDenied)
    if request.method == "POST" and not can_submit:
        raise PermissionDenied
    form = forms.SheetForm(request.POST if request.method == "POST" else None, criteria=criteria)
    if request.method == "POST" and form.is_valid() and run_service(form, lambda: submit(form)):
        messages.success(request, _("Thank you: the sheet is submitted."))
        return redirect(redirect_to)
    return render(request, "evaluation/sheet.html", {"sheet": sheet, "form": form, "criteria": criteria,
                                                     "public": public, "can_submit": can_submit})


# --- bonuses ----------------------------------------------------------------------------------------


@staff_page("evaluation.view_bonusrun")
def bonus_detail(request, pk: int):
    bonus = _bonus(request.user, pk)
    totals = bonus.lines.values("post").annotate(n=Count("id"), total=Sum("amount"), average=Avg("amount"))
    return render(request, "evaluation/bonus.html", {
        "bonus": bonus, "page": paginate(request, bonus.lines.order_by("grid_code", "username"), 100),
        "totals": totals.order_by("post"),
    })


@staff_page("evaluation.view_bonusrun")
def bonus_export(request, pk: int):
    bonus = _bonus(request.user, pk)
    return exports.xlsx_response(exports.bonus_xlsx(bonus), f"bonus-{bonus.period.code}-{bonus.pk}.xlsx")

