"""insert_rows and insert_together (core/db.py): new rows in one statement, as Django's insert would write them."""
import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models.signals import post_save
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from cases.models import Case, CaseEvent
from cases.services import draw_case_number
from core.db import insert_rows, insert_together, one_write
from core.models import Notification
from tests.cases.conftest import new_case, requires_postgres

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


@requires_postgres
def test_rows_of_several_models_land_in_one_statement_with_their_keys(cast):
    """A new case whose key was drawn before, its first event and a notification: one statement, every row keyed,
    and the values written into the SQL (no value, an empty text, a zero, a flag) read back as they were set."""
    template = new_case(cast.worker_a)
    case = Case.objects.get(pk=template.pk)
    case._state.adding = True
    case.number, case.pk = draw_case_number(case.created_at)
    case.public_token, case.creation_key = "twin-token-0002", None
    case.reporter_name, case.rework_count, case.joint = "", 0, True
    event = _event(case, 1, None, "system", {}, case.created_at)
    notice = Notification(user=cast.dispatcher_a, kind=Notification.Kind.ASSIGNED, message="新案件",
                          subject=case.number, target_id=case.pk, mail_pending=False)
    with CaptureQueriesContext(connection) as captured:
        insert_together([case], [event], [notice])
    assert len(captured) == 1
    assert all(row.pk and not row._state.adding for row in (case, event, notice))
    stored = Case.objects.get(pk=case.pk)
    assert (stored.reporter_name, stored.rework_count, stored.joint, stored.merged_into_id) == ("", 0, True, None)
    assert CaseEvent.objects.get(pk=event.pk).case_id == case.pk
    assert Notification.objects.get(pk=notice.pk).target_id == case.pk


@requires_postgres
def test_one_write_refuses_a_second_write_that_would_commit_apart(seeded, django_user_model):
    """Outside a transaction, ``one_write`` opens none: its one statement commits by itself. A second would commit
    on its own (half a change), so it is refused before it runs."""
    user = django_user_model.objects.create(username="one-write")
    with pytest.raises(TransactionManagementError), one_write():
        Notification.objects.create(user=user, kind=Notification.Kind.COMMENT, message="一")
        Notification.objects.create(user=user, kind=Notification.Kind.COMMENT, message="二")
    assert list(Notification.objects.filter(user=user).values_list("message", flat=True)) == ["一"]
