from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from .notifications import notifications_of
from .pages import page_of, staff_page
from .roles import Role


def healthz(request):
    """Liveness for the load balancer and docker-compose: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


HOME_OF_ROLE = {
    Role.GRID_WORKER: "cases:new",
    Role.COMMUNITY_STAFF: "cases:inbox",
    Role.STREET_DISPATCHER: "cases:inbox",
    Role.DEPARTMENT_HANDLER: "cases:inbox",
    Role.DISTRICT_COMMANDER: "cases:dashboard",
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
