"""Server-rendered pages of the orgs app. Staff pages need a login and the role's permission;
objects come through ``visible_to`` (outside scope: 404); the steps offered are the ones the
workflow allows the user now. ``public/`` is the information disclosure page with the report
form (群众举报), open to everyone and throttled."""
from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.pages import attempt, bound, filtered, paginate, public_submit_allowed, run_service, staff_page, submitted

from . import filters, forms, models, selectors, services
from .workflow import COMPLAINT_FLOW, ORGANISATION_FLOW, PROJECT_FLOW

Org = models.SocialOrganisation


def _status(request):
    return 400 if request.method == "POST" else 200


def _step_forms(request, flow, form_class, obj) -> dict:
    """A form for each step the user may take now. A step sent that is no longer offered (someone
    moved the object meanwhile) gets its form too, so that the workflow's refusal shows on it."""
    steps = flow.available(request.user, obj)
    sent = request.POST.get("form", "") if request.method == "POST" else ""
    if sent.startswith("act-") and sent[4:] in flow.transitions and sent[4:] not in steps:
        steps.append(sent[4:])
    return {step: form_class(request.POST if submitted(request, f"act-{step}") else None, step=step)
            for step in steps}


def _take_step(step_forms: dict, service, **target) -> bool:
    """Run the step whose form was sent; False if there was none, it was invalid or it was refused."""
    for step, form in step_forms.items():
        if form.is_bound and form.is_valid():
            return run_service(form, service, action=step, **target, **form.step_data()) is not None
    return False


def _steps_shown(flow, step_forms: dict) -> list:
    return [(step, flow.label(step), form) for step, form in step_forms.items()]


@staff_page("orgs.view_socialorganisation")
def organisations(request):
    rows = Org.objects.visible_to(request.user).select_related("street")
    counts = dict(rows.order_by().values_list("status").annotate(n=Count("id")))
    overdue = rows.filter(status=Org.Status.APPLIED, is_overdue=True).order_by("decision_due_on")[:20]
    rows, chosen = filtered(request, filters.OrganisationFilter, rows)
    return render(request, "orgs/organisations.html", {
        "page": paginate(request, rows.order_by("-applied_on", "name")), "status": chosen.get("status", ""),
        "kind": chosen.get("kind", ""), "q": chosen.get("q", ""),
        "statuses": [(value, label, counts.get(value, 0)) for value, label in Org.Status.choices],
        "kinds": Org.Kind.choices, "overdue": overdue,
    })


@staff_page("orgs.add_socialorganisation")
def organisation_new(request):
    form = forms.OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = run_service(form, services.organisation_apply, user=request.user, **form.cleaned_data)
        if organisation:
            messages.success(request, _("The application is recorded; the decision is due by %(date)s.") % {
                "date": organisation.decision_due_on})
            return redirect("orgs:organisation", pk=organisation.pk)
    return render(request, "core/form_page.html", {
        "form": form, "title": _("Record an application"), "back": reverse("orgs:organisations"),
    }, status=_status(request))


@staff_page("orgs.view_socialorganisation")
def organisation_detail(request, pk):
    user = request.user
    organisation = get_object_or_404(Org.objects.visible_to(user).select_related("street", "community"), pk=pk)
    step_forms = _step_forms(request, ORGANISATION_FLOW, forms.OrganisationActForm, organisation)
    if _take_step(step_forms, services.organisation_act, user=user, organisation=organisation):
        return redirect("orgs:organisation", pk=pk)
    return render(request, "orgs/organisation.html", {
        "organisation": organisation, "working_days": selectors.working_days_taken(organisation),
        "act_forms": _steps_shown(ORGANISATION_FLOW, step_forms),
        "held_back": ORGANISATION_FLOW.held_back(user, organisation),
        "projects": organisation.purchase_projects.visible_to(user), "awards": organisation.awards.visible_to(user),
        "tenancies": organisation.tenancies.visible_to(user).select_related("site"),
        "complaints": organisation.complaints.visible_to(user),
    }, status=_status(request))


@staff_page("orgs.view_incubationsite")
def incubation(request):
    user = request.user
    tenancy_form = bound(request, "tenancy", forms.TenancyForm, user=user)
    service_form = bound(request, "service", forms.IncubationServiceForm, user=user)
    for name, form, service, permission in (
        ("tenancy", tenancy_form, services.tenancy_create, "orgs.add_tenancy"),
        ("service", service_form, services.incubation_service_record, "orgs.add_incubationservice"),
    ):
        if submitted(request, name) and user.has_perm(permission) and form.is_valid():
            if run_service(form, service, user=user, **form.cleaned_data):
                return redirect("orgs:incubation")
    tenancies = models.Tenancy.objects.visible_to(user).select_related("site", "organisation").order_by(
        "site__code", "-starts_on")
    end_error = None
    if submitted(request, "end"):
        tenancy = get_object_or_404(models.Tenancy.objects.visible_to(user, "change"), pk=request.POST.get("tenancy"))
        end_error = attempt(services.tenancy_end, user=user, tenancy=tenancy)
        if end_error is None:
            return redirect("orgs:incubation")
    return render(request, "orgs/incubation.html", {
        "occupancy": selectors.incubation_occupancy(user), "end_error": end_error,
        "tenancies": paginate(request, tenancies),
        "services": models.IncubationService.objects.visible_to(user).select_related("site", "organisation")[:30],
        "tenancy_form": tenancy_form, "service_form": service_form,
    }, status=_status(request))


@staff_page("orgs.view_purchaseproject")
def purchases(request):
    user = request.user
    form = bound(request, "project", forms.ProjectForm, user=user)
    if submitted(request, "project") and user.has_perm("orgs.add_purchaseproject") and form.is_valid():
        project = run_service(form, services.project_create, user=user, **form.cleaned_data)
        if project:
            return redirect("orgs:project", pk=project.pk)
    projects = models.PurchaseProject.objects.visible_to(user).select_related("item", "provider", "street")
    fields = dict(models.CatalogueItem.Field.choices)
    return render(request, "orgs/purchases.html", {
        "form": form, "page": paginate(request, projects),
        "by_year": selectors.purchase_totals(projects, by="year"),
        "by_field": [{**row, "label": fields.get(row["item__field"], row["item__field"])}
                     for row in selectors.purchase_totals(projects, by="field")],
        "catalogue": selectors.with_project_counts(models.CatalogueItem.objects.visible_to(user)),
    }, status=_status(request))


@staff_page("orgs.view_purchaseproject")
def project_detail(request, pk):
    user = request.user
    project = get_object_or_404(
        models.PurchaseProject.objects.visible_to(user).select_related("item", "provider", "street"), pk=pk)
    step_forms = _step_forms(request, PROJECT_FLOW, forms.ProjectActForm, project)
    if _take_step(step_forms, services.project_act, user=user, project=project):
        return redirect("orgs:project", pk=pk)
    milestone_form = bound(request, "milestone", forms.MilestoneForm)
    if submitted(request, "milestone") and user.has_perm("orgs.add_projectmilestone") and milestone_form.is_valid():
        if run_service(milestone_form, services.project_milestone_add, user=user, project=project,
                       **milestone_form.cleaned_data):
            return redirect("orgs:project", pk=pk)
    done_error = None
    if submitted(request, "done") and user.has_perm("orgs.change_projectmilestone"):
        milestone = get_object_or_404(project.milestones, pk=request.POST.get("milestone"))
        done_error = attempt(services.project_milestone_done, user=user, milestone=milestone)
        if done_error is None:
            return redirect("orgs:project", pk=pk)
    return render(request, "orgs/project.html", {
        "project": project, "milestones": project.milestones.all(), "milestone_form": milestone_form,
        "done_error": done_error, "act_forms": _steps_shown(PROJECT_FLOW, step_forms),
        "held_back": PROJECT_FLOW.held_back(user, project),
    }, status=_status(request))


@staff_page("orgs.view_award")
def awards(request):
    user = request.user
    form = bound(request, "award", forms.AwardForm, user=user)
    if submitted(request, "award") and user.has_perm("orgs.add_award") and form.is_valid():
        if run_service(form, services.award_grant, user=user, **form.cleaned_data):
            return redirect("orgs:awards")
    rows = models.Award.objects.visible_to(user).select_related("organisation")
    budgets = models.FundBudget.objects.visible_to(user).filter(programme=models.FundBudget.Programme.AWARDS)
    return render(request, "orgs/awards.html", {
        "form": form, "totals": selectors.award_totals(rows), "page": paginate(request, rows),
        "budget": selectors.budgets_with_awarded(budgets).filter(year=timezone.localdate().year).first(),
    }, status=_status(request))


@staff_page("orgs.view_complaint")
def complaints(request):
    user = request.user
    form = bound(request, "complaint", forms.ComplaintForm, user=user)
    if submitted(request, "complaint") and user.has_perm("orgs.add_complaint") and form.is_valid():
        complaint = run_service(form, services.complaint_receive, user=user, **form.cleaned_data)
        if complaint:
            return redirect("orgs:complaint", pk=complaint.pk)
    rows = models.Complaint.objects.visible_to(user).select_related("organisation")
    rows = filters.ComplaintFilter(request.GET, queryset=rows).qs
    return render(request, "orgs/complaints.html", {"form": form, "page": paginate(request, rows)},
                  status=_status(request))


@staff_page("orgs.view_complaint")
def complaint_detail(request, pk):
    user = request.user
    complaint = get_object_or_404(models.Complaint.objects.visible_to(user).select_related("organisation"), pk=pk)
    step_forms = _step_forms(request, COMPLAINT_FLOW, forms.ComplaintActForm, complaint)
    if _take_step(step_forms, services.complaint_act, user=user, complaint=complaint):
        return redirect("orgs:complaint", pk=pk)
    return render(request, "orgs/complaint.html", {
        "complaint": complaint, "act_forms": _steps_shown(COMPLAINT_FLOW, step_forms),
        "held_back": COMPLAINT_FLOW.held_back(user, complaint),
    }, status=_status(request))


# --- public disclosure ----------------------------------------------------------------------------


def public(request):
    """Information disclosure (信息公开): registered and filed organisations, purchased projects, awards."""
    organisations, chosen = filtered(request, filters.PublicOrganisationFilter, selectors.public_organisations())
    projects = selectors.public_projects()
    return render(request, "orgs/public.html", {
        "q": chosen.get("q", ""), "organisations": paginate(request, organisations),
        "projects": projects[:200], "project_totals": selectors.purchase_totals(projects, by="year"),
        "award_totals": selectors.award_totals(selectors.public_awards()),
    })


def public_report(request):
    """群众举报: report an organisation. No login; throttled per client."""
    initial = {"organisation": request.GET.get("organisation")}
    form = forms.PublicReportForm(request.POST or None, initial=initial)
    chosen = str(request.POST.get("organisation") or request.GET.get("organisation") or "")
    organisation = (selectors.public_organisations().filter(pk=chosen).first()
                    if chosen.isascii() and chosen.isdigit() and len(chosen) <= 18 else None)
    if organisation is None:
        return render(request, "orgs/public_report.html", {"form": None}, status=404)
    if request.method == "POST":
        if not public_submit_allowed(request):
            return render(request, "core/throttled.html", status=429)
        if form.is_valid():
            if run_service(form, services.complaint_receive, channel=models.Complaint.Channel.ONLINE,
                           **form.cleaned_data):
                return render(request, "orgs/public_report.html", {"done": True, "organisation": organisation},
                              status=201)
    return render(request, "orgs/public_report.html", {"form": form, "organisation": organisation},
                  status=_status(request))
