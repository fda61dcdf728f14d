"""What drf-spectacular cannot infer about the platform's API (registered when the app is ready), and the view that
serves the schema."""
import threading

from django.conf import settings
from django.utils import translation
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response

# Components whose objects admit no other properties (``closed``): an answer documented as one of several shapes
# (oneOf) must then match exactly one, even when one shape's fields are a subset of another's.
CLOSED_COMPONENTS: set[str] = set()


def closed(serializer_class):
    """Document ``serializer_class``'s object as closed (``additionalProperties: false``). Its component is named as
    drf-spectacular names it: the class's name without a "Serializer" suffix."""
    CLOSED_COMPONENTS.add(serializer_class.__name__.removesuffix("Serializer"))
    return serializer_class


def close_components(result, generator, request, public):
    """A postprocessing hook of drf-spectacular: closes the components marked ``closed``."""
    schemas = result.get("components", {}).get("schemas", {})
    for name in CLOSED_COMPONENTS & set(schemas):
        schemas[name]["additionalProperties"] = False
    return result


class ApiTokenScheme(KnoxTokenScheme):
    """The knox scheme ("Authorization: Token <token>") for our subclass of knox's authentication, which
    drf-spectacular's own extension does not match."""

    target_class = "core.authentication.ApiTokenAuthentication"
    name = "tokenAuth"


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, built once per process and language: the same for every reader (it is public) and
    changed only by a deploy, while building it takes about a second of CPU, which every GET (and every visit to the
    API docs) would otherwise cost. A version or language the platform does not have is built each time and not
    kept, so no query string can grow the store."""

    _built: dict[str, dict] = {}
    _lock = threading.Lock()

    def _get_schema_response(self, request):
        language = translation.get_language()
        if language not in dict(settings.LANGUAGES) or self.api_version or request.version or \
                self._get_version_parameter(request):
            return super()._get_schema_response(request)
        schema = self._built.get(language)
        if schema is None:
            with self._lock:
                schema = self._built.get(language)
                if schema is None:
                    schema = self._built[language] = super()._get_schema_response(request).data
        return Response(data=schema, headers={
            "Content-Disposition": f'inline; filename="{self._get_filename(request, None)}"'})
