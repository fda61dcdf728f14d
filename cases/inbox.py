"""What waits on whom: the inbox query of each role, built from the same rules as the workflow."""
from django.db.models import Q, QuerySet

from core.roles import Role, role_of

from .filters import CaseFilter
from .models import Case
from .selectors import DISPATCHER_ROLE
from .workflow import Status

DISPATCHER_WAITS = Q(status__in=[Status.COLLECTED, Status.FILED, Status.FED_BACK]) | Q(
    status__in=[Status.DISPATCHED, Status.HANDLING], extension_requested_until__isnull=False)
HANDLER_WAITS = Q(status__in=[Status.DISPATCHED, Status.HANDLING])


def waiting_on(user) -> QuerySet[Case]:
    """Cases whose current step is the user's (or their unit's) to take."""
    visible = Case.objects.visible_to(user)
    role = role_of(user)
    tiers = [tier for tier, dispatcher in DISPATCHER_ROLE.items() if dispatcher == role]
    if tiers:
        return visible.filter(DISPATCHER_WAITS, tier__in=tiers)
    if role == Role.DEPARTMENT_HANDLER:
        return visible.filter(HANDLER_WAITS, assignee__isnull=True)
    if role == Role.GRID_WORKER:
        return visible.filter(HANDLER_WAITS, assignee=user)
    return visible.none()


ORDERS = {"oldest": ["id"], "due": ["due_at", "-id"]}


def filtered(queryset: QuerySet[Case], params, sort: str = "") -> QuerySet[Case]:
    """The inbox's filters (the same FilterSet as the API's list), in the order asked for."""
    return CaseFilter(params, queryset=queryset).qs.order_by(*ORDERS.get(sort, ["-id"]))
