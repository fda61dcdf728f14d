"""Exactly one winner under concurrent conflicting actions; idempotent creation under retries.

These need real row locks and several connections, so they run on PostgreSQL (as CI does)."""
import threading

from django.db import connections

from cases.integrity import verify_trails
from cases.models import Case, CaseEvent
from cases.services import case_act, stored_creation_key
from core.errors import Conflict
from tests.conftest import GRID_A, PASSWORD

from .conftest import new_case, requires_postgres


def test_the_same_idempotency_key_returns_the_same_case(db, api_as, cast):
    client = api_as(cast.worker_a)
    body = {"title": "井盖丢失", "description": "x", "category": "C0101", "lat": 39.99, "lng": 116.35,
            "address": "学院路", "source": "grid_patrol"}
    first = client.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    again = client.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    other = client.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="abc-124")
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 201)
    assert first.json()["number"] == again.json()["number"] != other.json()["number"]
    # Another user's identical key is theirs alone.
    theirs = api_as(cast.dispatcher_a).post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    assert theirs.status_code == 201 and theirs.json()["number"] != first.json()["number"]


def run_together(count, work):
    barrier = threading.Barrier(count)
    results = [None] * count

    def runner(index):
        try:
            barrier.wait()
            results[index] = ("ok", work(index))
        except Exception as error:  # noqa: BLE001 - the outcome of each contender is what we assert
            results[index] = ("error", error)
        finally:
            connections.close_all()  # the thread's own, of every alias (the replica's too)

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@requires_postgres
def test_twenty_conflicting_actions_leave_exactly_one_winner(seeded, django_user_model):
    from grids.services import staff_create

    staff_create(username="d", role="street_dispatcher", password=PASSWORD, grid_code="110108009",
                              check_password=False)
    worker = staff_create(username="w", role="grid_worker", password=PASSWORD, grid_code=GRID_A, check_password=False)
    case = new_case(worker)
    # Twenty people who all read version 1 act at once: file, reject or escalate it, or comment.
    bodies = [("file", {}), ("reject", {"reason": "重复"}), ("escalate", {"reason": "复杂"}),
              ("comment", {"comment": "?"})]

    def contend(index):
        action, data = bodies[index % len(bodies)]
        user = django_user_model.objects.get(username="d")
        return case_act(actor=user, number=case.number, action=action, data=data, version=1).status

    results = run_together(20, contend)
    winners = [r for r in results if r[0] == "ok"]
    assert len(winners) == 1, results
    assert all(r[0] == "error" and isinstance(r[1], Conflict) for r in results if r not in winners)
    case.refresh_from_db()
    assert case.version == 2 and case.status == winners[0][1]
    assert CaseEvent.objects.filter(case=case).count() == 2
    assert verify_trails([case.number])[1] == []


@requires_postgres
def test_concurrent_retries_with_one_key_create_one_case(seeded):
    from grids.services import staff_create

    worker = staff_create(username="w2", role="grid_worker", password=PASSWORD, grid_code=GRID_A,
                          check_password=False)

    def retry(index):
        return new_case(worker, key="same-key").number

    results = run_together(10, retry)
    numbers = {r[1] for r in results if r[0] == "ok"}
    assert len(numbers) == 1, results
    assert Case.objects.filter(creation_key=stored_creation_key("same-key", actor=worker)).count() == 1


@requires_postgres
def test_a_new_case_is_one_write_outside_any_transaction(seeded):
    """Intake's round trips: the serial and key are drawn, then the case, its first event and the dispatchers'
    notifications are one statement that commits by itself (no BEGIN, no COMMIT); all of them are there after."""
    from django.db import connection

    from core.models import Notification
    from grids.services import staff_create

    staff_create(username="d3", role="street_dispatcher", password=PASSWORD, grid_code="110108009",
                 check_password=False)
    worker = staff_create(username="w3", role="grid_worker", password=PASSWORD, grid_code=GRID_A, check_password=False)
    new_case(worker)  # the calendar and the owner directory read once
    writes = []

    def record(execute, sql, params, many, context):
        if not sql.startswith("SELECT "):
            writes.append((sql.split(" ", 1)[0], connection.in_atomic_block, connection.get_autocommit()))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        case = new_case(worker)
    assert writes == [("WITH", False, True)]
    assert list(CaseEvent.objects.filter(case=case).values_list("seq", "action")) == [(1, "create")]
    assert Notification.objects.filter(target_id=case.pk, subject=case.number).exists()
    assert verify_trails([case.number])[1] == []
