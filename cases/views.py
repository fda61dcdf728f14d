"""Staff pages of the case engine: inbox, case detail with its actions, filing on a phone,
photos, exports, notifications and the command-centre dashboard. They work without JavaScript;
scripts only add maps, charts, live countdowns and in-place refresh."""
import secrets
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.errors import Conflict, TooManyRequests
from core.pages import errors_onto_form, page_of, staff_page
from core.scoping import scope_of
from core.storage import stored_file_response
from grids.geometry import locate_unit_grid
from grids.models import Grid
from grids.selectors import grid_get_for_user, public_staff_of_grid
from patrols.coverage import coverage
from patrols.selectors import patrol_in_progress_of
from registers.selectors import register_figures

from . import attachments, callbacks, duplicates, exports, forms, hotline, inbox, selectors, services, trail
from .dashboard import dashboard_figures, figures_as_json
from .models import Attachment, Case, CaseExport, Category, Route
from .roles import FOLLOW_UP
from .routing import RoutingDirectory, routing_health, routing_table
from .workflow import CALLBACK, OPEN, Action, Light, Source, Status, Tier

GAPS_SHOWN = 200  # the routing page lists this many dead ends, then counts the rest


def _filter_form(request, params=None, *, anything_waiting: bool | None = None):
    """The inbox's filters; without a view asked for, what waits on the person if anything does."""
    data = (request.GET if params is None else params).copy()
    if "view" not in data:
        if anything_waiting is None:
            anything_waiting = inbox.waiting_on(request.user).exists()
        data["view"] = "mine" if anything_waiting else "all"
    form = forms.CaseFilterForm(data)
    return form, (form.cleaned_data if form.is_valid() else {"view": data["view"]})


def _inbox_queryset(request, cleaned):
    return inbox.listed(request.user, request.GET, cleaned.get("view"), cleaned.get("sort") or "")


@staff_page("cases.view_case")
def case_inbox(request):
    waiting = inbox.waiting_on(request.user).count()
    form, cleaned = _filter_form(request, anything_waiting=waiting > 0)
    page = page_of(selectors.with_relations(_inbox_queryset(request, cleaned)), request.GET.get("page"))
    for case in page.rows:
        case.step_actions = inbox.step_actions(request.user, case)
        case.my_actions = [action for action, _label in case.step_actions]
    context = {
        "form": form, "page": page, "waiting": waiting, "view": cleaned.get("view"),
        "filtered": any(request.GET.get(name) for name in form.fields if name not in ("view", "sort")),
        "can_bulk_dispatch": any(Action.DISPATCH in c.my_actions for c in page.rows),
        "bulk_targets": _bulk_targets(page.rows),
        "query": _query_without_page(request),
    }
    template = "cases/_inbox_rows.html" if request.htmx else "cases/inbox.html"
    return render(request, template, context)


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _bulk_targets(rows) -> list:
    """Units (or departments) every dispatchable row on the page could go to, with someone to accept them."""
    dispatchable = [c for c in rows if Action.DISPATCH in c.my_actions]
    if not dispatchable:
        return []
    directory = RoutingDirectory(street_ids={c.street_id for c in dispatchable},
                                 category_ids={c.category_id for c in dispatchable})
    common = None
    for case in dispatchable:
        targets = {(f"d:{a.code}", a.name) for a in directory.addressees(case) if not a.is_person and a.handlers}
        common = targets if common is None else common & targets
    return sorted(common)


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
    """Ask for the case list, as its filters select it, as a spreadsheet: written in the background, then offered
    for download on the job's page (which shows the progress meanwhile)."""
    if request.method != "POST":
        return redirect("cases:inbox")
    params = QueryDict(request.POST.get("query", ""), mutable=True)
    _form, cleaned = _filter_form(request, params)
    params["view"] = cleaned["view"]  # the view the list showed, "waiting on me" by default
    try:
        job = exports.export_request(actor=request.user, fmt=fmt, query=params.urlencode())
    except TooManyRequests as error:
        return render(request, "cases/export_refused.html", {"message": error.message}, status=429)
    return redirect("cases:export-job", pk=job.pk)


@staff_page("cases.view_caseexport")
def case_export_job(request, pk: int):
    """An export's progress (refreshed in place while it runs), then its download link."""
    job = get_object_or_404(CaseExport.objects.visible_to(request.user), pk=pk)
    template = "cases/_export_progress.html" if request.htmx else "cases/export_job.html"
    return render(request, template, {"job": job})


@staff_page("cases.view_caseexport")
def case_export_download(request, pk: int):
    job = get_object_or_404(CaseExport.objects.visible_to(request.user), pk=pk, state=CaseExport.State.DONE)
    return stored_file_response(job.file, content_type=job.content_type, filename=job.filename)


def _detail_context(request, case, bound_action=None, bound_form=None, callback_form=None):
    actions = sorted(services.available_actions(request.user, case), key=inbox.ACTION_ORDER.index)
    may_call_back = case.status in callbacks.CALLED_BACK and callbacks.may_call_back(request.user, case)
    replies = selectors.reply_templates_offered(
        request.user, case, [forms.REPLY_USE.get(a, a) for a in actions] + ([CALLBACK] if may_call_back else []))
    action_forms = []
    for action in actions:
        form = bound_form if action == bound_action else forms.for_action(action, case)
        forms.offer_replies(form, action, replies.get(forms.REPLY_USE.get(action, action), []))
        action_forms.append((action, Action(action).label, form))
    asked = request.GET.get("action")  # an inbox row's button opens that action's form
    return {
        "case": case,
        "trail": trail.case_trail(case),
        "satisfaction": trail.satisfaction_words(case.satisfaction) if case.satisfaction else "",
        "photos": case.attachments.all(),
        "action_forms": action_forms,
        "open_action": bound_action or (asked if asked in actions else None),
        # One step from a suggestion to a merge: the open cases this one may duplicate (cases/duplicates.py).
        "merge_into": duplicates.possible_duplicates(request.user, category_id=case.category_id, lat=case.lat,
                                                     lng=case.lng, exclude=case) if Action.MERGE in actions else [],
        "grid_boundary": Grid.objects.filter(pk=case.grid_id).values_list("boundary", flat=True).first(),
        "summonses": selectors.summonses_of(case),
        "can_add_photo": request.user.has_perm("cases.add_attachment") and case.status not in (
            Status.EVALUATED, Status.REJECTED),
        "callbacks": list(selectors.callbacks_of_case(case)) if request.user.has_perm("cases.view_callback") else [],
        "callback_form": _callback_form(callback_form or (forms.CallbackForm() if may_call_back else None), replies),
        "reopen_held_back": dict(services.CASE_WORKFLOW.held_back(request.user, case)).get(str(Action.REOPEN.label)),
    }


def _callback_form(form, replies):
    if form is not None:
        forms.offer_replies(form, CALLBACK, replies.get(CALLBACK, []))
    return form


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
            # A step can hand the case out of the actor's sight (a station returns it): back to their inbox then.
            if not Case.objects.visible_to(request.user).filter(number=number).exists():
                return redirect("cases:inbox")
            return redirect("cases:detail", number=number)
    case = selectors.case_get_for_user(request.user, number)
    return render(request, "cases/detail.html", _detail_context(request, case, action, form), status=status)


@staff_page("cases.add_callback")
def case_callback(request, number: str):
    """Record a callback (回访) from the case page; a refused one shows the page again with why."""
    case = selectors.case_get_for_user(request.user, number)
    if request.method != "POST":
        return redirect("cases:detail", number=number)
    form = forms.CallbackForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            callbacks.callback_record(actor=request.user, number=number, **form.cleaned_data)
        except ValidationError as error:
            errors_onto_form(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
            status = 403
        except Conflict as error:
            form.add_error(None, error.message)
            status = 409
        else:
            messages.success(request, _("Callback recorded."))
            return redirect(f"{reverse('cases:detail', args=[number])}#callbacks")
    case = selectors.case_get_for_user(request.user, number)
    return render(request, "cases/detail.html", _detail_context(request, case, callback_form=form), status=status)


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
def case_photo(request, number: str, pk: int, thumbnail: bool = False):
    """Photos are served only to people who may see the case (never from a public media URL); the thumbnail of a
    photo stored before thumbnails were made is the photo."""
    case = selectors.case_get_for_user(request.user, number)
    attachment = get_object_or_404(Attachment, pk=pk, case=case)
    if thumbnail and attachment.thumbnail:
        return stored_file_response(attachment.thumbnail, content_type="image/jpeg")
    return stored_file_response(attachment.file, content_type=attachment.content_type)


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
                             initial={"key": secrets.token_hex(8), "patrol": _patrol_asked(request)})
    if request.method == "POST" and form.is_valid():
        point = _report_location(request, form.cleaned_data)
        if point is None:
            form.add_error("lat", _("Give the location."))
        else:
            case = _create_with_photo(request, form, services.NewCase(
                title=form.cleaned_data["title"], description=form.cleaned_data["description"],
                category=form.cleaned_data["category"], lat=point[0], lng=point[1],
                address=form.cleaned_data["address"], source=Source.GRID_PATROL,
                urgency=form.cleaned_data["urgency"], patrol=form.cleaned_data.get("patrol")),
                form.cleaned_data.get("key") or None)
            if case is not None:
                return redirect("cases:created", number=case.number)
    context = {
        "form": form,
        "patrol": patrol_in_progress_of(request.user),
        "must_report": Category.objects.filter(must_report_item__isnull=False).order_by("must_report_item"),
        "my_tasks": selectors.with_relations(inbox.waiting_on(request.user)).order_by("due_at")[:20],
    }
    return render(request, "cases/new.html", context, status=400 if form.errors else 200)


def _patrol_asked(request) -> int | None:
    """The patrol the "report a problem found" link names (the service checks it is the filer's own, in progress)."""
    value = request.GET.get("patrol", "")
    return int(value) if value.isdigit() else None


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


def _caller_history(request, phone: str) -> dict:
    """The caller's earlier cases the desk shows (None before a number is typed), or why the number is not one."""
    if not phone.strip():
        return {"callers": None}
    try:
        return {"callers": list(hotline.caller_cases(request.user, phone)), "open_statuses": OPEN}
    except ValidationError as error:
        return {"callers": None, "phone_errors": error.message_dict["phone"]}


def _desk(request, form, status: int = 200, refusals=()):
    context = {"form": form, "refusals": refusals,
               **_caller_history(request, form["phone"].value() or request.GET.get("phone", ""))}
    return render(request, "cases/desk.html", context, status=status)


@staff_page("cases.add_case", FOLLOW_UP)
def case_desk(request):
    """The hotline desk (热线受理台), one screen per call: the caller's number brings up their earlier cases; a call
    about an open one is recorded on it (``case_follow_up``), any other becomes a new case from the hotline."""
    if request.htmx:  # the number as it is typed: their earlier cases only
        return render(request, "cases/_caller_history.html", _caller_history(request, request.GET.get("phone", "")))
    if request.method != "POST":
        return _desk(request, forms.HotlineCaseForm(initial={"key": secrets.token_hex(8),
                                                             "phone": request.GET.get("phone", "")}))
    form = forms.HotlineCaseForm(request.POST)
    if "lookup" in request.POST:  # without scripts, the number is looked up by this button
        return _desk(request, forms.HotlineCaseForm(initial=request.POST.dict()))
    if not form.is_valid():
        return _desk(request, form, 400)
    data = form.cleaned_data
    try:
        case, _created = services.case_create(actor=request.user, data=services.NewCase(
            title=data["title"], description=data["description"], category=data["category"], lat=data["lat"],
            lng=data["lng"], address=data["address"], source=Source.HOTLINE, urgency=data["urgency"],
            reporter_name=data["caller_name"], reporter_phone=data["phone"]), creation_key=data["key"] or None)
    except ValidationError as error:
        errors_onto_form(form, error)
        return _desk(request, form, 400)
    return redirect("cases:created", number=case.number)


@staff_page(FOLLOW_UP)
def case_follow_up(request, number: str):
    """追加来电: the desk's call recorded on the caller's open case; refused, the desk shows why with the call kept."""
    if request.method != "POST":
        return redirect("cases:desk")
    call = forms.CallForm(request.POST)
    if call.is_valid():
        try:
            hotline.case_follow_up(actor=request.user, number=number, phone=call.cleaned_data["phone"],
                                   caller_name=call.cleaned_data["caller_name"],
                                   note=call.cleaned_data["description"])
        except ValidationError as error:
            return _desk(request, forms.HotlineCaseForm(initial=request.POST.dict()), 400, error.messages)
        except PermissionDenied as error:
            return _desk(request, forms.HotlineCaseForm(initial=request.POST.dict()), 403, [str(error)])
        except Conflict as error:
            return _desk(request, forms.HotlineCaseForm(initial=request.POST.dict()), 409, [error.message])
        messages.success(request, _("The call was added to case %(number)s; whoever handles it now has been told.")
                         % {"number": number})
        return redirect("cases:desk")
    refusals = [f"{call.fields[name].label}: {' '.join(errors)}" for name, errors in call.errors.items()]
    return _desk(request, forms.HotlineCaseForm(initial=request.POST.dict()), 400, refusals)


@staff_page("cases.add_case")
def case_must_report(request):
    """九必报: a tap names the item; one more tap confirms it and files the case at the reporter's
    location (or grid centre). The confirmation works without scripts, and its one-time key makes
    a double tap file one case."""
    form = forms.MustReportForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return redirect("cases:new")
    category = get_object_or_404(Category, must_report_item=form.cleaned_data["item"], active=True)
    point = _report_location(request, form.cleaned_data)
    if point is None:
        messages.error(request, _("Your account has no grid; use the full form."))
        return redirect("cases:new")
    if not form.cleaned_data.get("confirm") or not form.cleaned_data.get("key"):
        return _must_report_confirmation(request, form, category, point)
    note = form.cleaned_data.get("note") or ""
    try:
        case, _created = services.case_create(actor=request.user, data=services.NewCase(
            title=_("Must-report: %(name)s") % {"name": category.name}, description=note or category.name,
            category=category.code, lat=point[0], lng=point[1], address=_("Reported on patrol"),
            source=Source.MUST_REPORT), creation_key=f"must-report:{form.cleaned_data['key']}")
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
        return redirect("cases:new")
    return redirect("cases:created", number=case.number)


def _must_report_confirmation(request, form, category, point):
    given = form.cleaned_data.get("lat") is not None
    located = locate_unit_grid(*point)
    confirm = forms.MustReportForm(initial={
        "item": form.cleaned_data["item"], "note": form.cleaned_data.get("note") or "", "confirm": True,
        "lat": form.cleaned_data.get("lat"), "lng": form.cleaned_data.get("lng"), "key": secrets.token_hex(8)})
    return render(request, "cases/must_report_confirm.html", {
        "form": confirm, "category": category, "located": located, "at_my_position": given,
        "register_entry": _register_entry(request.user, category.must_report_item, located)})


# 九必报 items that change a grid's base register, and the register form each opens prefilled: 4 outsiders moving in
# (a floating resident), 6 a resident renting out a home (a house let out).
REGISTER_ENTRIES = {4: ("registers:resident-new", "registers.add_resident", {"kind": "floating"}),
                    6: ("registers:house-new", "registers.add_house", {"occupancy": "rented"})}


def _register_entry(user, item: int, located) -> str | None:
    """The prefilled register form this must-report item asks to fill in, for a keeper of the grid's register."""
    entry = REGISTER_ENTRIES.get(item)
    if entry is None or located is None or not user.has_perm(entry[1]):
        return None
    name, _perm, prefilled = entry
    return f"{reverse(name)}?{urlencode({'grid': located.code, **prefilled})}"


@staff_page("cases.view_case")
def case_created(request, number: str):
    case = selectors.case_get_for_user(request.user, number)
    nearby = duplicates.possible_duplicates(request.user, category_id=case.category_id, lat=case.lat, lng=case.lng,
                                            exclude=case)
    return render(request, "cases/created.html", {"case": case, "duplicates": nearby})


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
        "patrol_coverage": coverage(request.user, grid.code if grid.level != Grid.Level.DISTRICT else None),
        "register": register_figures(request.user, grid) if grid.level == Grid.Level.UNIT else None,
    }
    return render(request, "cases/grid.html", context)


def _commands_a_street_or_the_district(user) -> bool:
    """The command centre is the district's, or one street sub-centre's (the menu asks the same)."""
    scope = scope_of(user)
    return scope.everywhere or len([c for c in scope.grid_codes if len(c) == 9]) == 1


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


@staff_page("cases.view_case", allowed=_commands_a_street_or_the_district)
def dashboard(request):
    street = _dashboard_street(request)
    figures = dashboard_figures(request.user, street)
    return render(request, "cases/dashboard.html", {
        "figures": figures, "street": street, "can_see_district": scope_of(request.user).everywhere})


@staff_page("cases.view_route")
def routing_page(request):
    """The routing table and its health: where each category's cases go in each tier, and every category × tier ×
    street (and every grid) that leads to no one who may accept the case."""
    health = routing_health()
    kinds = {**dict(Route.Target.choices), "none": _("No one")}
    coverage = [(Tier(tier).label, kind, kinds[kind], n) for tier, counts in health.first_kind.items()
                for kind, n in sorted(counts.items())]
    street = request.GET.get("street", "")
    gaps = [gap for gap in health.gaps if gap.street_code == street] if street else health.gaps
    return render(request, "cases/routing.html", {
        "health": health, "coverage": coverage, "gaps": gaps[:GAPS_SHOWN], "more_gaps": max(len(gaps) - GAPS_SHOWN, 0),
        "street": street, "streets": Grid.objects.filter(level=Grid.Level.STREET).order_by("code"),
        "table": routing_table(), "tiers": Tier.choices})


@staff_page("cases.view_case", allowed=_commands_a_street_or_the_district)
def dashboard_data(request):
    street = _dashboard_street(request)
    return JsonResponse(figures_as_json(dashboard_figures(request.user, street)))
