"""Pages for residents, no login: report a problem, follow it — by its follow-up code, or by its
number and the phone number given — and rate the result.

Lookups are throttled per client on their misses (``core.tracking.lookups_exhausted``,
``PUBLIC_LOOKUP_RATE``, default 20 an hour). A wrong phone number and a number that does not exist
get the same answer.
"""
import hmac

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited

from core import tracking
from core.errors import Conflict
from core.pages import errors_onto_form
from core.privacy import phone_key

from . import attachments, forms, services
from .models import Case
from .workflow import Source, Status

PUBLIC_STEPS = [Status.COLLECTED, Status.FILED, Status.DISPATCHED, Status.HANDLING, Status.FED_BACK, Status.CLOSED,
                Status.EVALUATED]


def _throttled(request) -> bool:
    return is_ratelimited(request, group="public-report", key="ip", rate=settings.PUBLIC_REPORT_RATE,
                          method="POST", increment=True)


def _too_many_lookups(request):
    return render(request, "cases/public/throttled.html", {"lookups": True}, status=429)


def case_by_code(typed: str) -> Case | None:
    """The case a typed follow-up code names, forgiving case, spaces and dashes (older codes match
    as they were given)."""
    values = tracking.lookup_values(typed)
    if not values:
        return None
    return Case.objects.select_related("category", "street", "grid").filter(public_token__in=values).first()


def case_by_number_and_phone(number: str, phone: str) -> Case | None:
    """The case with this number if it was reported with this phone number; None otherwise, whichever
    of the two did not match."""
    case = Case.objects.filter(number=tracking.normalise(number)).only("public_token", "reporter_phone").first()
    given, kept = phone_key(phone), phone_key(case.reporter_phone if case else "")
    if case is None or not kept or not hmac.compare_digest(given, kept):
        return None
    return case


def public_report(request):
    form = forms.PublicReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if _throttled(request):
            return render(request, "cases/public/throttled.html", status=429)
        if form.is_valid():
            data = services.NewCase(
                title=form.cleaned_data["description"][:40], description=form.cleaned_data["description"],
                category=form.cleaned_data["category"], lat=form.cleaned_data["lat"], lng=form.cleaned_data["lng"],
                address=form.cleaned_data["address"], source=Source.WEB,
                reporter_name=form.cleaned_data["name"], reporter_phone=form.cleaned_data["phone"])
            try:
                with transaction.atomic():
                    case, _created = services.case_create(actor=None, data=data)
                    if form.cleaned_data.get("photo"):
                        attachments.case_attach_public(case=case, content=form.cleaned_data["photo"].read())
            except ValidationError as error:
                if hasattr(error, "error_dict") and "file" in error.error_dict:
                    error = ValidationError({"photo": error.error_dict["file"]})
                errors_onto_form(form, error)
            else:
                return redirect("public:case", token=case.public_token)
    return render(request, "cases/public/report.html", {"form": form}, status=400 if form.errors else 200)


def public_track(request):
    """Follow a case: by its code (GET, so the link can be kept), or by number and phone (POST, so
    the phone number stays out of addresses and logs)."""
    by_code = forms.TrackForm(request.GET if "token" in request.GET else None)
    by_phone = forms.FollowByPhoneForm(request.POST if request.method == "POST" else None)
    if by_code.is_bound or by_phone.is_bound:
        if tracking.lookups_exhausted(request):
            return _too_many_lookups(request)
        if by_code.is_bound and by_code.is_valid():
            case = case_by_code(by_code.cleaned_data["token"])
            if case is not None:
                return redirect("public:case", token=case.public_token)
            by_code.add_error("token", _("No case has this follow-up code. Check it and try again."))
        if by_phone.is_bound and by_phone.is_valid():
            case = case_by_number_and_phone(by_phone.cleaned_data["number"], by_phone.cleaned_data["phone"])
            if case is not None:
                return redirect("public:case", token=case.public_token)
            by_phone.add_error(None, _("No case matches this number and phone number. Check both and try again."))
        if by_code.errors or by_phone.errors:
            tracking.lookups_exhausted(request, miss=True)
    status = 404 if (by_code.errors or by_phone.errors) else 200
    return render(request, "cases/public/track.html", {"form": by_code, "phone_form": by_phone}, status=status)


def public_case(request, token: str):
    if tracking.lookups_exhausted(request):
        return _too_many_lookups(request)
    case = case_by_code(token)
    if case is None:
        tracking.lookups_exhausted(request, miss=True)
        return render(request, "cases/public/track.html", {
            "form": forms.TrackForm(), "phone_form": forms.FollowByPhoneForm(), "missing": True}, status=404)
    if request.method != "POST" and token != case.public_token:
        return redirect("public:case", token=case.public_token)  # one address per case
    rating = forms.RatingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if rating.is_valid():
            try:
                services.case_evaluate_by_token(token=case.public_token,
                                                satisfaction=rating.cleaned_data["satisfaction"],
                                                comment=rating.cleaned_data["comment"])
                return redirect("public:case", token=case.public_token)
            except ValidationError as error:
                errors_onto_form(rating, error)
            except Conflict as error:
                rating.add_error(None, error.message)
                status = 409
    reached = PUBLIC_STEPS.index(case.status) if case.status in PUBLIC_STEPS else -1
    steps = [(step.label, index <= reached) for index, step in enumerate(PUBLIC_STEPS)]
    return render(request, "cases/public/case.html",
                  {"case": case, "steps": steps, "rating": rating, "can_rate": case.status == Status.CLOSED},
                  status=status)
