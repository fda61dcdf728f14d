"""The deadline sweep over a district's open cases: with N falling due, and with none."""
import time


def run_sweep(*, due: int) -> dict:
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from cases.models import Case
    from cases.sweeps import sweep_deadlines

    now = timezone.now()
    open_cases = Case.objects.filter(next_due_at__isnull=False).count()
    # Nothing due first (every clock runs into the future after generation).
    Case.objects.filter(next_due_at__lte=now).update(next_due_at=now + dt.timedelta(days=1))
    started = time.perf_counter()
    idle = sweep_deadlines(now=now)
    idle_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("""
            UPDATE cases_case SET warn_at = %s, next_due_at = %s, light = 'green'
            WHERE id IN (SELECT id FROM cases_case WHERE next_due_at IS NOT NULL AND light = 'green'
                         ORDER BY random() LIMIT %s)
        """, [now - dt.timedelta(minutes=1), now - dt.timedelta(minutes=1), due])
    started = time.perf_counter()
    busy = sweep_deadlines(now=now)
    busy_seconds = time.perf_counter() - started
    return {"open_cases": open_cases, "idle_seconds": idle_seconds, "idle_total": idle.total, "due": due,
            "busy_seconds": busy_seconds, "busy_warned": busy.warned, "busy_total": busy.total}
