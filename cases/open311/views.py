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
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import is_ratelimited

from core import tracking

from ..models import Case, Category
from ..services import NewCase, case_create
from ..workflow import Source
from . import formats
from .services import CLOSED_STATUSES, open311_client_for_key, open311_status, public_cases, status_notes

MAX_REQUESTS = 1000
DEFAULT_WINDOW = dt.timedelta(days=90)


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


@require_GET
def discovery(request, fmt):
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


@require_GET
def services(request, fmt):
    categories = _services().select_related("parent").order_by("code")
    return formats.render([_service(c) for c in categories], fmt, root="services", item="service")


@require_GET
def service_definition(request, code, fmt):
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


@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests_collection(request, fmt):
    if _limited(request, settings.OPEN311_RATE):
        return formats.error(fmt, 429, "too many requests, slow down")
    if request.method == "POST":
        return _post_request(request, fmt)
    return _list_requests(request, fmt)


@require_GET
def request_detail(request, number, fmt):
    cases = _public_cases().filter(number=number)
    if not cases:
        return formats.error(fmt, 404, f"service_request_id {number} not found")
    return _requests_response(cases, fmt)


@require_GET
def token_detail(request, token, fmt):
    case = Case.objects.filter(public_token__in=tracking.lookup_values(token)).only("number", "public_token").first()
    if case is None:
        return formats.error(fmt, 404, "token not found")
    return formats.render([{"service_request_id": case.number, "token": case.public_token}], fmt,
                          root="service_requests", item="request")

