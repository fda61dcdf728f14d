"""Reference data: the grids, categories, departments and stations that every list and page shows beside its own
rows, a few thousand rows in all that change a few times a year.

A process keeps a copy of each such table (``reference_table``), and a queryset fills its rows' relations to them
from that copy (``ReferenceQuerySet.with_reference``) instead of a query per relation and page: a list's page
spent a fifth of its time prefetching five small tables. Each row becomes a fresh model instance for every
queryset that asks (as a prefetch gives), so nothing is shared between requests.

A copy is read again after ``REFERENCE_MAX_AGE_SECONDS`` (so another process's edit shows within that time, as the
grid index's and the catalogue's do), or at once when a row is saved or deleted in this process. A row the copy does
not hold yet (made in another process a moment ago) is read from the database.
"""
import threading
import time

from django.db import DEFAULT_DB_ALIAS, models
from django.db.models.signals import post_delete, post_save

REFERENCE_MAX_AGE_SECONDS = 60


class ReferenceTable:
    """One model's rows, as (field names, values by id), without the fields the model names in ``reference_deferred``
    (a grid's boundary, say: large, and never shown in a list)."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        deferred = set(getattr(model, "reference_deferred", ()))
        self.field_names = tuple(f.attname for f in model._meta.concrete_fields if f.name not in deferred)
        self._rows: dict[int, tuple] | None = None
        self._read_at = 0.0
        for signal in (post_save, post_delete):
            signal.connect(self.forget, sender=model, weak=False, dispatch_uid=f"reference:{model._meta.label}")

    def forget(self, **signal_kwargs) -> None:
        self._rows = None

    def rows(self) -> dict[int, tuple]:
        rows = self._rows
        if rows is None or time.monotonic() - self._read_at > REFERENCE_MAX_AGE_SECONDS:
            # Where the request reads (a list's GET: the replica), as the rows shown beside them are: an edit a
            # lagging standby has not replayed yet shows within the copy's age, like another process's.
            queryset = self.model._base_manager.values_list(*self.field_names)
            rows, self._read_at = {row[0]: row for row in queryset}, time.monotonic()
            self._rows = rows
        return rows

    def instances(self, ids: set) -> dict:
        """Fresh instances of these rows by id; those the copy lacks are read from the database."""
        rows = self.rows()
        found = {pk: self.model.from_db(DEFAULT_DB_ALIAS, self.field_names, rows[pk]) for pk in ids if pk in rows}
        missing = ids - found.keys()
        if missing:
            found.update(self.model._base_manager.only(*self.field_names).in_bulk(missing))
        return found


_tables: dict[type, ReferenceTable] = {}
_tables_lock = threading.Lock()


def reference_table(model: type[models.Model]) -> ReferenceTable:
    table = _tables.get(model)
    if table is None:
        with _tables_lock:
            table = _tables.setdefault(model, ReferenceTable(model))
    return table


def forget_reference_tables() -> None:
    """Every copy read again when next asked (a test's data is rolled back without a signal)."""
    for table in list(_tables.values()):
        table.forget()


def attach_reference(instances: list, relations: tuple[str, ...]) -> None:
    """Fill each instance's ``relations`` (foreign keys to reference tables) from the copies."""
    if not instances:
        return
    meta = type(instances[0])._meta
    for relation in relations:
        field = meta.get_field(relation)
        ids = {getattr(instance, field.attname) for instance in instances} - {None}
        related = reference_table(field.related_model).instances(ids)
        for instance in instances:
            field.set_cached_value(instance, related.get(getattr(instance, field.attname)))


class ReferenceQuerySet(models.QuerySet):
    _reference: tuple[str, ...] = ()  # the relations filled from reference tables when the rows are read

    def _clone(self):
        clone = super()._clone()
        clone._reference = self._reference
        return clone

    def with_reference(self, *relations: str) -> "ReferenceQuerySet":
        """This queryset, its rows' ``relations`` filled from the reference tables (like ``prefetch_related``)."""
        clone = self._chain()
        clone._reference = (*self._reference, *relations)
        return clone

    def _fetch_all(self):
        reading = self._result_cache is None
        super()._fetch_all()
        if reading and self._reference and self._result_cache and isinstance(self._result_cache[0], self.model):
            attach_reference(self._result_cache, self._reference)
