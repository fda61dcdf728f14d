"""One way to see anything: ``Model.objects.visible_to(user, action="view")``.

A scoped model uses ``ScopedQuerySet.as_manager()`` and declares where each of its rows lives with
a ``ScopePath``: in a grid, in an area, with a department or a station, with a person — or, for
reference data, everywhere. ``visible_to`` turns the user's ``Scope`` (the grids, departments and
stations they serve, loaded by ``settings.SCOPE_LOADER``) into a filter:

- deny by default: anonymous and inactive users, and users whose role lacks the model permission
  of the action (``<app>.<action>_<model>``), see nothing;
- a sensitive model names the roles that may see it at all (``roles=``): nobody else sees a row,
  whatever their scope;
- the parts of a path are united through ``Rows``, in which "every row" absorbs and "no row" is
  neutral. (Django's ``Q() | q`` is ``q``: ORing a district-wide empty filter with anything
  silently narrows it. ``Rows`` cannot.)

Codes are hierarchical (district ``110108`` → street ``110108SSS`` → community ``110108SSSCCC`` →
unit grid ``110108SSSCCCNNN``): a scope root covers every code it prefixes.
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache as memoize
from functools import reduce
from operator import or_

from django.conf import settings
from django.db import connections, models
from django.db.models import Q
from django.db.models.query import ModelIterable
from django.utils.module_loading import import_string

from .access import cache_access, cached_access
from .reference import ReferenceQuerySet
from .roles import role_of

SCOPE_SECONDS = 300
COMMUNITY_CODE_LENGTH = 12
AREA_CODE_LENGTHS = (6, 9, COMMUNITY_CODE_LENGTH)  # district, street, community
VIEW = "view"


class Rows:
    """Which rows of a model someone sees: every row, no row, or the rows matching any of some filters. The filters
    (the parts: a street, a department, a station, the cases one reported...) are kept apart, so that a list ordered
    by primary key can read each part along its own index (``ScopedQuerySet.by_scope_part``)."""

    __slots__ = ("parts",)

    def __init__(self, q: Q | None, *more: Q):
        self.parts = None if q is None else (q, *more)  # None: every row

    @property
    def q(self) -> Q | None:
        return None if self.parts is None else reduce(or_, self.parts)

    @classmethod
    def where(cls, q: Q) -> "Rows":
        return cls(q) if q else EVERY_ROW  # an empty Q means no condition: every row

    def __or__(self, other: "Rows") -> "Rows":
        if self is EVERY_ROW or other is EVERY_ROW:
            return EVERY_ROW
        if self is NO_ROW:
            return other
        if other is NO_ROW:
            return self
        return Rows(*self.parts, *other.parts)

    def narrowed(self, q: Q) -> "Rows":
        """These rows, keeping only those that also match ``q`` (e.g. published results only)."""
        if self is NO_ROW:
            return NO_ROW
        return Rows.where(q if self.q is None else self.q & q)

    def apply(self, queryset: models.QuerySet) -> models.QuerySet:
        if self is EVERY_ROW:
            return queryset
        if self is NO_ROW:
            return queryset.none()
        return queryset.filter(self.q)

    def __repr__(self):
        return "EVERY_ROW" if self is EVERY_ROW else "NO_ROW" if self is NO_ROW else f"Rows({self.q!r})"


EVERY_ROW = Rows(None)
NO_ROW = Rows(Q(pk__in=[]))


def any_of(parts) -> Rows:
    return reduce(or_, parts, NO_ROW)


@dataclass(frozen=True)
class Scope:
    """Where a user serves. ``grid_codes`` are roots (each covers every code below it);
    ``viewing_codes`` are the roots of what they may look at, which for department staff reaches
    the streets their stations sit in (a whole department: the district)."""

    grid_codes: tuple[str, ...] = ()
    department_ids: frozenset[int] = frozenset()
    station_ids: frozenset[int] = frozenset()
    viewing_codes: tuple[str, ...] = ()

    @property
    def everywhere(self) -> bool:
        return settings.DISTRICT_CODE in self.grid_codes

    @property
    def is_empty(self) -> bool:
        return not (self.grid_codes or self.department_ids or self.station_ids)

    def covers(self, code: str) -> bool:
        """Is the grid or area with this code inside the user's grids?"""
        return any(code.startswith(root) for root in self.grid_codes)

    def acts_in_area(self, code: str) -> bool:
        """May the user act in this area: one they serve, or the community around the grids they serve."""
        return self.covers(code) or (
            len(code) == COMMUNITY_CODE_LENGTH and any(root.startswith(code) for root in self.grid_codes))

    def grid_rows(self, path: str, roots: tuple[str, ...] | None = None) -> Rows:
        """Rows whose grid code (at ``path``) lies under one of the roots (default: the grids served)."""
        roots = self.grid_codes if roots is None else roots
        if settings.DISTRICT_CODE in roots:
            return EVERY_ROW
        return any_of(Rows.where(Q(**{f"{path}__startswith": root})) for root in roots)

    def area_rows(self, path: str, action: str = VIEW, roots: tuple[str, ...] | None = None) -> Rows:
        """Rows of an area (district, street or community code at ``path``). Seen: the areas under the
        roots and the areas above them (a grid worker sees their community's and the district's
        volunteer teams). Changed: the areas under the roots and the community around them."""
        roots = self.grid_codes if roots is None else roots
        rows = self.grid_rows(path, roots)
        if rows is EVERY_ROW or not roots:
            return rows
        lengths = AREA_CODE_LENGTHS if action == VIEW else (COMMUNITY_CODE_LENGTH,)
        above = sorted({root[:length] for root in roots for length in lengths if len(root) > length})
        return rows | Rows.where(Q(**{f"{path}__in": above})) if above else rows

    def id_rows(self, path: str, ids: frozenset[int]) -> Rows:
        return Rows.where(Q(**{f"{path}__in": sorted(ids)})) if ids else NO_ROW


@dataclass(frozen=True)
class ScopePath:
    """Where a model's rows live, for ``visible_to``. Each part is a lookup path from the model;
    a row is visible when any part matches.

    - ``grid``: the code of the grid the row belongs to; seen by those serving that grid or above.
    - ``area``: the code of the area (district, street, community) the row belongs to; see
      ``Scope.area_rows`` for how seeing differs from changing.
    - ``department`` / ``station``: the id of the department / department station it is with.
    - ``person``: the id of a user who always sees the row (a reporter, the staff member themself).
    - ``widened``: grid and area parts use the viewing roots (department staff see their streets).
    - ``everywhere``: reference data — every row, to anyone with the model permission.
    - ``district``: rows that only a district-wide scope sees.
    - ``roles``: a sensitive model — only these roles see any row at all.
    - ``rule``: ``rule(user, scope, action) -> Rows`` for what no path expresses; united with the rest.
    """

    grid: str = ""
    area: str = ""
    department: str = ""
    station: str = ""
    person: str = ""
    widened: bool = False
    everywhere: bool = False
    district: bool = False
    roles: frozenset[str] | None = None
    rule: Callable | None = field(default=None, compare=False)

    def rows(self, user, scope: Scope, action: str = VIEW) -> Rows:
        if self.roles is not None and role_of(user) not in self.roles and not user.is_superuser:
            return NO_ROW
        if self.everywhere or (self.district and scope.everywhere):
            return EVERY_ROW
        roots = scope.viewing_codes if self.widened and action == VIEW else scope.grid_codes
        parts = []
        if self.grid:
            parts.append(scope.grid_rows(self.grid, roots))
        if self.area:
            parts.append(scope.area_rows(self.area, action, roots))
        if self.department:
            parts.append(scope.id_rows(self.department, scope.department_ids))
        if self.station:
            parts.append(scope.id_rows(self.station, scope.station_ids))
        if self.person:
            parts.append(Rows.where(Q(**{self.person: user.pk})))
        if self.rule is not None:
            parts.append(self.rule(user, scope, action))
        return any_of(parts)


def _model_permission(model, action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


class ScopedQuerySet(ReferenceQuerySet):
    _scope_parts: tuple[Q, ...] = ()  # the parts of the scope ``visible_to`` applied, when it has several
    _scope_clause: int | None = None  # where, among the query's conditions, the parts' OR is

    def _clone(self):
        clone = super()._clone()
        clone._scope_parts, clone._scope_clause = self._scope_parts, self._scope_clause
        return clone

    def visible_to(self, user, action: str = VIEW) -> models.QuerySet:
        """The rows ``user`` may see (``action="view"``) or act on (``"change"``, ``"delete"``)."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if not user.has_perm(_model_permission(self.model, action)):
            return self.none()
        rows = self.model.scope_path.rows(user, scope_of(user), action)
        scoped = rows.apply(self)
        if rows.parts and len(rows.parts) > 1:
            scoped._scope_parts, scoped._scope_clause = rows.parts, len(scoped.query.where.children) - 1
        return scoped

    def by_scope_part(self) -> "ScopedQuerySet":
        """This queryset, except that a slice of it ordered by primary key (a list's page) is read one part of the
        scope at a time. A scope of several parts is an OR, which no index serves in key order: with ORDER BY id
        LIMIT, PostgreSQL walks the primary key through everyone else's rows. Each part instead reads its first
        rows along its own index, the union of those ids is ordered and cut, and the page is then read by id from
        this queryset (scope and filters included), so it holds exactly the rows of the plain slice. PostgreSQL only:
        SQLite (the demo's database) refuses a LIMIT inside a UNION's parts, and reads the plain slice."""
        clone = self._chain()
        if connections[clone.db].vendor == "postgresql":
            clone._iterable_class = ScopePartsIterable
        return clone


class ScopePartsIterable(ModelIterable):
    def __iter__(self):
        queryset = self.queryset
        ids = _ids_by_scope_part(queryset)
        if ids is not None:
            queryset = _unsliced(queryset).filter(pk__in=ids)
        yield from ModelIterable(queryset, self.chunked_fetch, self.chunk_size)


def _ids_by_scope_part(queryset: ScopedQuerySet) -> list | None:
    """The primary keys of the slice, read part by part; None when the plain query serves as well."""
    query, order = queryset.query, _pk_order(queryset)
    if len(queryset._scope_parts) < 2 or order is None or query.high_mark is None or query.distinct \
            or query.combinator:
        return None
    base = _without_scope_clause(_unsliced(queryset).prefetch_related(None).order_by(order))
    branches = [base.filter(part).values_list("pk", flat=True)[:query.high_mark] for part in queryset._scope_parts]
    return list(branches[0].union(*branches[1:]).order_by(order)[query.low_mark:query.high_mark])


def _without_scope_clause(queryset: ScopedQuerySet) -> ScopedQuerySet:
    """The queryset without the OR of the scope's parts, for a branch that ANDs one part instead: left in, the OR
    leads the planner to expect a handful of rows and to pick bitmaps over the part's own index. (Were the clause not
    where ``visible_to`` put it, it stays: slower, as exact.)"""
    where = queryset.query.where
    index = queryset._scope_clause
    if index is None or index >= len(where.children):
        return queryset
    clause = where.children[index]
    if getattr(clause, "connector", None) != Q.OR or clause.negated:
        return queryset
    del where.children[index]
    return queryset


def _unsliced(queryset: models.QuerySet) -> models.QuerySet:
    clone = queryset._chain()
    clone.query.clear_limits()
    return clone


def _pk_order(queryset: models.QuerySet) -> str | None:
    """"pk" or "-pk" when the queryset is ordered by its primary key alone, else None."""
    meta, query = queryset.model._meta, queryset.query
    ordering = query.order_by or (meta.ordering if query.default_ordering else ())
    if len(ordering) != 1 or not isinstance(ordering[0], str) or query.extra_order_by:
        return None
    name = ordering[0].removeprefix("-")
    if name not in ("pk", meta.pk.name, meta.pk.attname):
        return None
    return "-pk" if ordering[0].startswith("-") else "pk"


def is_scoped(model) -> bool:
    return isinstance(model._default_manager.get_queryset(), ScopedQuerySet)


@memoize
def _scope_loader():
    return import_string(settings.SCOPE_LOADER)


def scope_of(user) -> Scope:
    """Where the user serves: kept on the user object for the request and in the cache across
    requests (under the access generation, so that any change of access is seen at once)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    cached = getattr(user, "_haidian_scope", None)
    if cached is not None:
        return cached
    scope = cached_access(user, "scope")
    if scope is None:
        scope = _scope_loader()(user)
        cache_access(user, "scope", scope, SCOPE_SECONDS)
    user._haidian_scope = scope
    return scope
