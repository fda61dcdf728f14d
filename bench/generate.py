"""Loads a district-scale case history with PostgreSQL COPY: cases with their hash-chained events.

Open cases are spread over the five open statuses with running clocks in the future (nothing due);
``closed_share`` of the cases are closed and evaluated instead (for evaluation benchmarks). One in
``JOINT_EVERY`` dispatched or handling case is handled jointly (吹哨报到): its street's 城管分队 leads, the
environment section co-handles, so that a handler's list reads the summoned units' clause against real rows.
"""
import datetime as dt
import random
import secrets
import time
from collections import Counter

WORKFLOW_STEPS = ["create", "file", "dispatch", "accept", "feedback", "verify", "evaluate"]
STATUS_AFTER = ["collected", "filed", "dispatched", "handling", "fed_back", "closed", "evaluated"]
OPEN_MIX = [("collected", 0.10), ("filed", 0.15), ("dispatched", 0.25), ("handling", 0.35), ("fed_back", 0.15)]
JOINT_EVERY = 100


def _pick(rng, mix):
    roll, total = rng.random(), 0.0
    for value, share in mix:
        total += share
        if roll < total:
            return value
    return mix[-1][0]


def generate(*, cases: int, days: int = 180, closed_share: float = 0.0, seed: int = 2026, end=None) -> dict:
    from django.db import connection
    from django.utils import timezone

    from cases.journal import chain_hash
    from cases.models import Case, CaseCounter, CaseEvent, Category
    from cases.partitions import EVENTS
    from core.models import Notification
    from grids.models import Grid, StreetUnit

    rng = random.Random(seed)
    started = time.monotonic()
    now = timezone.now()
    end = end or now
    grids = list(Grid.objects.filter(level=Grid.Level.UNIT).values_list("id", "parent_id"))
    categories = list(Category.objects.filter(parent__isnull=False).values_list("id", "code", "default_tier",
                                                                                  "department_id"))
    stations = {(d, s): pk for pk, d, s in StreetUnit.objects.filter(kind=StreetUnit.Kind.STATION).values_list(
        "id", "department_id", "street_id")}
    with connection.cursor() as cursor:  # the trail refuses TRUNCATE unless maintenance says so (cases 0012)
        cursor.execute("SET haidian.allow_truncate = 'on'")
        cursor.execute(f"TRUNCATE cases_caseevent, {Notification._meta.db_table}, cases_attachment, cases_case, "
                       "cases_casecounter RESTART IDENTITY CASCADE")
        cursor.execute("RESET haidian.allow_truncate")
        # The days' serial sequences start again from the counter rows written below (cases 0021).
        cursor.execute(r"SELECT relname FROM pg_class WHERE relkind = 'S' AND relname LIKE 'cases\_serial\_%%'")
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP SEQUENCE "{name}"')
    case_columns = [f.column for f in Case._meta.concrete_fields if f.column != "id"]
    event_columns = [f.column for f in CaseEvent._meta.concrete_fields if f.column != "id"]
    span = dt.timedelta(days=days)
    serial_by_day: Counter = Counter()
    statuses: Counter = Counter()
    # The trail's monthly partitions for the whole span, while the default one is still empty (cases.partitions).
    EVENTS.ensure(since=timezone.localtime(end - span).date(), now=end)
    raw = connection.connection  # the psycopg connection underneath Django's
    with raw.cursor() as cur:
        with cur.copy(f"COPY cases_case ({', '.join(case_columns)}) FROM STDIN") as copy:
            events_buffer = []
            for index in range(cases):
                created = end - span + span * (index / cases) + dt.timedelta(seconds=rng.random())
                grid_id, street_id = rng.choice(grids)
                category_id, code, tier, department_id = rng.choice(categories)
                status = "evaluated" if rng.random() < closed_share else _pick(rng, OPEN_MIX)
                statuses[status] += 1
                steps = STATUS_AFTER.index(status) + 1
                day = timezone.localtime(created).date()
                serial_by_day[day] += 1
                number = f"HD{day:%Y%m%d}{serial_by_day[day]:06d}"
                row, trail = _case_row(rng, index, number, created, now, grid_id, street_id, category_id, tier,
                                       department_id, stations, status, steps)
                copy.write_row([row[c] for c in case_columns])
                events_buffer.append((index + 1, number, trail))
        with cur.copy(f"COPY cases_caseevent ({', '.join(event_columns)}) FROM STDIN") as copy:
            for case_id, number, trail in events_buffer:
                prev = ""
                for seq, (action, from_status, to_status, tier, at) in enumerate(trail, start=1):
                    digest = chain_hash(prev, number, seq, None, "bench", action, from_status, to_status,
                                        tier if from_status else "", tier, {}, at)
                    copy.write_row([{
                        "case_id": case_id, "seq": seq, "actor_id": None, "actor_label": "bench", "action": action,
                        "from_status": from_status, "to_status": to_status, "from_tier": tier if from_status else "",
                        "to_tier": tier, "payload": "{}", "created_at": at, "prev_hash": prev, "hash": digest,
                    }[c] for c in event_columns])
                    prev = digest
                # the case row carries the last hash; fixed up below in one UPDATE from the events
    with connection.cursor() as cursor:
        cursor.execute("""
            UPDATE cases_case c SET last_event_hash = e.hash
            FROM cases_caseevent e WHERE e.case_id = c.id AND e.seq = c.event_count
        """)
        CaseCounter.objects.bulk_create([CaseCounter(day=d, last=n) for d, n in serial_by_day.items()])
        joint = _summon_some(now)
        cursor.execute("ANALYZE cases_case; ANALYZE cases_caseevent; ANALYZE cases_summons; ANALYZE cases_caseparty;")
    return {"cases": cases, "events": sum(len(t) for _i, _n, t in events_buffer), "statuses": dict(statuses),
            "joint": joint, "seconds": time.monotonic() - started}


def _summon_some(now) -> int:
    from django.contrib.auth import get_user_model

    from cases.models import Case, CaseParty, Summons
    from core.roles import Role
    from grids.models import StreetUnit
    from grids.services import staff_create

    summoner = get_user_model().objects.filter(username="bench-summoner").first() or staff_create(
        username="bench-summoner", role=Role.DISTRICT_COMMANDER, password=None)
    leads = dict(StreetUnit.objects.filter(department__code="urban_enforcement").values_list("street_id", "id"))
    sections = dict(StreetUnit.objects.filter(section="environment").values_list("street_id", "id"))
    department = StreetUnit.objects.filter(department__code="urban_enforcement").values_list(
        "department_id", flat=True).first()
    ids = list(Case.objects.filter(status__in=["dispatched", "handling"]).order_by("id")
               .values_list("id", "street_id")[::JOINT_EVERY])
    summonses = Summons.objects.bulk_create(
        Summons(case_id=pk, kind="hard", summoned_by=summoner, summoned_at=now, report_due_at=now)
        for pk, _street in ids)
    CaseParty.objects.bulk_create(party for summons, (pk, street) in zip(summonses, ids, strict=True) for party in (
        CaseParty(summons=summons, case_id=pk, role="lead", department_id=department, station_id=leads[street]),
        CaseParty(summons=summons, case_id=pk, role="co", station_id=sections[street])))
    Case.objects.filter(id__in=[pk for pk, _street in ids]).update(joint=True)
    return len(ids)


def _case_row(rng, index, number, created, now, grid_id, street_id, category_id, tier, department_id, stations,
              status, steps):
    times = [created + dt.timedelta(minutes=30 * step + rng.randint(0, 20)) for step in range(steps)]
    trail = []
    for step in range(steps):
        trail.append((WORKFLOW_STEPS[step], STATUS_AFTER[step - 1] if step else "", STATUS_AFTER[step], tier,
                      times[step]))
    dispatched = status in ("dispatched", "handling", "fed_back", "closed", "evaluated")
    station_id = stations.get((department_id, street_id)) if dispatched and tier == "small" else None
    closed = status in ("closed", "evaluated")
    light = "green" if closed else _pick(rng, [("green", 0.92), ("yellow", 0.05), ("red", 0.03)])
    due = None if closed else now + dt.timedelta(hours=rng.uniform(2, 720))
    warn = due - dt.timedelta(hours=1) if due else None
    escalate = due + dt.timedelta(hours=2) if due and tier != "large" else None
    next_due = None if closed else (warn if light == "green" else due if light == "yellow" else escalate)
    return {
        "number": number, "title": f"基准案件 {index}", "description": "基准测试生成的案件", "category_id": category_id,
        "source": "grid_patrol", "urgency": "normal", "reporter_id": None, "reporter_name": "", "reporter_phone": "",
        "reporter_email": "", "public_token": secrets.token_urlsafe(12), "creation_key": None, "created_by_id": None,
        "open311_client_id": None, "patrol_id": None, "lat": 39.95 + rng.random() * 0.1,
        "lng": 116.2 + rng.random() * 0.15,
        "address": "海淀区", "grid_id": grid_id, "street_id": street_id, "tier": tier, "status": status,
        "department_id": department_id if dispatched else None, "station_id": station_id, "assignee_id": None,
        "merged_into_id": None, "result": "已处理" if steps >= 5 else "",
        "step_started_at": times[-1] if not closed else None, "warn_at": warn, "due_at": due, "escalate_at": escalate,
        "light": light, "next_due_at": next_due, "extension_requested_until": None, "rework_count": 0,
        "return_count": 0, "escalation_count": 0, "extension_count": 0, "overdue_steps": 1 if light == "red" else 0,
        "satisfaction": rng.choice([3, 4, 5, 5, 5]) if status == "evaluated" else None, "satisfaction_comment": "",
        "satisfaction_defaulted": False, "created_at": created, "filed_at": times[1] if steps > 1 else None,
        "dispatched_at": times[2] if steps > 2 else None, "fed_back_at": times[4] if steps > 4 else None,
        "closed_at": times[5] if steps > 5 else None, "evaluated_at": times[6] if steps > 6 else None,
        "updated_at": times[-1], "version": steps, "event_count": steps, "last_event_hash": "",
        "joint": False, "follow_up_count": 0, "unsolved_callback_at": None,
        "response_due_at": times[2] + dt.timedelta(hours=2) if steps > 2 else None,
        "accepted_at": times[3] if steps > 3 else None,
    }, trail
