"""The pages of two-step sign-in: the code after the password, enrolment, and the user's own settings.

Until a session that must show a second factor has shown it, ``core.middleware.SecondFactorMiddleware`` sends every
page here; the code page and enrolment are the only ones (with logging in and out) it lets through.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from . import two_factor
from .forms import SecondFactorCodeForm
from .pages import bound, staff_page


@login_required
def two_factor_verify(request):
    """The second step of signing in: a code from the authenticator, or a recovery code."""
    next_url = _next_url(request, "home")
    if not two_factor.session_must_verify(request):
        return redirect(next_url)
    if not two_factor.has_second_factor(request.user):  # removed since this session signed in
        two_factor.session_note_device(request, False)
        return redirect(next_url)  # on to enrolment, if the user's role requires a second factor
    form = SecondFactorCodeForm(request.POST if request.method == "POST" else None)
    device = form.is_valid() and _checked(form, two_factor.verified_device, request.user, form.cleaned_data["code"])
    if device:
        two_factor.session_verified(request, device)
        return redirect(next_url)
    return render(request, "core/two_factor/verify.html", {"form": form, "next": next_url})


@login_required
def two_factor_enrol(request):
    """Set up the authenticator app: scan the QR code (or type the key), show one code, get the recovery codes."""
    next_url = _next_url(request, "two_factor")
    if two_factor.has_second_factor(request.user):  # set up already (maybe from another session): show a code
        two_factor.session_note_device(request, True)
        return redirect(next_url)
    form = SecondFactorCodeForm(request.POST if request.method == "POST" else None, recovery=False)
    confirmed = form.is_valid() and _checked(form, two_factor.enrolment_confirm, request.user,
                                             form.cleaned_data["code"])
    if confirmed:
        device, codes = confirmed
        two_factor.session_verified(request, device)
        return _show_codes(request, codes, next_url)
    device = two_factor.enrolment_device(request.user)
    return render(request, "core/two_factor/enrol.html", {
        "form": form, "next": next_url, "qr": two_factor.otpauth_qr(device), "uri": device.config_url,
        "secret": two_factor.base32_secret(device), "required": two_factor.second_factor_required(request.user)})


@staff_page()
def two_factor_account(request):
    """The user's two-step verification: whether it is on, recovery codes left, a new sheet, switching it off.
    Both changes ask for a current code: a session left open is not enough."""
    user = request.user
    enrolled, required = two_factor.has_second_factor(user), two_factor.second_factor_required(user)
    regenerate = bound(request, "regenerate", SecondFactorCodeForm)
    remove = bound(request, "remove", SecondFactorCodeForm)
    if enrolled and _code_passes(regenerate, user):
        return _show_codes(request, two_factor.recovery_codes_issue(user), reverse("two_factor"))
    if enrolled and _removable(remove, required) and _code_passes(remove, user):
        two_factor.second_factor_remove(user)
        two_factor.session_note_device(request, False)
        messages.success(request, _("Two-step verification is off."))
        return redirect("two_factor")
    return render(request, "core/two_factor/account.html", {
        "enrolled": enrolled, "required": required, "regenerate": regenerate, "remove": remove,
        "codes_left": two_factor.recovery_codes_left(user) if enrolled else 0})


def _code_passes(form, user) -> bool:
    return form.is_valid() and bool(_checked(form, two_factor.verified_device, user, form.cleaned_data["code"]))


def _checked(form, check, *args):
    """``check(*args)``, its refusal put on the form's code field: a wrong code, or a device resting after many."""
    try:
        result = check(*args)
    except two_factor.Throttled as throttled:
        form.add_error("code", _("Too many wrong codes. Try again after %(time)s.")
                       % {"time": timezone.localtime(throttled.until).strftime("%H:%M:%S")})
        return None
    if not result:
        form.add_error("code", _("This code is wrong or has been used already."))
    return result


def _removable(form, required: bool) -> bool:
    if required and form.is_bound:
        form.add_error(None, _("Your account must use two-step verification: it cannot be switched off."))
    return not required


def _show_codes(request, codes: list[str], next_url: str):
    """The recovery codes, shown this once (and kept out of the browser's cache)."""
    response = render(request, "core/two_factor/codes.html", {"codes": codes, "next": next_url})
    response["Cache-Control"] = "no-store"
    return response


def _next_url(request, default: str) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return reverse(default)
