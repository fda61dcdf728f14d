from django.http import HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

MACHINE_PREFIXES = ("/api/", "/open311/")


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
