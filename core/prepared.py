"""Prepared queries: a queryset asked on every request, built and compiled once per shape, then run with new values.

Building a queryset (filters, the user's scope) and compiling it to SQL costs the ORM several times what PostgreSQL
spends running it: on case intake the token look-up and the duplicate suggestions spent about 2.5 ms of Python for
0.5 ms in the database. A ``PreparedQuery`` builds its queryset once per key (whatever decides its shape: the user and
the access generation their scope was computed in, say) with a placeholder in each slot, compiles it, and from then
on runs the same SQL with the slots' values put in their places. The rows come back as the queryset would give them
(its select_related, its deferred fields), through Django's own iterable; a ``values_list`` queryset whose columns
need no conversion (text, numbers and timestamps on PostgreSQL) straight from the cursor, which costs half as much.

A slot's placeholder is a value of the same type as the real one that no row holds; the builder must pass it to the
ORM unchanged (compute derived values before, in slots of their own). A slot that does not reach the SQL intact is a
programming error, raised when the key is first compiled.
"""
import copy
import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ValuesListIterable

# Within a 32-bit integer column's range: Django compiles a look-up of a value its column cannot hold (auth's user ids
# are 32-bit) as matching nothing, and the query would match nothing for every value after.
PLACEHOLDER_BASE = -1_987_654_321


def _placeholder(value, index: int):
    if isinstance(value, dt.datetime):
        return dt.datetime(1, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=index)
    if isinstance(value, str):
        return f"\x1fslot {index}\x1f"
    if isinstance(value, float):
        return PLACEHOLDER_BASE - index + 0.5
    if isinstance(value, int) and not isinstance(value, bool):
        return PLACEHOLDER_BASE - index
    raise ImproperlyConfigured(f"A prepared query's slot takes an int, a float, a str or a datetime, not {value!r}")


def _as_parameter(connection, value):
    """A slot's value as the ORM passes it to the database driver."""
    return connection.ops.adapt_datetimefield_value(value) if isinstance(value, dt.datetime) else value


@dataclass(frozen=True)
class _Compiled:
    queryset: QuerySet
    compiler: object
    sql: str
    params: tuple
    slots: list[tuple[int, str]]  # (position among the params, slot name)
    plain: bool  # tuples of the columns, as the driver reads them: the cursor's rows are the queryset's


EMPTY = object()  # the queryset can match nothing (none(), an empty IN): no query at all


class PreparedQuery:
    """``build(key, **slots)`` returns the queryset; ``prepared(key, **values)`` its rows, as a list."""

    def __init__(self, build: Callable[..., QuerySet], *, keys: int = 512):
        self.build, self.keys = build, keys
        self._compiled: OrderedDict[Hashable, _Compiled | object] = OrderedDict()
        self._lock = threading.Lock()  # threaded servers share the process's copies

    def __call__(self, key: Hashable, **values) -> list:
        with self._lock:
            compiled = self._compiled.get(key)
            if compiled is not None:
                self._compiled.move_to_end(key)
        if compiled is None:
            compiled = self._compile(key, values)
        if compiled is EMPTY:
            return []
        queryset = compiled.queryset._chain()
        connection = connections[queryset.db]
        params = list(compiled.params)
        for position, name in compiled.slots:
            params[position] = _as_parameter(connection, values[name])
        if compiled.plain:
            with connection.cursor() as cursor:
                cursor.execute(compiled.sql, params)
                return cursor.fetchall()
        compiler = copy.copy(compiled.compiler)
        compiler.connection, compiler.using = connection, queryset.db
        sql = compiled.sql
        # Django's iterable asks the query for a compiler and the compiler for its SQL: this run's copy answers both
        # (instance attributes of these two per-run objects only).
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return list(queryset)

    def _compile(self, key: Hashable, values: dict):
        placeholders = {name: _placeholder(value, index) for index, (name, value) in enumerate(values.items())}
        queryset = self.build(key, **placeholders)
        compiler = queryset.query.get_compiler(queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            compiled = EMPTY
        else:
            connection = connections[queryset.db]
            wanted = {name: _as_parameter(connection, placeholder) for name, placeholder in placeholders.items()}
            slots = [(position, name) for position, param in enumerate(params) for name, placeholder in wanted.items()
                     if type(param) is type(placeholder) and param == placeholder]
            lost = set(wanted) - {name for _position, name in slots}
            if lost:
                raise ImproperlyConfigured(f"The slots {sorted(lost)} did not reach the SQL unchanged")
            plain = (queryset._iterable_class is ValuesListIterable and compiler.col_count == len(compiler.select)
                     and not compiler.get_converters([column for column, _sql, _alias in compiler.select]))
            compiled = _Compiled(queryset, compiler, sql, tuple(params), slots, plain)
        with self._lock:
            self._compiled[key] = compiled
            while len(self._compiled) > self.keys:
                self._compiled.popitem(last=False)
        return compiled
