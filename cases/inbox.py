"""What waits on whom: the inbox query of each role, built from the same rules as the workflow."""
from django.db.models import Q, QuerySet

from core.roles import Role
from grids.models import Grid

from .models import Case
from .selectors import DISPATCHER_ROLE, cases_visible_to, role_of
from .workflow import Light, Status

DISPATCHER_WAITS = Q(status__in=[Status.COLLECTED, Status.FILED, Status.FED_BACK]) | Q(
    status__in=[Status.DISPATCHED, Status.HANDLING], extension_requested_until__isnull=False)
HANDLER_WAITS = Q(status__in=[Status.DISPATCHED, Status.HANDLING])


def waiting_on(user) -> QuerySet[Case]:
    """Cases whose current step is the user's (or their unit's) to take."""
    visible = cases_visible_to(user)
    role = role_of(user)
    tiers = [tier for tier, dispatcher in DISPATCHER_ROLE.items() if dispatcher == role]
    if tiers:
        return visible.filter(DISPATCHER_WAITS, tier__in=tiers)
    if role == Role.DEPARTMENT_HANDLER:
        return visible.filter(HANDLER_WAITS, assignee__isnull=True)
    if role == Role.GRID_WORKER:
        return visible.filter(HANDLER_WAITS, assignee=user)
    return visible.none()


def filtered(queryset: QuerySet[Case], data: dict) -> QuerySet[Case]:
    """Apply the inbox filter form's cleaned data."""
    if data.get("status"):
        queryset = queryset.filter(status=data["status"])
    if data.get("tier"):
        queryset = queryset.filter(tier=data["tier"])
    if data.get("overdue"):
        lights = [Light.YELLOW, Light.RED] if data["overdue"] == "any" else [data["overdue"]]
        queryset = queryset.filter(light__in=lights)
    if data.get("category"):
        code = data["category"]
        queryset = queryset.filter(Q(category__code=code) | Q(category__parent__code=code))
    if data.get("grid"):
        grid = Grid.objects.filter(code=data["grid"]).values("id", "level").first()
        if grid and grid["level"] == Grid.Level.STREET:
            queryset = queryset.filter(street_id=grid["id"])
        elif grid and grid["level"] == Grid.Level.UNIT:
            queryset = queryset.filter(grid_id=grid["id"])
    if data.get("q"):
        text = data["q"].strip()
        if text.upper().startswith("HD") and text[2:].isdigit():
            queryset = queryset.filter(number=text.upper())
        else:
            queryset = queryset.filter(Q(title__icontains=text) | Q(address__icontains=text))
    order = {"oldest": ["id"], "due": ["due_at", "-id"]}.get(data.get("sort") or "", ["-id"])
    return queryset.order_by(*order)
