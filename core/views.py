import logging
from functools import cache

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import PasswordResetView
from django.contrib.staticfiles import finders
from django.db import connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import requires_csrf_token
from django_ratelimit.core import is_ratelimited
from rest_framework import exceptions as api_errors

from .middleware import MACHINE_PREFIXES
from .notifications import notifications_of
from .pages import page_of, staff_page
from .roles import Role
from .tokens import token_revoke, tokens_of, tokens_revoke_all

logger = logging.getLogger(__name__)


def livez(request):
    """Liveness for the load balancer and docker-compose: the process and its database answer. The full report,
    worker and beat included, is /healthz (core.health)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


HOME_OF_ROLE = {
    Role.GRID_WORKER: "cases:new",
    Role.COMMUNITY_STAFF: "cases:inbox",
    Role.STREET_DISPATCHER: "cases:inbox",
    Role.DEPARTMENT_HANDLER: "cases:inbox",
    Role.DISTRICT_COMMANDER: "cases:dashboard",
    Role.CALL_TAKER: "cases:desk",
    Role.EVALUATOR: "cases:dashboard",
    Role.AUDITOR: "cases:dashboard",
}


def home(request):
    """Residents get the public front page; staff go to where their day starts."""
    if not request.user.is_authenticated:
        return render(request, "core/home.html")
    profile = getattr(request.user, "staff_profile", None)
    if profile is None:
        return redirect("admin:index") if request.user.is_staff else render(request, "core/home.html")
    return redirect(HOME_OF_ROLE[profile.role])


@staff_page()
def notification_list(request):
    """The user's notifications, newest first; one button marks them all read."""
    notifications = notifications_of(request.user)
    if request.method == "POST":
        notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("notifications")
    return render(request, "core/notifications.html", {"page": page_of(notifications, request.GET.get("page"))})


@staff_page()
def api_tokens(request):
    """The user's API tokens (the raw token was shown once, when issued): when each was made, last used and expires;
    revoke one, or all."""
    if request.method == "POST":
        key = request.POST.get("revoke", "")
        if key == "all":
            count = tokens_revoke_all(request.user)
            messages.success(request, ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
                             % {"count": count})
        elif token_revoke(request.user, key):
            messages.success(request, _("Token %(key)s… revoked: clients using it must sign in again.") % {"key": key})
        return redirect("api_tokens")
    return render(request, "core/api_tokens.html", {"tokens": tokens_of(request.user)})



class ThrottledPasswordResetView(PasswordResetView):
    """Django's reset form, capped per client address and per account (PASSWORD_RESET_RATE,
    PASSWORD_RESET_ACCOUNT_RATE): no one floods a mailbox with reset links or tries addresses by the thousand."""

    def post(self, request, *args, **kwargs):
        by_address = is_ratelimited(request, group="password-reset", key="ip", rate=settings.PASSWORD_RESET_RATE,
                                    method="POST", increment=True)
        by_account = is_ratelimited(request, group="password-reset-account", key=_reset_address,
                                    rate=settings.PASSWORD_RESET_ACCOUNT_RATE, method="POST", increment=True)
        if by_address or by_account:
            return render(request, "core/throttled.html", status=429)
        return super().post(request, *args, **kwargs)


def _reset_address(group, request) -> str:
    return request.POST.get("email", "").strip().lower()

# --- the shell: error pages and the icon --------------------------------------------------------------
# Pages answer 403 / 404 / 500 inside the site's shell, in the reader's language, with a way back; the
# API and Open311 keep answering JSON (as DRF does for errors raised inside its views).


def _for_machines(request) -> bool:
    return request.path_info.startswith(MACHINE_PREFIXES)


def _way_back(request) -> str | None:
    """The page the reader came from, if it was one of ours and not this one."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        ours = url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure())
    except Exception:  # noqa: BLE001 - a bad Host header must not turn an error page into another error
        return None
    return referer if referer and ours and not referer.endswith(request.get_full_path()) else None


@requires_csrf_token
def permission_denied(request, exception=None):
    if _for_machines(request):
        return JsonResponse({"detail": str(api_errors.PermissionDenied.default_detail)}, status=403)
    return render(request, "403.html", {"message": str(exception or ""), "back": _way_back(request)}, status=403)


@requires_csrf_token
def page_not_found(request, exception=None):
    if _for_machines(request):
        return JsonResponse({"detail": str(api_errors.NotFound.default_detail)}, status=404)
    return render(request, "404.html", {"back": _way_back(request)}, status=404)


def csrf_failure(request, reason=""):
    """A form sent from a page that has gone stale (or a cookie the browser refused): say so in the shell."""
    if _for_machines(request):
        return JsonResponse({"detail": str(api_errors.PermissionDenied.default_detail)}, status=403)
    return render(request, "403.html", {"stale_form": True, "back": _way_back(request)}, status=403)


SERVER_ERROR_FALLBACK = ("<!doctype html><meta charset=utf-8><title>500</title>"
                         "<h1>500</h1><p><a href=\"/\">/</a></p>")


def server_error(request):
    """Whatever broke may be the database or a context processor: render with no request context."""
    if _for_machines(request):
        return JsonResponse({"detail": str(api_errors.APIException.default_detail)}, status=500)
    try:
        body = loader.get_template("500.html").render({"back": _way_back(request)})
    except Exception:  # noqa: BLE001 - the error page itself must not fail
        logger.exception("The 500 page could not be rendered")
        body = SERVER_ERROR_FALLBACK
    return HttpResponseServerError(body)


@cache
def _favicon() -> bytes:
    with open(finders.find("favicon.ico"), "rb") as icon:
        return icon.read()


@cache_control(max_age=86400, public=True)
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: the platform's icon, from static files."""
    return HttpResponse(_favicon(), content_type="image/x-icon")

