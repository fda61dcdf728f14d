"""Checks that case trails are intact: the hash chain holds and each case's state is what its
events say. Used by ``manage.py verify_events`` and by tests."""
from dataclasses import dataclass

from .journal import event_hash
from .models import Case, CaseEvent

CHUNK = 2000


@dataclass(frozen=True)
class TrailProblem:
    number: str
    message: str


def _check_trail(case: Case, events: list[CaseEvent]) -> list[str]:
    problems = []
    previous_hash, previous_status, previous_tier = "", "", ""
    for expected_seq, event in enumerate(events, start=1):
        if event.seq != expected_seq:
            problems.append(f"event {expected_seq} is missing (found {event.seq})")
            break
        if event.prev_hash != previous_hash:
            problems.append(f"event {event.seq} does not link to event {event.seq - 1}")
        if event_hash(event, case.number) != event.hash:
            problems.append(f"event {event.seq} ({event.action}) was altered")
        if event.from_status != previous_status or event.from_tier != previous_tier:
            problems.append(f"event {event.seq} starts from {event.from_status}/{event.from_tier}, "
                            f"not {previous_status}/{previous_tier}")
        previous_hash, previous_status, previous_tier = event.hash, event.to_status, event.to_tier
    if (case.status, case.tier) != (previous_status, previous_tier):
        problems.append(f"case is {case.status}/{case.tier} but its events say {previous_status}/{previous_tier}")
    if case.event_count != len(events) or case.last_event_hash != previous_hash:
        problems.append("case does not point at the last event of its trail")
    return problems


def verify_trails(numbers: list[str] | None = None) -> tuple[int, list[TrailProblem]]:
    cases = Case.objects.order_by("id").only("id", "number", "status", "tier", "event_count", "last_event_hash")
    if numbers:
        cases = cases.filter(number__in=numbers)
    checked, problems, last_id = 0, [], 0
    while True:
        chunk = list(cases.filter(id__gt=last_id)[:CHUNK])
        if not chunk:
            return checked, problems
        by_case: dict[int, list[CaseEvent]] = {case.id: [] for case in chunk}
        for event in CaseEvent.objects.filter(case_id__in=by_case).order_by("case_id", "seq"):
            by_case[event.case_id].append(event)
        for case in chunk:
            problems.extend(TrailProblem(case.number, m) for m in _check_trail(case, by_case[case.id]))
        checked += len(chunk)
        last_id = chunk[-1].id
