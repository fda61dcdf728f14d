"""Staff pages of the case engine: inbox, case detail with its actions, filing on a phone,
photos, exports, notifications and the command-centre dashboard. They work without JavaScript;
scripts only add maps, charts, live countdowns and in-place refresh."""
import csv
import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.errors import Conflict
from core.pages import errors_onto_form, page_of, staff_page
from core.scoping import scope_of
from grids.models import Grid
from grids.selectors import grid_get_for_user, public_staff_of_grid

from . import attachments, forms, inbox, selectors, services
from .dashboard import dashboard_figures, figures_as_json
from .models import Attachment, Case, Category
from .workflow import OPEN, Action, Light, Source, Status

EXPORT_LIMIT = 50_000
EXPORT_COLUMNS = ["number", "title", "category", "status", "tier", "light", "street", "grid", "address",
                  "department", "created_at", "due_at", "closed_at", "satisfaction"]


def _filter_form(request):
    data = request.GET.copy()
    data.setdefault("view", "mine" if inbox.waiting_on(request.user).exists() else "all")
    form = forms.CaseFilterForm(data)
    return form, (form.cleaned_data if form.is_valid() else {"view": data["view"]})


def _inbox_queryset(request, cleaned):
    base = inbox.waiting_on(request.user) if cleaned.get("view") == "mine" else Case.objects.visible_to(request.user)
    return inbox.filtered(base, request.GET, cleaned.get("sort") or "")


@staff_page("cases.view_case")
def case_inbox(request):
    form, cleaned = _filter_form(request)
    page = page_of(selectors.with_relations(_inbox_queryset(request, cleaned)), request.GET.get("page"))
    for case in page.rows:
        case.my_actions = services.available_actions(request.user, case)
    context = {
        "form": form, "page": page, "waiting": inbox.waiting_on(request.user).count(),
        "can_bulk_dispatch": any(Action.DISPATCH in c.my_actions for c in page.rows),
        "bulk_targets": _bulk_targets(page.rows),
        "query": request.GET.urlencode(),
    }
    template = "cases/_inbox_rows.html" if request.htmx else "cases/inbox.html"
    return render(request, template, context)


def _bulk_targets(rows) -> list:
    """Stations (or departments) every dispatchable row on the page could go to."""
    dispatchable = [c for c in rows if Action.DISPATCH in c.my_actions]
    if not dispatchable:
        return []
    common = None
    for case in dispatchable:
        targets = set(forms.addressees(case))
        common = targets if common is None else common & targets
    return sorted(t for t in (common or set()) if t[0].startswith("d:"))


@staff_page("cases.change_case")
def case_bulk_dispatch(request):
    if request.method != "POST":
        return redirect("cases:inbox")
    target = request.POST.get("to", "")
    numbers = request.POST.getlist("case")
    if not target.startswith("d:") or not numbers:
        messages.error(request, _("Choose the cases and where to send them."))
        return redirect(f"{reverse('cases:inbox')}?{request.POST.get('query', '')}")
    done, failed = [], []
    for number in numbers[:200]:
        try:
            services.case_act(actor=request.user, number=number, action=Action.DISPATCH,
                              data={"department": target[2:]})
            done.append(number)
        except (ValidationError, PermissionDenied, Conflict, Http404) as error:
            failed.append(f"{number}: {'; '.join(getattr(error, 'messages', [str(error)]))}")
    if done:
        messages.success(request, _("%(count)s case(s) dispatched.") % {"count": len(done)})
    for line in failed:
        messages.error(request, line)
    return redirect(f"{reverse('cases:inbox')}?{request.POST.get('query', '')}")


@staff_page("cases.view_case")
def case_export(request, fmt: str):
    _form, cleaned = _filter_form(request)
    rows = (_inbox_queryset(request, cleaned).select_related("category", "street", "grid", "department")
            .defer("grid__boundary", "street__boundary")[:EXPORT_LIMIT])

    def values(case):
        return [case.number, case.title, case.category.name, case.get_status_display(), case.get_tier_display(),
                case.get_light_display(), case.street.name, case.grid.name, case.address,
                case.department.name if case.department else "",
                timezone.localtime(case.created_at).strftime("%Y-%m-%d %H:%M"),
                timezone.localtime(case.due_at).strftime("%Y-%m-%d %H:%M") if case.due_at else "",
                timezone.localtime(case.closed_at).strftime("%Y-%m-%d %H:%M") if case.closed_at else "",
                case.satisfaction or ""]

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        class Echo:
            def write(self, value):
                return value

        writer = csv.writer(Echo())

        def stream():
            yield "\ufeff"  # so that Excel opens the UTF-8 file as UTF-8
            yield writer.writerow(EXPORT_COLUMNS)
            for case in rows.iterator(chunk_size=2000):
                yield writer.writerow(values(case))

        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="cases-{stamp}.csv"'
        return response
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Cases"))
    sheet.append(EXPORT_COLUMNS)
    for case in rows.iterator(chunk_size=2000):
        sheet.append(values(case))
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="cases-{stamp}.xlsx"'
    book.save(response)
    return response


# The step's main action first (its form opens by default), then the exceptional ones.
ACTION_ORDER = [Action.FILE, Action.DISPATCH, Action.ACCEPT, Action.FEEDBACK, Action.HANDLE_ON_SPOT, Action.VERIFY,
                Action.EVALUATE, Action.APPROVE_EXTENSION, Action.DENY_EXTENSION, Action.REQUEST_EXTENSION,
                Action.RETURN, Action.REWORK, Action.ESCALATE, Action.REJECT, Action.MERGE, Action.COMMENT]


def _detail_context(request, case, bound_action=None, bound_form=None):
    actions = sorted(services.available_actions(request.user, case), key=ACTION_ORDER.index)
    action_forms = []
    for action in actions:
        form = bound_form if action == bound_action else forms.for_action(action, case)
        action_forms.append((action, Action(action).label, form))
    return {
        "case": case,
        "events": case.events.select_related("actor").order_by("seq"),
        "photos": case.attachments.all(),
        "action_forms": action_forms,
        "open_action": bound_action,
        "grid_boundary": Grid.objects.filter(pk=case.grid_id).values_list("boundary", flat=True).first(),
        "can_add_photo": request.user.has_perm("cases.add_attachment") and case.status not in (
            Status.EVALUATED, Status.REJECTED),
    }


@staff_page("cases.view_case")
def case_detail(request, number: str):
    case = selectors.case_get_for_user(request.user, number)
    return render(request, "cases/detail.html", _detail_context(request, case))


@staff_page("cases.view_case")
def case_act(request, number: str, action: str):
    case = selectors.case_get_for_user(request.user, number)
    if request.method != "POST" or action not in Action.values:
        return redirect("cases:detail", number=number)
    form = forms.for_action(action, case, request.POST)
    status = 400
    if form.is_valid():
        try:
            services.case_act(actor=request.user, number=number, action=action,
                              data=forms.action_data(action, form), version=form.cleaned_data.get("version"))
        except ValidationError as error:
            errors_onto_form(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error) or _("This step is not yours."))
            status = 403
        except Conflict as error:
            form.add_error(None, error.message)
            status = 409
        else:
            messages.success(request, _("%(action)s: done.") % {"action": Action(action).label})
            return redirect("cases:detail", number=number)
    case = selectors.case_get_for_user(request.user, number)
    return render(request, "cases/detail.html", _detail_context(request, case, action, form), status=status)


@staff_page("cases.add_attachment")
def case_photo_upload(request, number: str):
    if request.method == "POST" and request.FILES.get("photo"):
        try:
            attachments.case_attach(actor=request.user, number=number, content=request.FILES["photo"].read())
            messages.success(request, _("Photo added."))
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        except Conflict as error:
            messages.error(request, error.message)
    return redirect("cases:detail", number=number)


@staff_page("cases.view_case")
def case_photo(request, number: str, pk: int):
    """Photos are served only to people who may see the case (never from a public media URL)."""
    case = selectors.case_get_for_user(request.user, number)
    attachment = get_object_or_404(Attachment, pk=pk, case=case)
    return FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)


def _report_location(request, form_data) -> tuple[float, float] | None:
    """The point given, else the centre of the reporter's own grid."""
    if form_data.get("lat") is not None and form_data.get("lng") is not None:
        return form_data["lat"], form_data["lng"]
    profile = getattr(request.user, "staff_profile", None)
    if profile and profile.home_grid_id:
        grid = Grid.objects.only("centroid_lat", "centroid_lng").get(pk=profile.home_grid_id)
        return grid.centroid_lat, grid.centroid_lng
    return None


@staff_page("cases.add_case")
def case_new(request):
    """A grid worker's phone page: report a problem, one-tap must-report items, my tasks."""
    form = forms.NewCaseForm(request.POST or None, request.FILES or None,
                             initial={"key": secrets.token_hex(8)})
    if request.method == "POST" and form.is_valid():
        point = _report_location(request, form.cleaned_data)
        if point is None:
            form.add_error("lat", _("Give the location."))
        else:
            case = _create_with_photo(request, form, services.NewCase(
                title=form.cleaned_data["title"], description=form.cleaned_data["description"],
                category=form.cleaned_data["category"], lat=point[0], lng=point[1],
                address=form.cleaned_data["address"], source=Source.GRID_PATROL,
                urgency=form.cleaned_data["urgency"]), form.cleaned_data.get("key") or None)
            if case is not None:
                return redirect("cases:created", number=case.number)
    context = {
        "form": form,
        "must_report": Category.objects.filter(must_report_item__isnull=False).order_by("must_report_item"),
        "my_tasks": selectors.with_relations(inbox.waiting_on(request.user)).order_by("due_at")[:20],
    }
    return render(request, "cases/new.html", context, status=400 if form.errors else 200)


def _create_with_photo(request, form, data: services.NewCase, key: str | None):
    """Create the case and its photo together: a refused photo creates nothing."""
    try:
        with transaction.atomic():
            case, _created = services.case_create(actor=request.user, data=data, creation_key=key)
            photo = form.cleaned_data.get("photo")
            if photo:
                attachments.case_attach(actor=request.user, number=case.number, content=photo.read(), stage="before")
        return case
    except ValidationError as error:
        if hasattr(error, "error_dict") and "file" in error.error_dict:
            error = ValidationError({"photo": error.error_dict["file"]})  # the form calls the file "photo"
        errors_onto_form(form, error)
        return None


@staff_page("cases.add_case")
def case_must_report(request):
    """九必报: one tap files the matching case at the reporter's location (or grid centre)."""
    form = forms.MustReportForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return redirect("cases:new")
    category = get_object_or_404(Category, must_report_item=form.cleaned_data["item"], active=True)
    point = _report_location(request, form.cleaned_data)
    if point is None:
        messages.error(request, _("Your account has no grid; use the full form."))
        return redirect("cases:new")
    note = form.cleaned_data.get("note") or ""
    try:
        case, _created = services.case_create(actor=request.user, data=services.NewCase(
            title=_("Must-report: %(name)s") % {"name": category.name}, description=note or category.name,
            category=category.code, lat=point[0], lng=point[1], address=_("Reported on patrol"),
            source=Source.MUST_REPORT))
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
        return redirect("cases:new")
    return redirect("cases:created", number=case.number)


@staff_page("cases.view_case")
def case_created(request, number: str):
    case = selectors.case_get_for_user(request.user, number)
    return render(request, "cases/created.html", {"case": case})


@staff_page("grids.view_grid")
def grid_page(request, code: str):
    """A grid's map, staff, the grids below it, and its open cases with their figures."""
    grid = grid_get_for_user(request.user, code)
    cases = Case.objects.visible_to(request.user)
    cases = cases.filter(street_id=grid.id) if grid.level == Grid.Level.STREET else (
        cases.filter(grid_id=grid.id) if grid.level == Grid.Level.UNIT else cases)
    figures = cases.aggregate(
        open=Count("id", filter=Q(status__in=OPEN)), red=Count("id", filter=Q(status__in=OPEN, light=Light.RED)),
        closed=Count("id", filter=Q(closed_at__isnull=False)), on_time=Count("id", filter=Q(
            closed_at__isnull=False, overdue_steps=0)))
    context = {
        "grid": grid,
        "children": Grid.objects.visible_to(request.user).filter(parent=grid).defer("boundary"),
        "staff": public_staff_of_grid(code) if grid.level == Grid.Level.UNIT else [],
        "open_cases": selectors.with_relations(cases.filter(status__in=OPEN)).order_by("due_at")[:30],
        "figures": figures,
    }
    return render(request, "cases/grid.html", context)


def _dashboard_street(request) -> Grid | None:
    """District roles may look at any street; a street's staff see their own street only."""
    scope = scope_of(request.user)
    code = request.GET.get("street", "")
    if not scope.everywhere:
        streets = [c for c in scope.grid_codes if len(c) == 9]
        if len(streets) != 1:
            raise PermissionDenied
        code = streets[0]
    if not code:
        return None
    return grid_get_for_user(request.user, code) if Grid.objects.filter(code=code, level=Grid.Level.STREET).exists() \
        else None


@staff_page("cases.view_case")
def dashboard(request):
    street = _dashboard_street(request)
    figures = dashboard_figures(request.user, street)
    return render(request, "cases/dashboard.html", {
        "figures": figures, "street": street, "can_see_district": scope_of(request.user).everywhere})


@staff_page("cases.view_case")
def dashboard_data(request):
    street = _dashboard_street(request)
    return JsonResponse(figures_as_json(dashboard_figures(request.user, street)))
