from django.utils import translation

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
