"""Read queries of cases, and who stands behind each step of a case.

Which cases a user sees is ``Case.objects.visible_to(user)`` (the case's scope path in models.py:
a street's cases through ``street_id``, unit grids through ``grid_id``, the department or station
a case is dispatched to, and what a person reported).
"""
import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import access_generation
from core.reference import reference_table
from core.roles import Role, role_of
from core.scoping import scope_of
from grids.selectors import service_held, serving_ids

from .models import Callback, Case, CaseParty, Category, ReplyTemplate, Summons, department_of, parties_in_force
from .replies import Reply, case_values, render_reply
from .workflow import Tier

User = get_user_model()

DISPATCHER_ROLE = {Tier.MICRO: Role.COMMUNITY_STAFF, Tier.SMALL: Role.STREET_DISPATCHER,
                   Tier.LARGE: Role.DISTRICT_COMMANDER}


def with_relations(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """What a case is shown with: its grid, street, category, department and station from the process's copies of
    those tables (core.reference), the rest in a few small IN queries rather than one 8-way join (at 1 M cases the
    join costs PostgreSQL ~20 ms to plan, the lookups well under a millisecond each)."""
    return queryset.with_reference("grid", "street", "category", "department", "station").prefetch_related(
        "assignee", Prefetch("merged_into", queryset=Case.objects.only("id", "number")),
        # What the workflow asks of a joint case's row (who may act for which summoned unit): one query a page,
        # not one a joint case.
        Prefetch("parties", queryset=parties_in_force(), to_attr="_current_parties"),
    )


def case_locked_for(user, number: str) -> Case:
    """The case, its row locked for this transaction, if ``user`` may see it (Http404 otherwise): what a change
    starts from. Only its grid and street come along (without their boundaries); a change reads any other relation
    it needs when it needs it, one query each, which is what prefetching them for one case would cost, without the
    prefetching of those it does not need (half of an action's time)."""
    case = Case.objects.select_for_update(of=("self",)).with_reference("grid", "street").filter(
        pk__in=Case.objects.visible_to(user).filter(number=number).values("pk")).first()
    if case is None:
        raise Http404(_("No case %(number)s.") % {"number": number})
    return case


def case_get_for_user(user, number: str) -> Case:
    """The case if the user may see it; Http404 for missing and forbidden alike."""
    return get_object_or_404(with_relations(Case.objects.visible_to(user)), number=number)


@dataclass(frozen=True)
class PartLine:
    """A summoned unit's part as the case page shows it."""

    party: CaseParty
    light: str


@dataclass(frozen=True)
class SummonsView:
    summons: Summons
    parts: list[PartLine]


def summonses_of(case: Case) -> list[SummonsView]:
    """Every whistle blown on the case, the one in force first, each with its units' parts and their lights."""
    summonses = list(Summons.objects.filter(case=case).select_related("summoned_by__staff_profile")
                     .prefetch_related(Prefetch("parties", queryset=CaseParty.objects.select_related(
                         "department", "station").order_by("-role", "pk"))).order_by("-pk"))
    now = timezone.now()
    return [SummonsView(s, [PartLine(p, p.light(now)) for p in s.parties.all()]) for s in summonses]


def callbacks_of_case(case: Case) -> QuerySet[Callback]:
    """The callbacks of a case the reader was given through ``case_get_for_user``, newest first."""
    return case.callbacks.select_related("called_by__staff_profile").order_by("-called_at", "-id")


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
    if case.joint:
        return case.party_of(user) is not None
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


def dispatchers_of(case: Case) -> list:
    """The people of the unit that dispatches the case in its tier (``step_owner_directory``: read-only)."""
    return step_owner_directory().dispatchers_of(case)


def handlers_of(case: Case) -> QuerySet:
    """Who handles the case now: its assignee, the handlers of its unit, or those of every unit summoned to it."""
    if case.assignee_id is not None:
        return User.objects.filter(id=case.assignee_id, is_active=True)
    if case.joint:
        return unit_handlers([(p.department_id, p.station_id) for p in case.current_parties])
    return unit_handlers([(case.department_id, case.station_id)])


def unit_handlers(units: list[tuple[int | None, int | None]]) -> QuerySet:
    """The active handlers of these (department id, station id) units: a station's own and its department's, serving
    there directly or through a group."""
    stations = [station_id for _department_id, station_id in units if station_id is not None]
    departments = [department_id for department_id, _station_id in units if department_id is not None]
    return User.objects.filter(id__in=serving_ids("station", stations).union(serving_ids("department", departments)),
                               is_active=True, staff_profile__role=Role.DEPARTMENT_HANDLER)


class StepOwnerDirectory:
    """Who dispatches and who handles, loaded once for many cases: one query for each kind of scope instead of a join
    of five tables per case (which costs PostgreSQL more to plan than to run). Read from the primary, as access is:
    it is kept for an access generation (``step_owner_directory``)."""

    def __init__(self):
        self.dispatchers: dict[tuple[str, str], list] = {}
        users = {u.id: u for u in User.objects.using(DEFAULT_DB_ALIAS).filter(
            is_active=True, staff_profile__role__in=[*DISPATCHER_ROLE.values(), Role.DEPARTMENT_HANDLER],
        ).select_related("staff_profile")}
        for user_id, code in service_held(users, "grid", "content_object__code"):
            user = users[user_id]
            self.dispatchers.setdefault((user.staff_profile.role, code), []).append(user)
        self.by_station: dict[int, list] = {}
        self.by_department: dict[int, list] = {}
        handlers = {pk: u for pk, u in users.items() if u.staff_profile.role == Role.DEPARTMENT_HANDLER}
        for user_id, station_id in service_held(handlers, "station", "content_object_id"):
            self.by_station.setdefault(station_id, []).append(handlers[user_id])
        for user_id, department_id in service_held(handlers, "department", "content_object_id"):
            self.by_department.setdefault(department_id, []).append(handlers[user_id])

    def dispatchers_of(self, case: Case) -> list:
        role = DISPATCHER_ROLE[case.tier]
        code = case.grid.code
        return [u for prefix in (code[:6], code[:9], code) for u in self.dispatchers.get((role, prefix), [])]

    def handlers_of(self, case: Case) -> list:
        if case.assignee_id is not None:
            return [case.assignee] if case.assignee.is_active else []
        units = ([(p.department_id, p.station_id) for p in case.current_parties] if case.joint
                 else [(case.department_id, case.station_id)])
        people = [u for department_id, station_id in units
                  for u in self.by_station.get(station_id, []) + self.by_department.get(department_id, [])]
        return list({u.id: u for u in people}.values())


# A process keeps the directory for the access generation it was read in (a grant, a withdrawal, a change of role,
# address or activity starts a new one), and a minute at most, in case a change was made without a signal.
OWNER_DIRECTORY_SECONDS = 60
_owner_directory: tuple[str, float, StepOwnerDirectory] | None = None


def step_owner_directory() -> StepOwnerDirectory:
    """This process's directory of who dispatches and who handles, read again when access has changed."""
    global _owner_directory
    generation, kept = access_generation(), _owner_directory
    if kept is None or kept[0] != generation or time.monotonic() - kept[1] > OWNER_DIRECTORY_SECONDS:
        kept = _owner_directory = (generation, time.monotonic(), StepOwnerDirectory())
    return kept[2]


CATEGORY_CACHE_SECONDS = 60


@dataclass(frozen=True)
class Catalogue:
    """A per-process copy of the active catalogue (a few dozen rows read on every report and every keystroke of the
    desk's category search), with each name's pinyin initials worked out once per copy."""

    read_at: float
    by_code: dict[str, Category]
    initials: dict[str, str]  # code -> "bllj" for 暴露垃圾


_catalogue: Catalogue | None = None


def pinyin_initials(name: str) -> str:
    """The first letters of a name's syllables, as a call-taker types them: 暴露垃圾 → "bllj" (other characters are
    left out)."""
    # Imported here, with the first catalogue: its dictionaries take 0.4 s to load, which every process's start (a web
    # or Celery worker, a management command) would pay whether or not it reads the catalogue.
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")).lower()


def catalogue() -> Catalogue:
    """The cached catalogue (refreshed after a minute, or when a category is saved in this process)."""
    global _catalogue
    cached = _catalogue
    if cached is None or time.monotonic() - cached.read_at > CATEGORY_CACHE_SECONDS:
        by_code = {c.code: c for c in categories_active()}
        cached = Catalogue(time.monotonic(), by_code, {code: pinyin_initials(c.name) for code, c in by_code.items()})
        _catalogue = cached
    return cached


def active_category(code: str) -> Category | None:
    """An active category by code, from the cached catalogue."""
    return catalogue().by_code.get(code)


def category_codes_matching(text: str) -> list[str]:
    """Codes of the active categories a call-taker's search finds: by code, by words of the name, or by the pinyin
    initials of the name ("ljd", "bllj"); those whose code, name or initials start with it first."""
    text = text.strip().lower()
    if not text:
        return []
    copy, found = catalogue(), []
    for code, category in copy.by_code.items():
        name, initials = category.name.lower(), copy.initials[code]
        if code.lower().startswith(text) or name.startswith(text) or initials.startswith(text):
            found.append((0, code))
        elif text in name or text in initials:
            found.append((1, code))
    return [code for _rank, code in sorted(found)]


def forget_categories(**kwargs) -> None:
    global _catalogue
    _catalogue = None


def categories_in_code_order() -> tuple[list[Category], dict[int, Category]]:
    """Every category, those out of use too, in code order and by id, from this process's copy of the table
    (``core.reference``): what the pickers of the inbox's filter and of every report form read on each request. The
    catalogue above holds the active ones only, with their pinyin initials, for intake and the desk's search."""
    table = reference_table(Category)
    by_id = table.instances(set(table.rows()))
    return sorted(by_id.values(), key=lambda category: category.code), by_id


def categories_active() -> QuerySet[Category]:
    return Category.objects.filter(active=True).select_related("parent", "department")
