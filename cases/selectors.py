"""Read queries of cases, and who stands behind each step of a case.

Which cases a user sees is ``Case.objects.visible_to(user)`` (the case's scope path in models.py:
a street's cases through ``street_id``, unit grids through ``grid_id``, the department or station
a case is dispatched to, and what a person reported).
"""
import time

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from core.roles import Role, role_of
from core.scoping import scope_of
from grids.models import Grid

from .models import Case, Category, ReplyTemplate, department_of
from .replies import Reply, case_values, render_reply
from .workflow import Tier

User = get_user_model()

DISPATCHER_ROLE = {Tier.MICRO: Role.COMMUNITY_STAFF, Tier.SMALL: Role.STREET_DISPATCHER,
                   Tier.LARGE: Role.DISTRICT_COMMANDER}


def with_relations(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """Fetch what a case is shown with in a few small IN queries rather than one 8-way join: at
    1 M cases the join costs PostgreSQL ~20 ms to plan, the lookups well under a millisecond each.
    Grid boundaries (large, never needed here) are left out."""
    grids = Grid.objects.defer("boundary")
    return queryset.prefetch_related(
        Prefetch("grid", queryset=grids), Prefetch("street", queryset=grids), "category", "department", "station",
        "assignee", Prefetch("merged_into", queryset=Case.objects.only("id", "number")),
    )


def case_get_for_user(user, number: str) -> Case:
    """The case if the user may see it; Http404 for missing and forbidden alike."""
    return get_object_or_404(with_relations(Case.objects.visible_to(user)), number=number)


def reply_templates_offered(user, case: Case, uses) -> dict[str, list[Reply]]:
    """The active reply templates for these uses (actions) that ``user`` may use — their own department's and the
    district-wide ones, never another department's, whoever reads — filled in for ``case``, in order; one query."""
    uses = [use for use in uses if use in ReplyTemplate.Use.values]
    if not uses:
        return {}
    usable = Q(department__isnull=True)
    department_id = department_of(user)
    if department_id:
        usable |= Q(department_id=department_id)
    values = case_values(case)
    offered: dict[str, list[Reply]] = {}
    for template in ReplyTemplate.objects.visible_to(user).filter(usable, action__in=uses, active=True).order_by(
            "rank", "id"):
        offered.setdefault(template.action, []).append(Reply(
            template.pk, template.title, render_reply(template.text, values), template.department_id is None))
    return offered


def is_dispatcher_of(user, case: Case) -> bool:
    return role_of(user) == DISPATCHER_ROLE[case.tier] and scope_of(user).covers(case.grid.code)


def is_handler_of(user, case: Case) -> bool:
    if case.assignee_id is not None:
        return user.id == case.assignee_id
    if role_of(user) != Role.DEPARTMENT_HANDLER:
        return False
    scope = scope_of(user)
    if case.station_id is not None and case.station_id in scope.station_ids:
        return True
    return case.department_id is not None and case.department_id in scope.department_ids


def is_grid_worker_of(user, case: Case) -> bool:
    return role_of(user) == Role.GRID_WORKER and scope_of(user).covers(case.grid.code)


def dispatchers_of(case: Case) -> QuerySet:
    """The people of the unit that dispatches the case in its tier."""
    codes = [case.grid.code[:6], case.grid.code[:9], case.grid.code]
    return User.objects.filter(
        is_active=True,
        staff_profile__role=DISPATCHER_ROLE[case.tier],
        griduserobjectpermission__permission__codename="serve_grid",
        griduserobjectpermission__content_object__code__in=codes,
    ).distinct()


def handlers_of(case: Case) -> QuerySet:
    if case.assignee_id is not None:
        return User.objects.filter(id=case.assignee_id, is_active=True)
    query = Q(pk__in=[])
    if case.station_id is not None:
        query |= Q(stationuserobjectpermission__content_object_id=case.station_id)
    if case.department_id is not None:
        query |= Q(departmentuserobjectpermission__content_object_id=case.department_id)
    return User.objects.filter(query, is_active=True, staff_profile__role=Role.DEPARTMENT_HANDLER).distinct()


class StepOwnerDirectory:
    """Who dispatches and who handles, loaded once for many cases (the deadline sweep): one query
    for each kind of scope instead of one per case."""

    def __init__(self):
        from grids.models import DepartmentUserObjectPermission, GridUserObjectPermission, StationUserObjectPermission

        self.dispatchers: dict[tuple[str, str], list] = {}
        users = {u.id: u for u in User.objects.filter(
            is_active=True, staff_profile__role__in=[*DISPATCHER_ROLE.values(), Role.DEPARTMENT_HANDLER],
        ).select_related("staff_profile")}
        for user_id, code in GridUserObjectPermission.objects.filter(
            user_id__in=users, permission__codename="serve_grid"
        ).values_list("user_id", "content_object__code"):
            user = users[user_id]
            self.dispatchers.setdefault((user.staff_profile.role, code), []).append(user)
        self.by_station: dict[int, list] = {}
        self.by_department: dict[int, list] = {}
        handlers = {pk: u for pk, u in users.items() if u.staff_profile.role == Role.DEPARTMENT_HANDLER}
        for user_id, station_id in StationUserObjectPermission.objects.filter(
            user_id__in=handlers).values_list("user_id", "content_object_id"):
            self.by_station.setdefault(station_id, []).append(handlers[user_id])
        for user_id, department_id in DepartmentUserObjectPermission.objects.filter(
            user_id__in=handlers).values_list("user_id", "content_object_id"):
            self.by_department.setdefault(department_id, []).append(handlers[user_id])

    def dispatchers_of(self, case: Case) -> list:
        role = DISPATCHER_ROLE[case.tier]
        code = case.grid.code
        return [u for prefix in (code[:6], code[:9], code) for u in self.dispatchers.get((role, prefix), [])]

    def handlers_of(self, case: Case) -> list:
        if case.assignee_id is not None:
            return [case.assignee] if case.assignee.is_active else []
        people = self.by_station.get(case.station_id, []) + self.by_department.get(case.department_id, [])
        return list({u.id: u for u in people}.values())


CATEGORY_CACHE_SECONDS = 60
_categories: tuple[float, dict[str, Category]] | None = None


def active_category(code: str) -> Category | None:
    """An active category by code, from a per-process copy of the catalogue (a few dozen rows
    read on every report; refreshed after a minute or when a category is saved here)."""
    global _categories
    cached = _categories
    if cached is None or time.monotonic() - cached[0] > CATEGORY_CACHE_SECONDS:
        cached = (time.monotonic(), {c.code: c for c in categories_active()})
        _categories = cached
    return cached[1].get(code)


def forget_categories(**kwargs) -> None:
    global _categories
    _categories = None


def categories_active() -> QuerySet[Category]:
    return Category.objects.filter(active=True).select_related("parent", "department")
