"""A small known history in street A (学院路), built through the real case engine, whose every
indicator is computed by hand in test_indicators.py.

All cases are in unit grid GRID_A, reported by ``worker_a``; small-cycle cases are dispatched by
``dispatcher_a`` to the urban-enforcement station of street A and handled by ``station_a``. Office
hours are 09:00–12:00 and 13:00–18:00 (8 hours a day). 2026H1 = [2026-01-01, 2026-07-01).

====  =======================  ==================================================================
case  created                  story
====  =======================  ==================================================================
c1    Mon 2026-03-02 09:00     clean: closed 15:00 the same day (5 working hours), rated 5
c2    Tue 2026-03-03 09:00     rework once; closed 11:30 (2.5 h), rated 3
c3    Wed 2026-03-04 09:00     filed 14:00, past the 2-hour filing limit (overdue step); closed
                               16:00 (6 h); nobody rates it: the sweep of 2026-03-08 rates it 5
                               by default
c4    Thu 2026-03-05 09:00     extension approved to 2026-03-20; fed back 2026-03-16 10:00, after
                               the original limit but within the extension: on time; closed
                               2026-03-16 11:00 (58 h), rated 4
c6    Wed 2026-04-01 09:00     rejected as invalid (never filed)
c7    Thu 2026-04-02 09:00     dispatched to the police station first, returned (wrong addressee),
                               then to urban enforcement; closed 11:30 (2.5 h), rated 5
c8    Wed 2026-05-06 09:00     micro case escalated by the community to the street; dispatched;
                               still being handled at the end of June
c5    Tue 2026-06-30 10:00     crosses the boundary: filed and dispatched in H1, closed 2026-07-02
====  =======================  ==================================================================
"""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cases.sweeps import sweep_deadlines
from core.roles import Role
from evaluation.services import run_compute, run_publish, run_review
from grids.services import staff_create
from tests.cases.conftest import MICRO_CATEGORY, STATION_A, act, new_case
from tests.conftest import PASSWORD, kept

TZ = ZoneInfo("Asia/Shanghai")
POLICE_A = "police-110108009"


def at(day: str, time: str = "09:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=TZ)


def _handled(cast, case, day, *, dispatch, accept, feedback, verify, rate=None, rate_at=None):
    act(cast.dispatcher_a, case, "dispatch", now=at(day, dispatch), department=STATION_A)
    act(cast.station_a, case, "accept", now=at(day, accept))
    act(cast.station_a, case, "feedback", now=at(day, feedback), result="已处理")
    act(cast.dispatcher_a, case, "verify", now=at(day, verify))
    if rate is not None:
        act(cast.worker_a, case, "evaluate", now=at(day, rate_at), satisfaction=rate)


def make_police_a():
    return staff_create(username="police_a", role=Role.DEPARTMENT_HANDLER, password=PASSWORD, full_name="police_a",
                        department_code=POLICE_A, check_password=False)


@pytest.fixture
def police_a(db):
    return kept("police_a", make_police_a)


@pytest.fixture
def history(cast, police_a):
    return kept("history", lambda: build_history(cast, police_a))


def publish(cast, period: str):
    """A period's results computed, reviewed and published by the evaluator."""
    run = run_compute(actor=cast.evaluator, period_code=period)
    run_review(actor=cast.evaluator, run_id=run.pk, note="核对无误")
    return run_publish(actor=cast.evaluator, run_id=run.pk)


@pytest.fixture
def published(history, cast):
    """The first half of 2026 published, on the history."""
    return kept("published 2026H1", lambda: publish(cast, "2026H1"))


def build_history(cast, police_a) -> dict:
    """The cases of the table above, for a fixture of any scope."""
    cases = {}
    day = "2026-03-02"
    c1 = cases["c1"] = new_case(cast.worker_a, now=at(day))
    act(cast.dispatcher_a, c1, "file", now=at(day, "09:30"))
    _handled(cast, c1, day, dispatch="10:00", accept="10:30", feedback="14:00", verify="15:00", rate=5,
             rate_at="16:00")

    day = "2026-03-03"
    c2 = cases["c2"] = new_case(cast.worker_a, now=at(day))
    act(cast.dispatcher_a, c2, "file", now=at(day, "09:10"))
    act(cast.dispatcher_a, c2, "dispatch", now=at(day, "09:20"), department=STATION_A)
    act(cast.station_a, c2, "accept", now=at(day, "09:30"))
    act(cast.station_a, c2, "feedback", now=at(day, "10:00"), result="已处理")
    act(cast.dispatcher_a, c2, "rework", now=at(day, "10:30"), reason="未清理干净")
    act(cast.station_a, c2, "feedback", now=at(day, "11:00"), result="已返工")
    act(cast.dispatcher_a, c2, "verify", now=at(day, "11:30"))
    act(cast.worker_a, c2, "evaluate", now=at(day, "12:00"), satisfaction=3)

    day = "2026-03-04"
    c3 = cases["c3"] = new_case(cast.worker_a, now=at(day))
    act(cast.dispatcher_a, c3, "file", now=at(day, "14:00"))
    _handled(cast, c3, day, dispatch="14:30", accept="14:40", feedback="15:00", verify="16:00")
    sweep_deadlines(now=at("2026-03-08", "12:00"))  # nobody rated c3 within 72 hours

    day = "2026-03-05"
    c4 = cases["c4"] = new_case(cast.worker_a, now=at(day))
    act(cast.dispatcher_a, c4, "file", now=at(day, "09:10"))
    act(cast.dispatcher_a, c4, "dispatch", now=at(day, "09:20"), department=STATION_A)
    act(cast.station_a, c4, "accept", now=at(day, "09:30"))
    act(cast.station_a, c4, "request_extension", now=at(day, "10:00"), until="2026-03-20T18:00:00+08:00",
        reason="需协调产权单位")
    act(cast.dispatcher_a, c4, "approve_extension", now=at(day, "11:00"))
    act(cast.station_a, c4, "feedback", now=at("2026-03-16", "10:00"), result="已拆除")
    act(cast.dispatcher_a, c4, "verify", now=at("2026-03-16", "11:00"))
    act(cast.worker_a, c4, "evaluate", now=at("2026-03-16", "12:00"), satisfaction=4)

    c6 = cases["c6"] = new_case(cast.worker_a, now=at("2026-04-01"))
    act(cast.dispatcher_a, c6, "reject", now=at("2026-04-01", "09:30"), reason="重复无效")

    day = "2026-04-02"
    c7 = cases["c7"] = new_case(cast.worker_a, now=at(day))
    act(cast.dispatcher_a, c7, "file", now=at(day, "09:10"))
    act(cast.dispatcher_a, c7, "dispatch", now=at(day, "09:20"), department=POLICE_A)
    act(police_a, c7, "return", now=at(day, "10:00"), reason="不属于本所职责")
    _handled(cast, c7, day, dispatch="10:30", accept="10:40", feedback="11:00", verify="11:30", rate=5,
             rate_at="12:00")

    day = "2026-05-06"
    c8 = cases["c8"] = new_case(cast.worker_a, category=MICRO_CATEGORY, now=at(day))
    act(cast.community_a, c8, "escalate", now=at(day, "09:30"), reason="需街道协调")
    act(cast.dispatcher_a, c8, "file", now=at(day, "10:00"))
    act(cast.dispatcher_a, c8, "dispatch", now=at(day, "10:10"), department=STATION_A)
    act(cast.station_a, c8, "accept", now=at(day, "10:20"))

    c5 = cases["c5"] = new_case(cast.worker_a, now=at("2026-06-30", "10:00"))
    act(cast.dispatcher_a, c5, "file", now=at("2026-06-30", "10:10"))
    act(cast.dispatcher_a, c5, "dispatch", now=at("2026-06-30", "10:20"), department=STATION_A)
    act(cast.station_a, c5, "accept", now=at("2026-06-30", "10:30"))
    act(cast.station_a, c5, "feedback", now=at("2026-07-02", "10:00"), result="已处理")
    act(cast.dispatcher_a, c5, "verify", now=at("2026-07-02", "11:00"))
    return cases
