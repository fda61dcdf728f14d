from django.utils import translation

MACHINE_PREFIXES = ("/api/", "/open311/")


class ApiLanguageMiddleware:
    """API and Open311 clients choose their language with Accept-Language (pages use the URL
    prefix, which is why LocaleMiddleware pins unprefixed paths to the default language)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(MACHINE_PREFIXES) and "HTTP_ACCEPT_LANGUAGE" in request.META:
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
