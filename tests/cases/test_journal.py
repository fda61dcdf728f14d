"""Every path that changes a case goes through the one journal: the trail verifies, the version
moves, and the people concerned hear of it after commit."""
import datetime as dt
import io

import pytest
from PIL import Image

from cases.attachments import case_attach
from cases.integrity import verify_trails
from cases.models import Case
from cases.services import case_evaluate_by_token
from cases.sweeps import sweep_deadlines

from .conftest import MICRO_CATEGORY, STATION_A, act, new_case, notified

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def _fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)


def _assert_trail_intact(*cases):
    checked, problems = verify_trails([case.number for case in cases])
    assert checked == len(cases) and problems == []


def test_it_starts_a_new_case_at_version_one_with_a_verified_trail(cast):
    reported = new_case(cast.worker_a)
    filed_at_once = new_case(cast.dispatcher_a)  # the dispatcher of the tier files as they report
    assert _fresh(reported).version == 1 and _fresh(filed_at_once).version == 1
    assert [e.action for e in filed_at_once.events.order_by("seq")] == ["create", "file"]
    _assert_trail_intact(reported, filed_at_once)


def test_it_moves_the_version_on_every_workflow_action(cast, small_case):
    versions = [_fresh(small_case).version]
    for actor, action, data in [(cast.dispatcher_a, "file", {}),
                                (cast.dispatcher_a, "dispatch", {"department": STATION_A}),
                                (cast.station_a, "accept", {}), (cast.station_a, "comment", {"comment": "在办"}),
                                (cast.station_a, "feedback", {"result": "已处理"}), (cast.dispatcher_a, "verify", {})]:
        act(actor, small_case, action, **data)
        versions.append(_fresh(small_case).version)
    assert versions == list(range(1, 8))
    _assert_trail_intact(small_case)


def test_a_merge_moves_both_cases_and_records_it_on_both_trails(cast):
    kept, duplicate = new_case(cast.worker_a), new_case(cast.worker_a)
    act(cast.dispatcher_a, duplicate, "merge", into=kept.number)
    assert _fresh(kept).version == 2 and _fresh(duplicate).version == 2
    assert kept.events.order_by("seq").last().action == "absorb"
    _assert_trail_intact(kept, duplicate)


def test_a_photo_moves_the_version_and_is_on_the_trail(cast, small_case):
    case_attach(actor=cast.worker_a, number=small_case.number, content=_png())
    assert _fresh(small_case).version == 2
    assert small_case.events.order_by("seq").last().action == "attach"
    _assert_trail_intact(small_case)


def test_the_sweep_moves_the_version_of_what_it_touches(cast):
    case = new_case(cast.worker_a, category=MICRO_CATEGORY)
    sweep_deadlines(now=case.warn_at)
    assert _fresh(case).version == 2 and _fresh(case).light == "yellow"
    _assert_trail_intact(case)


def _closed(cast, small_case) -> Case:
    act(cast.dispatcher_a, small_case, "file")
    act(cast.dispatcher_a, small_case, "dispatch", department=STATION_A)
    act(cast.station_a, small_case, "accept")
    act(cast.station_a, small_case, "feedback", result="已处理")
    return act(cast.dispatcher_a, small_case, "verify")


def test_a_residents_rating_moves_the_version_and_tells_the_handlers(cast, small_case,
                                                                     django_capture_on_commit_callbacks):
    cast.station_a.email = "station@example.org"
    cast.station_a.save()
    case = _closed(cast, small_case)
    before = _fresh(case).version
    with django_capture_on_commit_callbacks() as callbacks:
        case_evaluate_by_token(token=case.public_token, satisfaction=4, comment="满意")
    assert _fresh(case).version == before + 1 and _fresh(case).status == "evaluated"
    assert notified(cast.station_a, case, "rated") and notified(cast.dispatcher_a, case, "rated")
    assert len(callbacks) == 1  # the mail is kicked once, after commit
    _assert_trail_intact(case)


def test_the_default_evaluation_tells_nobody(cast, small_case, settings):
    case = _closed(cast, small_case)
    sweep_deadlines(now=_fresh(case).next_due_at + dt.timedelta(seconds=1))
    assert _fresh(case).satisfaction_defaulted and not notified(cast.station_a, case, "rated")
    _assert_trail_intact(case)
