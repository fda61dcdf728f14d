"""Pages of the innovation fund: the district sets budgets, publishes calls, reviews, awards and pays; a
community's staff and an organisation's own people apply, submit and report their milestones done. Rows come
through ``visible_to``; the steps offered are those the workflows allow the user now; a refusal (an award past
the budget included) shows on the form that asked for it."""
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from core.pages import bound, paginate, run_service, staff_page, submitted

from . import forms, funds, models, selectors
from .views import _status, _step_forms, _steps_shown, _take_step
from .workflow import APPLICATION_FLOW, INSTALMENT_FLOW

Application = models.FundApplication


@staff_page("orgs.view_fundapplication")
def fund(request):
    """The year's budgets, the calls, the applications one may see, and what the fund has supported."""
    user = request.user
    budget_form = bound(request, "budget", forms.BudgetForm)
    call_form = bound(request, "call", forms.CallForm)
    for name, form, service, permission in (
        ("budget", budget_form, funds.budget_set, "orgs.add_fundbudget"),
        ("call", call_form, funds.call_create, "orgs.add_fundcall"),
    ):
        if submitted(request, name) and user.has_perm(permission) and form.is_valid():
            if run_service(form, service, user=user, **form.cleaned_data):
                return redirect("orgs:fund")
    applications = Application.objects.visible_to(user).select_related("call", "organisation", "community_grid")
    status = request.GET.get("status", "")
    if status in Application.Status.values:
        applications = applications.filter(status=status)
    year = timezone.localdate().year
    return render(request, "orgs/fund.html", {
        "budgets": selectors.budgets_with_awarded(models.FundBudget.objects.visible_to(user).filter(year=year)),
        "calls": models.FundCall.objects.visible_to(user)[:10],
        "supported": selectors.fund_supported(Application.objects.visible_to(user)),
        "page": paginate(request, applications), "status": status, "statuses": Application.Status.choices,
        "budget_form": budget_form, "call_form": call_form,
    }, status=_status(request))


@staff_page("orgs.view_fundcall")
def fund_call(request, pk):
    """A call, its applications one may see and, while it is open, the application form."""
    user = request.user
    call = get_object_or_404(models.FundCall.objects.visible_to(user), pk=pk)
    form = bound(request, "apply", forms.ApplicationForm, user=user)
    if submitted(request, "apply") and user.has_perm("orgs.add_fundapplication") and form.is_valid():
        application = run_service(form, funds.application_create, user=user, call=call, **form.cleaned_data)
        if application:
            return redirect("orgs:fund-application", pk=application.pk)
    applications = Application.objects.visible_to(user).filter(call=call).select_related(
        "organisation", "community_grid")
    return render(request, "orgs/fund_call.html", {
        "call": call, "form": form, "is_open": call.is_open(), "page": paginate(request, applications),
        "awarded": selectors.fund_supported(call.applications.all()),
    }, status=_status(request))


def _milestone_forms(request, application) -> list:
    """Each milestone with a form for each step the user may take on it now; the one sent is bound."""
    sent, chosen = submitted(request, "milestone"), request.POST.get("milestone", "")
    rows = []
    for milestone in application.milestones.all():
        milestone.application = application
        step_forms = []
        for step in INSTALMENT_FLOW.available(request.user, milestone):
            data = request.POST if sent and chosen == str(milestone.pk) and request.POST.get("step") == step else None
            step_forms.append((step, INSTALMENT_FLOW.label(step),
                               forms.MilestoneActForm(data, step=step, prefix=f"m{milestone.pk}-{step}")))
        rows.append((milestone, step_forms))
    return rows


def _take_milestone_step(request, rows) -> bool:
    for milestone, step_forms in rows:
        for step, _label, form in step_forms:
            if form.is_bound and form.is_valid():
                return run_service(form, funds.milestone_act, user=request.user, milestone=milestone, action=step,
                                   **form.step_data()) is not None
    return False


@staff_page("orgs.view_fundapplication")
def fund_application(request, pk):
    user = request.user
    application = get_object_or_404(Application.objects.visible_to(user).select_related(
        "call", "organisation", "community_grid"), pk=pk)
    step_forms = _step_forms(request, APPLICATION_FLOW, forms.ApplicationActForm, application)
    if _take_step(step_forms, funds.application_act, user=user, application=application):
        return redirect("orgs:fund-application", pk=pk)
    review_form = bound(request, "review", forms.ReviewForm)
    if submitted(request, "review") and user.has_perm("orgs.add_fundreview") and review_form.is_valid():
        if run_service(review_form, funds.review_score, user=user, application=application,
                       **review_form.cleaned_data):
            return redirect("orgs:fund-application", pk=pk)
    milestones = _milestone_forms(request, application)
    if _take_milestone_step(request, milestones):
        return redirect("orgs:fund-application", pk=pk)
    reviews = models.FundReview.objects.visible_to(user).filter(application=application).select_related("reviewer")
    return render(request, "orgs/fund_application.html", {
        "application": application, "milestones": milestones, "reviews": reviews,
        "review_form": review_form if application.status == Application.Status.UNDER_REVIEW else None,
        "act_forms": _steps_shown(APPLICATION_FLOW, step_forms),
        "held_back": APPLICATION_FLOW.held_back(user, application),
    }, status=_status(request))
