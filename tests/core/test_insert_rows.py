"""insert_rows (core/db.py): new rows of a model in one statement, as Django's insert would write them."""
import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext

from cases.models import Case, CaseEvent
from core.db import insert_rows
from tests.cases.conftest import new_case

pytestmark = pytest.mark.django_db


def _event(case, n, actor, label, payload, at):
    return CaseEvent(case=case, seq=n, actor=actor, actor_label=label, action="comment", from_status=case.status,
                     to_status=case.status, from_tier=case.tier, to_tier=case.tier, payload=payload, created_at=at,
                     prev_hash="p", hash=f"h{n}")


def test_rows_with_and_without_empty_columns_are_written_whole_in_one_statement(cast):
    """Each row's NULLs are written into the SQL of its shape; what is read back is what was set, and every row has
    its key."""
    case = new_case(cast.worker_a)
    at = case.created_at + dt.timedelta(minutes=5)
    events = [_event(case, n, actor, label, payload, at) for n, (actor, label, payload) in enumerate(
        [(cast.worker_a, "孙立网", {"text": "现场已处理"}), (None, "system", {}), (cast.commander, "朱明辉", {"n": 2})],
        start=10)]
    with CaptureQueriesContext(connection) as captured:
        insert_rows(events)
    assert len([q for q in captured if q["sql"].startswith("INSERT")]) == 1
    assert all(event.pk and not event._state.adding for event in events)
    stored = CaseEvent.objects.in_bulk([event.pk for event in events])
    assert [(s.case_id, s.seq, s.actor_id, s.actor_label, s.payload, s.created_at)
            for s in (stored[e.pk] for e in events)] == [
        (case.pk, e.seq, e.actor_id, e.actor_label, e.payload, at) for e in events]


def test_a_row_and_one_that_points_to_it_before_it_had_a_key(cast):
    """As the journal writes a new case and its first event: the event's key to the case is taken once the case has
    one, and the case reads back column for column."""
    original = new_case(cast.worker_a)
    twin = Case.objects.get(pk=original.pk)
    twin.pk, twin._state.adding = None, True
    twin.number, twin.public_token, twin.creation_key = "HD20990101000001", "twin-token-0001", None
    event = _event(twin, 1, None, "system", {}, twin.created_at)
    insert_rows([twin])
    insert_rows([event])
    assert event.case_id == twin.pk != original.pk
    columns = [f.attname for f in Case._meta.concrete_fields if f.attname not in ("id", "number", "public_token",
                                                                                     "creation_key")]
    stored, first = Case.objects.get(pk=twin.pk), Case.objects.get(pk=original.pk)
    assert [getattr(stored, name) for name in columns] == [getattr(first, name) for name in columns]


def test_a_model_with_save_signals_is_refused_rather_than_written_without_them():
    def receiver(**kwargs):
        pass

    post_save.connect(receiver, sender=Case, weak=False, dispatch_uid="insert-rows-test")
    try:
        with pytest.raises(ImproperlyConfigured, match="save signals"):
            insert_rows([Case()])
    finally:
        post_save.disconnect(dispatch_uid="insert-rows-test", sender=Case)


def test_where_keys_cannot_be_read_back_each_row_is_saved(cast, monkeypatch):
    """SQLite before 3.35 returns no keys from a many-row insert: the journal's case and its first event still land,
    the event pointing to the case."""
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL is written by the shaped SQL (the tests above)")
    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", False)
    case = new_case(cast.worker_a)
    assert case.pk and list(CaseEvent.objects.filter(case=case).values_list("seq", flat=True)) == [1]
