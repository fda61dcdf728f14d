"""Server-rendered pages of the community app (work without JavaScript).

Staff pages need a login and the role's model permission; every object is fetched through
``visible_to``, so one outside the user's scope is a 404, and a step's button shows only when the
step's workflow says the user may take it now. The practical-matters pages under ``public/`` are
open to residents (submissions throttled).
"""
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import tracking
from core.pages import attempt, bound, filtered, paginate, public_submit_allowed, run_service, staff_page, submitted
from grids.models import Community, Grid

from . import filters, forms, matters, models, selectors, services, structures
from .workflow import ACTIVITY_FLOW, FOLLOW_UP_FLOW, MATTER_FLOW, MEETING_FLOW, STILL_OPEN


def _too_many(request):
    return render(request, "core/throttled.html", status=429)


# --- workbench ------------------------------------------------------------------------------------


@staff_page()
def workbench(request):
    """The grid worker's page: overdue must-visit households first, then what falls due this week."""
    user = request.user
    today = timezone.localdate()
    on_register = models.Household.objects.visible_to(user).filter(active=True)
    overdue = on_register.filter(is_overdue=True)
    context = {
        "overdue": overdue.select_related("grid").order_by("next_visit_due")[:50],
        "overdue_count": overdue.count(),
        "due_soon": on_register.filter(is_overdue=False, next_visit_due__lte=today + timedelta(days=7))
        .order_by("next_visit_due")[:20],
        "household_count": on_register.count(),
        "late_actions": models.FollowUpAction.objects.visible_to(user).filter(status__in=STILL_OPEN,
                                                                               due_on__lt=today)[:10],
    }
    return render(request, "community/workbench.html", context)


# --- communities and the service circle -----------------------------------------------------------


@staff_page("grids.view_community")
def communities(request):
    rows = selectors.with_station_and_staff(Community.objects.visible_to(request.user))
    rows = filters.CommunityFilter(request.GET, queryset=rows).qs
    return render(request, "community/communities.html", {
        "figures": selectors.community_figures(request.user), "page": paginate(request, rows),
    })


@staff_page("grids.view_community")
def community_detail(request, code):
    """A community's page: its three bodies (三位一体) and their people, its owners' committees and
    property companies (四方共建) with terms running out flagged, and its social organisations (三社联动)."""
    user = request.user
    community = get_object_or_404(Community.objects.visible_to(user).select_related("street"), code=code)
    form = bound(request, "body", forms.CompoundBodyForm)
    post_form = bound(request, "post", forms.BodyPostForm, community=community)
    may_add = user.has_perm("community.add_ownerscommittee") and user.has_perm("community.add_propertycompany")
    recorded = None
    if submitted(request, "body") and may_add and form.is_valid():
        recorded = run_service(form, structures.compound_body_register, user=user, community=community,
                               **form.service_data())
    if submitted(request, "post") and user.has_perm("community.add_bodypost") and post_form.is_valid():
        recorded = run_service(post_form, structures.body_post_appoint, user=user, community=community,
                               **post_form.cleaned_data)
    if recorded:
        messages.success(request, _("Recorded."))
        return redirect("community:community", code=code)
    return render(request, "community/community.html", {
        "structure": structures.community_structure(user, community), "form": form, "may_add": may_add,
        "post_form": post_form,
        "meetings": models.DeliberationMeeting.objects.visible_to(user).filter(community=community)
        .order_by("-held_on", "-id")[:5],
    }, status=400 if request.method == "POST" else 200)


@staff_page("community.view_servicecirclesite")
def service_circle(request):
    user = request.user
    sites = models.ServiceCircleSite.objects.visible_to(user).select_related("street").annotate(
        community_count=Count("communities", distinct=True)).order_by("street__code", "code")
    sites, chosen = filtered(request, filters.CircleSiteFilter, sites)
    street = chosen["street"].code if chosen.get("street") else ""
    return render(request, "community/service_circle.html", {
        "coverage": selectors.service_circle_coverage(street_code=street),
        "district": selectors.service_circle_coverage() if street else None,
        "streets": Grid.objects.filter(level=Grid.Level.STREET).order_by("code"),
        "street": street, "kind": chosen.get("kind", ""), "kinds": models.ServiceCircleSite.Kind.choices,
        "page": paginate(request, sites),
        "providers_by_field": models.ServiceProvider.objects.visible_to(user).order_by()
        .values("field").annotate(n=Count("id")).order_by("field"),
        "fields": dict(models.ServiceProvider.Field.choices),
    })


# --- must-visit households ------------------------------------------------------------------------


@staff_page("community.view_household")
def households(request):
    rows = models.Household.objects.visible_to(request.user).select_related("grid").prefetch_related("categories")
    rows, chosen = filtered(request, filters.HouseholdRegisterFilter, rows)
    return render(request, "community/households.html", {
        "page": paginate(request, rows.order_by("next_visit_due", "id")), "status": chosen["status"],
        "category": chosen.get("category", ""),
        "categories": models.VisitCategory.objects.visible_to(request.user),
    })


@staff_page("community.add_household")
def household_new(request):
    form = forms.HouseholdForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        household = run_service(form, services.household_register, user=request.user, **data)
        if household:
            messages.success(request, _("The household is on the register."))
            return redirect("community:household", pk=household.pk)
    return render(request, "core/form_page.html", {
        "form": form, "title": _("Register a must-visit household"), "back": reverse("community:households"),
    }, status=400 if request.method == "POST" else 200)


@staff_page("community.view_household")
def household_detail(request, pk):
    user = request.user
    household = get_object_or_404(
        models.Household.objects.visible_to(user).select_related("grid").prefetch_related("categories"), pk=pk)
    visit_form = bound(request, "visit", forms.VisitForm)
    remove_form = bound(request, "remove", forms.HouseholdRemoveForm)
    if submitted(request, "visit") and user.has_perm("community.add_visit") and visit_form.is_valid():
        if run_service(visit_form, services.visit_record, user=user, household=household, **visit_form.cleaned_data):
            messages.success(request, _("The visit is recorded."))
            return redirect("community:household", pk=pk)
    if submitted(request, "remove") and user.has_perm("community.change_household") and remove_form.is_valid():
        if run_service(remove_form, services.household_remove, user=user, household=household,
                       **remove_form.cleaned_data):
            return redirect("community:household", pk=pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "community/household.html", {
        "household": household,
        "visits": models.Visit.objects.visible_to(user).filter(household=household)
        .select_related("visitor__staff_profile"),
        "visit_form": visit_form, "remove_form": remove_form,
    }, status=status)


# --- must-attend ----------------------------------------------------------------------------------


@staff_page("community.view_attendancerecord")
def attendance(request):
    form = bound(request, "attend", forms.AttendanceForm, user=request.user)
    if submitted(request, "attend") and request.user.has_perm("community.add_attendancerecord") and form.is_valid():
        if run_service(form, services.attendance_record, user=request.user, **form.cleaned_data):
            messages.success(request, _("Attendance recorded."))
            return redirect("community:attendance")
    rows = models.AttendanceRecord.objects.visible_to(request.user).select_related("grid", "attendee")
    return render(request, "community/attendance.html", {
        "form": form, "page": paginate(request, rows),
        "by_situation": rows.order_by().values("situation").annotate(n=Count("id")).order_by("situation"),
        "situations": dict(models.AttendanceRecord.Situation.choices),
    }, status=400 if request.method == "POST" else 200)


# --- volunteers -----------------------------------------------------------------------------------


@staff_page("community.view_volunteer")
def volunteers(request):
    user = request.user
    form = bound(request, "volunteer", forms.VolunteerForm, communities=Community.objects.visible_to(user))
    if submitted(request, "volunteer") and user.has_perm("community.add_volunteer") and form.is_valid():
        data = dict(form.cleaned_data)
        skills = services.skills_by_name(data.pop("skill_names", "").replace("，", ",").split(","))
        volunteer = run_service(form, services.volunteer_register, user=user, skills=skills, **data)
        if volunteer:
            messages.success(request, _("The volunteer is registered."))
            return redirect("community:volunteer", pk=volunteer.pk)
    teams = models.VolunteerTeam.objects.visible_to(user)
    return render(request, "community/volunteers.html", {
        "form": form,
        "network": models.VolunteerOrg.objects.visible_to(user).order_by().values("level").annotate(n=Count("id"))
        .order_by("level"),
        "levels": dict(models.VolunteerOrg.Level.choices),
        "team_count": teams.count(),
        "brands": teams.exclude(brand="").order_by().values("brand").annotate(n=Count("id")).order_by("-n"),
        "page": paginate(request, models.Volunteer.objects.visible_to(user).select_related("community")
                         .prefetch_related("skills")),
    }, status=400 if request.method == "POST" else 200)


@staff_page("community.view_volunteer")
def volunteer_detail(request, pk):
    volunteer = get_object_or_404(models.Volunteer.objects.visible_to(request.user), pk=pk)
    return render(request, "community/volunteer.html", {
        "volunteer": volunteer, "total_hours": selectors.volunteer_hours(volunteer),
        "record": selectors.volunteer_service_record(volunteer), "teams": volunteer.teams.select_related("org"),
    })


@staff_page("community.view_volunteeractivity")
def activities(request):
    user = request.user
    form = bound(request, "activity", forms.ActivityForm, teams=models.VolunteerTeam.objects.visible_to(user))
    if submitted(request, "activity") and user.has_perm("community.add_volunteeractivity") and form.is_valid():
        activity = run_service(form, services.activity_create, user=user, **form.cleaned_data)
        if activity:
            return redirect("community:activity", pk=activity.pk)
    rows = selectors.with_signup_count(models.VolunteerActivity.objects.visible_to(user).select_related("team"))
    return render(request, "community/activities.html", {"form": form, "page": paginate(request, rows)},
                  status=400 if request.method == "POST" else 200)


@staff_page("community.view_volunteeractivity")
def activity_detail(request, pk):
    user = request.user
    activity = get_object_or_404(selectors.with_signup_count(
        models.VolunteerActivity.objects.visible_to(user).select_related("team__org")), pk=pk)
    signups = activity.signups.select_related("volunteer").order_by("volunteer__full_name")
    signup_form = bound(request, "signup", forms.SignupForm, volunteers=models.Volunteer.objects.visible_to(user))
    if submitted(request, "signup") and user.has_perm("community.add_activitysignup") and signup_form.is_valid():
        if run_service(signup_form, services.activity_sign_up, user=user, activity=activity,
                       volunteer=signup_form.cleaned_data["volunteer"]):
            messages.success(request, _("Signed up."))
            return redirect("community:activity", pk=pk)
    step_error = None
    if submitted(request, "attendance"):
        entries, step_error = _attendance_entries(request, signups)
        if step_error is None:
            step_error = attempt(services.activity_record_attendance, user=user, activity=activity, entries=entries)
            if step_error is None:
                messages.success(request, _("Attendance and service hours recorded."))
                return redirect("community:activity", pk=pk)
    if submitted(request, "cancel"):
        step_error = attempt(services.activity_cancel, user=user, activity=activity)
        if step_error is None:
            return redirect("community:activity", pk=pk)
    return render(request, "community/activity.html", {
        "activity": activity, "signups": signups, "signup_form": signup_form, "step_error": step_error,
        "steps": ACTIVITY_FLOW.available(user, activity), "held_back": ACTIVITY_FLOW.held_back(user, activity),
        "ended": activity.ends_at <= timezone.now(),
    }, status=400 if request.method == "POST" else 200)


def _attendance_entries(request, signups):
    entries = []
    for signup in signups:
        if signup.attendance == models.ActivitySignup.Attendance.WITHDRAWN:
            continue
        attended = request.POST.get(f"attended-{signup.volunteer_id}") == "on"
        raw = request.POST.get(f"hours-{signup.volunteer_id}", "").strip() or "0"
        try:
            hours = Decimal(raw)
        except InvalidOperation:
            return None, _("Hours must be a number.")
        entries.append({"volunteer": signup.volunteer, "attended": attended, "hours": hours})
    return entries, None


# --- neighbour care -------------------------------------------------------------------------------


@staff_page("community.view_caretarget")
def care(request):
    user = request.user
    form = bound(request, "target", forms.CareTargetForm, user=user)
    if submitted(request, "target") and user.has_perm("community.add_caretarget") and form.is_valid():
        target = run_service(form, services.care_target_register, user=user, **form.cleaned_data)
        if target:
            return redirect("community:care-target", pk=target.pk)
    targets = selectors.with_cover(models.CareTarget.objects.visible_to(user).select_related("grid"))
    targets = filters.CareTargetFilter(request.GET, queryset=targets.filter(active=True)).qs
    return render(request, "community/care.html", {
        "form": form, "by_community": selectors.care_coverage(user),
        "by_building": selectors.care_coverage(user, by_building=True), "page": paginate(request, targets),
    }, status=400 if request.method == "POST" else 200)


@staff_page("community.view_caretarget")
def care_target(request, pk):
    user = request.user
    target = get_object_or_404(models.CareTarget.objects.visible_to(user).select_related("grid"), pk=pk)
    pairings = models.CarePairing.objects.visible_to(user).filter(target=target)
    pair_form = bound(request, "pair", forms.PairingForm)
    contact_form = bound(request, "contact", forms.ContactForm, pairings=pairings.filter(ended_on__isnull=True))
    if submitted(request, "pair") and user.has_perm("community.add_carepairing") and pair_form.is_valid():
        if run_service(pair_form, services.care_pair, user=user, target=target, **pair_form.cleaned_data):
            return redirect("community:care-target", pk=pk)
    if submitted(request, "contact") and user.has_perm("community.add_carecontact") and contact_form.is_valid():
        if run_service(contact_form, services.care_contact_record, user=user, **contact_form.cleaned_data):
            return redirect("community:care-target", pk=pk)
    if submitted(request, "end") and user.has_perm("community.change_carepairing"):
        pairing = get_object_or_404(pairings, pk=request.POST.get("pairing"))
        error = attempt(services.care_pairing_end, user=user, pairing=pairing)
        if error is None:
            return redirect("community:care-target", pk=pk)
        messages.error(request, error)
    return render(request, "community/care_target.html", {
        "target": target, "pairings": pairings.prefetch_related("contacts"), "pair_form": pair_form,
        "contact_form": contact_form,
    }, status=400 if request.method == "POST" else 200)


# --- deliberation ---------------------------------------------------------------------------------


@staff_page("community.view_deliberationmeeting")
def meetings(request):
    user = request.user
    form = bound(request, "meeting", forms.MeetingForm, communities=Community.objects.visible_to(user))
    if submitted(request, "meeting") and user.has_perm("community.add_deliberationmeeting") and form.is_valid():
        meeting = run_service(form, services.meeting_create, user=user, **form.cleaned_data)
        if meeting:
            return redirect("community:meeting", pk=meeting.pk)
    rows = models.DeliberationMeeting.objects.visible_to(user).select_related("community").annotate(
        parties=Count("participants__party", distinct=True), action_count=Count("actions", distinct=True)
    ).order_by("-held_on", "-id")
    return render(request, "community/meetings.html", {"form": form, "page": paginate(request, rows)},
                  status=400 if request.method == "POST" else 200)


@staff_page("community.view_deliberationmeeting")
def meeting_detail(request, pk):
    user = request.user
    meeting = get_object_or_404(
        models.DeliberationMeeting.objects.visible_to(user).select_related("community").prefetch_related(
            Prefetch("participants", queryset=models.MeetingParticipant.objects.select_related(
                "owners_committee", "property_company"))), pk=pk)
    actions = meeting.actions.all()
    participant_form = bound(request, "participant", forms.ParticipantForm, meeting=meeting)
    decision_form = bound(request, "decision", forms.DecisionForm)
    follow_up_form = bound(request, "followup", forms.FollowUpForm)
    update_form = bound(request, "update", forms.FollowUpUpdateForm, actions=actions)
    steps = [
        ("participant", participant_form, services.meeting_add_participant, "community.add_meetingparticipant",
         {"meeting": meeting}),
        ("decision", decision_form, services.meeting_record_decision, "community.change_deliberationmeeting",
         {"meeting": meeting}),
        ("followup", follow_up_form, services.follow_up_add, "community.add_followupaction", {"meeting": meeting}),
    ]
    for name, form, service, permission, extra in steps:
        if submitted(request, name) and user.has_perm(permission) and form.is_valid():
            if run_service(form, service, user=user, **extra, **form.cleaned_data):
                return redirect("community:meeting", pk=pk)
    if submitted(request, "update") and update_form.is_valid():
        data = dict(update_form.cleaned_data)
        if run_service(update_form, services.follow_up_update, user=user, action=data.pop("action"), **data):
            return redirect("community:meeting", pk=pk)
    parties_present = {participant.party for participant in meeting.participants.all()}
    return render(request, "community/meeting.html", {
        "meeting": meeting, "participants": meeting.participants.all(),
        "actions": [(action, [(step, FOLLOW_UP_FLOW.label(step)) for step in FOLLOW_UP_FLOW.available(user, action)])
                    for action in actions],
        "steps": MEETING_FLOW.available(user, meeting), "held_back": MEETING_FLOW.held_back(user, meeting),
        "missing_parties": [label for value, label in models.Party.choices if value not in parties_present],
        "participant_form": participant_form, "decision_form": decision_form, "follow_up_form": follow_up_form,
        "update_form": update_form,
    }, status=400 if request.method == "POST" else 200)


# --- practical matters: staff ---------------------------------------------------------------------


@staff_page("community.view_practicalmatter")
def matters_list(request):
    user = request.user
    year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", year))
    except ValueError:
        pass
    rows = models.PracticalMatter.objects.visible_to(user).select_related("community")
    rows, chosen = filtered(request, filters.MatterFilter, rows)
    return render(request, "community/matters.html", {
        "page": paginate(request, rows), "status": chosen.get("status", ""),
        "statuses": models.PracticalMatter.Status.choices,
        "year": year, "without": selectors.communities_without_matter(user, year),
    })


@staff_page("community.view_practicalmatter")
def matter_detail(request, pk):
    user = request.user
    matter = get_object_or_404(models.PracticalMatter.objects.visible_to(user).select_related("community__street")
                               .prefetch_related("milestones"), pk=pk)
    act_forms = {
        step: forms.MatterActForm(request.POST if submitted(request, f"act-{step}") else None, step=step,
                                  initial={"year": timezone.localdate().year})
        for step in MATTER_FLOW.available(user, matter)
    }
    for step, form in act_forms.items():
        if form.is_bound and form.is_valid():
            if run_service(form, matters.matter_act, user=user, matter=matter, action=step, **form.step_data()):
                messages.success(request, _("The matter has moved on."))
                return redirect("community:matter", pk=pk)
    milestone_form = bound(request, "milestone", forms.MilestoneForm)
    if submitted(request, "milestone") and user.has_perm("community.add_mattermilestone") and milestone_form.is_valid():
        if run_service(milestone_form, matters.milestone_add, user=user, matter=matter, **milestone_form.cleaned_data):
            return redirect("community:matter", pk=pk)
    comment_form = bound(request, "comment", forms.CommentForm, initial={
        "author_name": getattr(getattr(user, "staff_profile", None), "full_name", user.username)})
    if submitted(request, "comment") and user.has_perm("community.add_mattercomment") and comment_form.is_valid():
        if run_service(comment_form, matters.matter_comment, user=user, matter=matter, **comment_form.cleaned_data):
            return redirect("community:matter", pk=pk)
    done_error = None
    if submitted(request, "done") and user.has_perm("community.change_mattermilestone"):
        milestone = get_object_or_404(matter.milestones, pk=request.POST.get("milestone"))
        done_error = attempt(matters.milestone_complete, user=user, milestone=milestone)
        if done_error is None:
            return redirect("community:matter", pk=pk)
    return render(request, "community/matter.html", {
        "matter": matter, "act_forms": [(step, MATTER_FLOW.label(step), form) for step, form in act_forms.items()],
        "held_back": MATTER_FLOW.held_back(user, matter),
        "milestone_form": milestone_form, "comment_form": comment_form, "done_error": done_error,
        "satisfaction": selectors.matter_satisfaction(matter), "comments": matter.comments.all(),
        "milestones": matter.milestones.all(),
    }, status=400 if request.method == "POST" else 200)


# --- practical matters: public --------------------------------------------------------------------


def public_matters(request):
    rows = filters.PublicMatterFilter(request.GET, queryset=selectors.public_matters()).qs
    return render(request, "community/public/matters.html", {"page": paginate(request, rows)})


def public_propose(request):
    """我要提实事: a resident proposes a practical matter. No login; throttled per client."""
    form = forms.ProposalForm(request.POST or None)
    if request.method == "POST":
        if not public_submit_allowed(request):
            return _too_many(request)
        if form.is_valid():
            matter = run_service(form, matters.matter_propose, **form.cleaned_data)
            if matter:
                return render(request, "community/public/proposed.html", {"matter": matter}, status=201)
    return render(request, "community/public/propose.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


def public_matter(request, pk):
    matter = selectors.public_matter_get(pk)
    comment_form = bound(request, "comment", forms.CommentForm)
    rating_form = bound(request, "rating", forms.RatingForm)
    if request.method == "POST":
        if not public_submit_allowed(request):
            return _too_many(request)
        for name, form, service in (("comment", comment_form, matters.matter_comment),
                                    ("rating", rating_form, matters.matter_rate)):
            if submitted(request, name) and form.is_valid():
                if run_service(form, service, matter=matter, **form.cleaned_data):
                    messages.success(request, _("Thank you."))
                    return redirect("community:public-matter", pk=pk)
    return render(request, "community/public/matter.html", {
        "matter": matter, "comment_form": comment_form, "rating_form": rating_form,
        "satisfaction": selectors.matter_satisfaction(matter), "comments": matter.comments.all(),
        "milestones": matter.milestones.all(),
    }, status=400 if request.method == "POST" else 200)


def public_track(request):
    """Follow one's proposal by its tracking code (any case, with or without the dash; misses are
    throttled with the cases' lookups)."""
    typed = request.GET.get("code", "").strip()[:40]
    if not tracking.normalise(typed):
        return render(request, "community/public/track.html", {"code": typed})
    if tracking.lookups_exhausted(request):
        return render(request, "community/public/track.html", {"code": typed, "throttled": True}, status=429)
    matter = models.PracticalMatter.objects.select_related("community").filter(
        tracking_code__in=tracking.lookup_values(typed)).first()
    if matter is None:
        tracking.lookups_exhausted(request, miss=True)
    return render(request, "community/public/track.html", {"code": typed, "matter": matter},
                  status=404 if matter is None else 200)

