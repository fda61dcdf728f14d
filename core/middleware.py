from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from . import access, two_factor
from .clients import client_address
from .db import reads_from_replica

MACHINE_PREFIXES = ("/api/", "/open311/")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class ApiLanguageMiddleware:
    """API and Open311 clients choose their language with Accept-Language (pages use the URL
    prefix, which is why LocaleMiddleware pins unprefixed paths to the default language)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (request.path_info.startswith(MACHINE_PREFIXES) and "HTTP_ACCEPT_LANGUAGE" in request.META):
            return self.get_response(request)
        language = translation.get_language_from_request(request, check_path=False)
        request.LANGUAGE_CODE = language
        # For this request only: the thread's language must not leak into the next one it serves.
        with translation.override(language):
            return self.get_response(request)


class AccessGenerationMiddleware:
    """One access generation per request (core.access): read once, with the user's cached scope and permissions."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = access.request_started()
        try:
            return self.get_response(request)
        finally:
            access.request_finished(token)


class ReadReplicaMiddleware:
    """Safe requests (GET, HEAD, OPTIONS) read from the replica, unless the one asking changed something in the last
    REPLICA_STICKY_SECONDS: then the primary, so that people always see their own changes (read-your-writes).

    Whoever sends an unsafe request is marked in the cache by account and by address: a session's account is
    known here, an API token's only to the view (DRF authenticates there) but its address is. A streamed response
    (a CSV export) reads its rows after the view has returned: each chunk is read from the replica too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.DATABASE_READ_REPLICA:
            return self.get_response(request)
        if request.method not in SAFE_METHODS:
            response = self.get_response(request)
            cache.set_many(dict.fromkeys(_writer_keys(request), 1), settings.REPLICA_STICKY_SECONDS)
            return response
        if cache.get_many(_writer_keys(request)):
            return self.get_response(request)
        with reads_from_replica():
            response = self.get_response(request)
        if response.streaming:
            response.streaming_content = _read_from_replica(response.streaming_content)
        return response


def _writer_keys(request) -> list[str]:
    keys = [f"replica:wrote:address:{client_address(request)}"]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        keys.append(f"replica:wrote:user:{user.pk}")
    return keys


def _read_from_replica(chunks):
    chunks = iter(chunks)
    while True:
        with reads_from_replica():
            chunk = next(chunks, None)
        if chunk is None:
            return
        yield chunk


class RefuseNullCharactersMiddleware:
    """A NUL character cannot be stored in PostgreSQL text: a path, query value or form value carrying one is
    refused here with 400 naming the field, before any view hands it to the database (where it was a 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        fields = [name for name, value in _submitted(request) if "\x00" in name or "\x00" in value]
        if "\x00" in request.path:
            fields.insert(0, "path")
        if not fields:
            return self.get_response(request)
        message = str(_("Null characters are not allowed."))
        if request.path_info.startswith(MACHINE_PREFIXES):
            return JsonResponse({name.replace("\x00", ""): [message] for name in fields}, status=400)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def _submitted(request):
    for name, values in request.GET.lists():
        for value in values:
            yield name, value
    if request.method == "POST" and request.content_type in ("application/x-www-form-urlencoded",
                                                             "multipart/form-data"):
        for name, values in request.POST.lists():
            for value in values:
                yield name, value


# Pages a session that has still to show its second factor may open: signing in and out, and the second step itself.
SECOND_FACTOR_EXEMPT = {"login", "logout", "two_factor_verify", "two_factor_enrol", "set_language", "livez",
                        "healthz", "metrics", "favicon", "auth-token"}


class SecondFactorMiddleware:
    """A signed-in session that must still show its second factor (core.two_factor) opens no page but the second
    step: the admin and every page are sent there. Under /api/ a token speaks for itself (its endpoint asks for the
    code); only a call riding on such a session is refused. Open311 is public. After django-otp's OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        path = request.path_info
        if request.resolver_match.view_name in SECOND_FACTOR_EXEMPT or path.startswith("/open311/"):
            return None
        api = path.startswith("/api/")
        if (api and "HTTP_AUTHORIZATION" in request.META) or not two_factor.session_must_verify(request):
            return None
        if api:
            return JsonResponse({"detail": _("Sign in on the website with two-step verification first.")}, status=403)
        return redirect(two_factor.next_step_url(request, request.get_full_path()))
