"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): services map to the case
subclasses open to residents, service requests to the cases in them. Reads are public; POST needs
an ``api_key`` and a service from the list (grid work — population, security, petitions — is
reported by staff, not through Open311, and its cases are not listed)."""
import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import is_ratelimited
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from core import tracking

from ..models import Case, Category
from ..services import NewCase, case_create
from ..workflow import Source
from . import formats
from . import serializers as documents
from .services import CLOSED_STATUSES, open311_client_for_key, open311_status, public_cases, status_notes

MAX_REQUESTS = 1000
DEFAULT_WINDOW = dt.timedelta(days=90)

FORMAT = OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=list(formats.MEDIA_TYPES),
                          description=_("The document's format"))


def _answers(success: int, document, *errors: int) -> dict:
    """The schema's responses: each status's document, in JSON or (the same elements) XML."""
    bodies = {success: document, **{status: documents.Open311Error(many=True) for status in errors}}
    return {(status, media): body if fmt == "json" else OpenApiTypes.STR
            for status, body in bodies.items() for fmt, media in formats.MEDIA_TYPES.items()}


class FormatFromPath(DefaultContentNegotiation):
    """GeoReport v2 names the format in the path (requests.json, requests.xml), whatever Accept says."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class Open311View(APIView):
    """Public: reads need no login, a POST carries an api_key instead (so no session, no CSRF). Rate limits are
    Open311's own (``_limited``). Errors DRF raises itself (a method not allowed, an unparsable body) are JSON."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FormatFromPath


def _services():
    return Category.objects.filter(active=True, open_to_residents=True, parent__isnull=False)


def _public_cases():
    return public_cases().select_related("category", "department", "station", "street")


def _limited(request, rate: str) -> bool:
    return is_ratelimited(request, group="open311", key="ip", rate=rate, method=is_ratelimited.ALL, increment=True)


def _service(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": f"{category.parent.name} / {category.name}",
        "metadata": False,
        "type": "realtime",
        "keywords": ",".join(filter(None, [category.parent.name, category.get_kind_display()])),
        "group": category.parent.name,
    }


def _request(case: Case) -> dict:
    return {
        "service_request_id": case.number,
        "status": open311_status(case),
        "status_notes": status_notes(case),
        "service_name": case.category.name,
        "service_code": case.category.code,
        "description": case.description,
        "agency_responsible": (case.station.name if case.station else case.department.name if case.department
                               else case.street.name),
        "service_notice": "",
        "requested_datetime": timezone.localtime(case.created_at).isoformat(),
        "updated_datetime": timezone.localtime(case.updated_at).isoformat(),
        "expected_datetime": timezone.localtime(case.due_at).isoformat() if case.due_at else "",
        "address": case.address,
        "address_id": "",
        "zipcode": "",
        "lat": case.lat,
        "long": case.lng,
        "media_url": "",  # photos are served to staff only
    }


def _requests_response(cases, fmt):
    return formats.render([_request(c) for c in cases], fmt, root="service_requests", item="request")


class Discovery(Open311View):
    """GeoReport v2 discovery: where the endpoint is and the formats it speaks."""

    @extend_schema(operation_id="open311_discovery", tags=["open311"], parameters=[FORMAT],
                   responses=_answers(200, documents.Open311Discovery))
    def get(self, request, fmt):
        base = request.build_absolute_uri(reverse("open311-discovery", kwargs={"fmt": fmt}).rsplit("/", 1)[0] + "/")
        return formats.render({
            "changeset": "2026-11-27T00:00:00+08:00",
            "contact": "海淀区城市服务管理监督和应急指挥中心",
            "key_service": "Ask the district command centre for an api_key",
            "endpoints": [{
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base,
                "changeset": "2026-11-27T00:00:00+08:00",
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }],
        }, fmt, root="discovery", item_names={"endpoints": "endpoint", "formats": "format"})


class Services(Open311View):
    """The services a resident may request: the case subclasses open to residents."""

    @extend_schema(operation_id="open311_services", tags=["open311"], parameters=[FORMAT],
                   responses=_answers(200, documents.Open311Service(many=True)))
    def get(self, request, fmt):
        categories = _services().select_related("parent").order_by("code")
        return formats.render([_service(c) for c in categories], fmt, root="services", item="service")


class ServiceDefinition(Open311View):
    """One service's definition (no service asks for extra attributes)."""

    @extend_schema(operation_id="open311_service", tags=["open311"], parameters=[FORMAT],
                   responses=_answers(200, documents.Open311ServiceDefinition, 404))
    def get(self, request, code, fmt):
        category = _services().filter(code=code).first()
        if category is None:
            return formats.error(fmt, 404, f"service_code {code} not found")
        return formats.render({"service_code": category.code, "attributes": []}, fmt, root="service_definition",
                              item_names={"attributes": "attribute"})


def _parse_when(value: str, name: str):
    """A w3 date-time, in UTC (an offset PostgreSQL refuses never reaches it); a malformed or impossible one
    (month 13, hour 99, offset +99:00) is the client's error."""
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError(f"{name} must be a w3 date-time, e.g. 2026-11-01T00:00:00+08:00")
    return (parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)).astimezone(dt.timezone.utc)


def _list_requests(request, fmt):
    params = request.GET
    cases = _public_cases().order_by("-id")
    if params.get("service_request_id"):
        numbers = [n.strip() for n in params["service_request_id"].split(",") if n.strip()]
        return _requests_response(cases.filter(number__in=numbers[:MAX_REQUESTS]), fmt)
    try:
        end = _parse_when(params["end_date"], "end_date") if params.get("end_date") else timezone.now()
        start = _parse_when(params["start_date"], "start_date") if params.get("start_date") else end - DEFAULT_WINDOW
    except ValidationError as problem:
        return formats.error(fmt, 400, problem.messages[0])
    cases = cases.filter(created_at__gte=start, created_at__lte=end)
    if params.get("service_code"):
        cases = cases.filter(category__code__in=[c.strip() for c in params["service_code"].split(",")])
    if params.get("status"):
        wanted = {s.strip() for s in params["status"].split(",")}
        if not wanted <= {"open", "closed"}:
            return formats.error(fmt, 400, "status must be open, closed or both")
        if wanted == {"open"}:
            cases = cases.exclude(status__in=CLOSED_STATUSES)
        elif wanted == {"closed"}:
            cases = cases.filter(status__in=CLOSED_STATUSES)
    return _requests_response(cases[:MAX_REQUESTS], fmt)


def _post_request(request, fmt):
    params = request.POST
    client = open311_client_for_key(params.get("api_key", ""))
    if client is None:
        return formats.error(fmt, 403, "api_key is missing or not valid")
    code = params.get("service_code", "").strip()
    category = Category.objects.filter(code=code, active=True, parent__isnull=False).first() if code else None
    if category is None:
        return formats.error(fmt, 404 if code else 400, "service_code is missing or not a known service")
    if not category.open_to_residents:
        return formats.error(fmt, 400, f"service_code {code} is not open to public requests "
                                       "(grid work is reported by staff); choose a service from services.json")
    try:
        lat, lng = float(params["lat"]), float(params["long"])
    except (KeyError, ValueError):
        return formats.error(fmt, 400, "lat and long are required (decimal degrees, WGS-84)")
    description = params.get("description", "").strip() or category.name
    name = " ".join(filter(None, [params.get("last_name", "").strip(), params.get("first_name", "").strip()]))
    data = NewCase(
        title=description[:40], description=description[:4000], category=category.code, lat=lat, lng=lng,
        address=params.get("address_string", "").strip()[:200] or f"{lat:.5f},{lng:.5f}", source=Source.WEB,
        reporter_name=name[:50], reporter_phone=params.get("phone", "")[:20],
        reporter_email=params.get("email", "")[:254],
    )
    try:
        case, _created = case_create(actor=None, data=data, open311_client=client)
    except ValidationError as problem:
        messages = "; ".join(f"{k}: {' '.join(v)}" for k, v in problem.message_dict.items())
        return formats.error(fmt, 400, messages.replace("lat:", "lat/long:"))
    return formats.render(
        [{"service_request_id": case.number, "token": case.public_token,
          "service_notice": "已受理。可凭案件编号或查询码查询办理进度。", "account_id": None}],
        fmt, root="service_requests", item="request", status=201,
    )


class Requests(Open311View):
    """Service requests: the public cases, newest first (GET); a new one, with an ``api_key`` (POST, a form)."""

    @extend_schema(operation_id="open311_requests_list", tags=["open311"],
                   parameters=[FORMAT, documents.Open311RequestQuery],
                   responses=_answers(200, documents.Open311Request(many=True), 400, 429))
    def get(self, request, fmt):
        if _limited(request, settings.OPEN311_RATE):
            return formats.error(fmt, 429, "too many requests, slow down")
        return _list_requests(request, fmt)

    @extend_schema(operation_id="open311_requests_create", tags=["open311"], parameters=[FORMAT],
                   request={"application/x-www-form-urlencoded": documents.Open311RequestIn},
                   responses=_answers(201, documents.Open311Created(many=True), 400, 403, 404, 429))
    def post(self, request, fmt):
        if _limited(request, settings.OPEN311_RATE):
            return formats.error(fmt, 429, "too many requests, slow down")
        return _post_request(request, fmt)


class RequestDetail(Open311View):
    """One service request by its case number."""

    @extend_schema(operation_id="open311_request", tags=["open311"], parameters=[FORMAT],
                   responses=_answers(200, documents.Open311Request(many=True), 404))
    def get(self, request, number, fmt):
        cases = _public_cases().filter(number=number)
        if not cases:
            return formats.error(fmt, 404, f"service_request_id {number} not found")
        return _requests_response(cases, fmt)


class TokenDetail(Open311View):
    """The service request a follow-up token stands for."""

    @extend_schema(operation_id="open311_token", tags=["open311"], parameters=[FORMAT],
                   responses=_answers(200, documents.Open311Token(many=True), 404))
    def get(self, request, token, fmt):
        case = (Case.objects.filter(public_token__in=tracking.lookup_values(token)).only("number", "public_token")
                .first())
        if case is None:
            return formats.error(fmt, 404, "token not found")
        return formats.render([{"service_request_id": case.number, "token": case.public_token}], fmt,
                              root="service_requests", item="request")


@csrf_exempt  # it changes nothing, and a POST to a wrong path is a 404 to Open311 clients, who send no CSRF token
def unknown_resource(request):
    """Any other path, or a format other than json and xml: the spec's 404, not the platform's."""
    return formats.error("xml" if request.path.endswith(".xml") else "json", 404, "no such resource")
