"""The audit trail is append-only and any tampering is detected."""
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from cases.integrity import verify_trails
from cases.models import Case, CaseEvent

from .conftest import STATION_A, act, requires_postgres

pytestmark = pytest.mark.django_db


@pytest.fixture
def walked(cast, small_case):
    act(cast.dispatcher_a, small_case, "file")
    act(cast.dispatcher_a, small_case, "dispatch", department=STATION_A)
    return act(cast.station_a, small_case, "accept")


def raw_sql(sql, params):
    """Tamper as someone with direct database access would (on PostgreSQL, with triggers off)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def test_an_intact_trail_verifies(walked):
    out = io.StringIO()
    call_command("verify_events", walked.number, stdout=out)
    assert "1 case trail(s) verified" in out.getvalue()


def test_the_application_refuses_to_change_or_delete_events(walked):
    event = walked.events.first()
    event.payload = {"forged": True}
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        CaseEvent.objects.filter(case=walked).update(action="file")
    with pytest.raises(PermissionError):
        CaseEvent.objects.filter(case=walked).delete()


@requires_postgres
def test_the_database_refuses_to_change_events_even_with_raw_sql(walked):
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE cases_caseevent SET action = 'file' WHERE case_id = %s", [walked.id])
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_caseevent WHERE case_id = %s", [walked.id])


def test_an_edited_payload_is_detected(walked):
    raw_sql("UPDATE cases_caseevent SET payload = %s WHERE case_id = %s AND seq = 3",
            ['{"to": "police-110108009"}', walked.id])
    checked, problems = verify_trails([walked.number])
    assert checked == 1 and any("event 3 (dispatch) was altered" in p.message for p in problems)
    with pytest.raises(CommandError, match="problem"):
        call_command("verify_events", walked.number, stderr=io.StringIO())


def test_a_deleted_event_is_detected(walked):
    raw_sql("DELETE FROM cases_caseevent WHERE case_id = %s AND seq = 2", [walked.id])
    assert any("missing" in p.message for p in verify_trails([walked.number])[1])


def test_a_case_whose_state_disagrees_with_its_events_is_detected(walked):
    Case.objects.filter(pk=walked.pk).update(status="closed")
    problems = verify_trails([walked.number])[1]
    assert any("events say handling" in p.message for p in problems)


def test_a_rewritten_chain_is_detected_by_the_case_pointer(walked):
    last = walked.events.order_by("-seq").first()
    raw_sql("UPDATE cases_caseevent SET hash = %s WHERE id = %s", ["0" * 64, last.id])
    assert verify_trails([walked.number])[1]
