"""Pages for residents, no login: report a problem, follow it with its code, rate the result."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited

from core.errors import Conflict
from core.pages import errors_onto_form

from . import attachments, forms, services
from .models import Case
from .workflow import Source, Status

PUBLIC_STEPS = [Status.COLLECTED, Status.FILED, Status.DISPATCHED, Status.HANDLING, Status.FED_BACK, Status.CLOSED,
                Status.EVALUATED]


def _throttled(request) -> bool:
    return is_ratelimited(request, group="public-report", key="ip", rate=settings.PUBLIC_REPORT_RATE,
                          method="POST", increment=True)


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
    form = forms.TrackForm(request.GET or None)
    if form.is_bound and form.is_valid():
        token = form.cleaned_data["token"].strip()
        if Case.objects.filter(public_token=token).exists():
            return redirect("public:case", token=token)
        form.add_error("token", _("No case has this follow-up code."))
    return render(request, "cases/public/track.html", {"form": form}, status=404 if form.errors else 200)


def public_case(request, token: str):
    case = Case.objects.select_related("category", "street", "grid").filter(public_token=token).first()
    if case is None:
        return render(request, "cases/public/track.html",
                      {"form": forms.TrackForm(), "missing": True}, status=404)
    rating = forms.RatingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if rating.is_valid():
            try:
                services.case_evaluate_by_token(token=token, satisfaction=rating.cleaned_data["satisfaction"],
                                                comment=rating.cleaned_data["comment"])
                return redirect("public:case", token=token)
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
