"""Callbacks (回访) after closure, and reopening a case the reporter says is not solved."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from cases.callbacks import callback_record
from cases.integrity import verify_trails
from cases.models import Callback, Case
from cases.services import available_actions
from cases.trail import case_trail
from core.errors import Conflict
from tests.conftest import GRID_A, PASSWORD

from .conftest import STATION_A, act, new_case, notified, requires_postgres, trail
from .test_idempotency_and_concurrency import run_together


def closed_case(cast, now=None):
    """A small-cycle case of street A, handled by A's 城管分队 and closed by A's sub-centre."""
    case = new_case(cast.worker_a, now=now)
    act(cast.dispatcher_a, case, "file", now=now)
    act(cast.dispatcher_a, case, "dispatch", department=STATION_A, now=now)
    act(cast.station_a, case, "accept", now=now)
    act(cast.station_a, case, "feedback", result="已拆除违建", now=now)
    return act(cast.dispatcher_a, case, "verify", now=now)


@pytest.mark.django_db
class TestRecordingACallback:
    def test_it_records_not_reached_then_reached_on_the_case_and_its_trail(self, cast):
        case = closed_case(cast)
        callback_record(actor=cast.dispatcher_a, number=case.number, reached=False, note="无人接听")
        callback_record(actor=cast.commander, number=case.number, reached=True, solved=True, note="已解决")
        rows = list(Callback.objects.filter(case=case).order_by("id").values_list("reached", "solved", "satisfaction",
                                                                                  "called_by__username"))
        assert rows == [(False, None, None, "dispatcher_a"), (True, True, None, "commander")]
        assert trail(case)[-2:] == [("callback", "closed", "closed", "small")] * 2
        sentences = [str(line.sentence) for line in case_trail(Case.objects.get(pk=case.pk))]
        assert sentences[-2:] == ["dispatcher_a 回访报告人：未联系上", "commander 回访报告人：已解决"]
        assert verify_trails([case.number]) == (1, [])

    def test_a_reached_rating_rates_an_unrated_case_but_never_overwrites_a_residents(self, cast):
        case = closed_case(cast)
        callback_record(actor=cast.dispatcher_a, number=case.number, reached=True, solved=True, satisfaction=4)
        case.refresh_from_db()
        assert (case.status, case.satisfaction, case.satisfaction_defaulted) == ("evaluated", 4, False)
        assert trail(case)[-2:] == [("callback", "closed", "closed", "small"),
                                    ("evaluate", "closed", "evaluated", "small")]
        rated = closed_case(cast)
        act(cast.worker_a, rated, "evaluate", satisfaction=2)
        callback_record(actor=cast.dispatcher_a, number=rated.number, reached=True, solved=True, satisfaction=5)
        rated.refresh_from_db()
        assert (rated.status, rated.satisfaction) == ("evaluated", 2)
        assert verify_trails([case.number, rated.number]) == (2, [])

    def test_an_open_case_is_a_conflict(self, cast, small_case):
        with pytest.raises(Conflict):
            callback_record(actor=cast.dispatcher_a, number=small_case.number, reached=False)
        assert not Callback.objects.exists()

    def test_the_handler_may_not_call_back_and_another_street_cannot_see_it(self, cast):
        case = closed_case(cast)
        with pytest.raises(PermissionDenied):
            callback_record(actor=cast.station_a, number=case.number, reached=False)
        with pytest.raises(Http404):
            callback_record(actor=cast.dispatcher_b, number=case.number, reached=False)

    @pytest.mark.parametrize("fields, bad", [
        ({"reached": False, "solved": True}, "solved"),
        ({"reached": False, "satisfaction": 3}, "satisfaction"),
        ({"reached": True}, "solved"),
        ({"reached": True, "solved": True, "satisfaction": 9}, "satisfaction"),
        ({"reached": "maybe"}, "reached"),
    ])
    def test_answers_that_do_not_fit_are_field_errors(self, cast, fields, bad):
        case = closed_case(cast)
        with pytest.raises(ValidationError) as error:
            callback_record(actor=cast.dispatcher_a, number=case.number, **fields)
        assert bad in error.value.message_dict


@pytest.mark.django_db
class TestTheApi:
    def test_it_records_and_lists_callbacks_with_the_error_contract(self, cast, api_as):
        case = closed_case(cast)
        url = f"/api/v1/cases/{case.number}/callbacks/"
        answer = api_as(cast.dispatcher_a).post(url, {"reached": True, "solved": False, "note": "仍有违建"},
                                                format="json")
        assert answer.status_code == 201 and answer.json()["solved"] is False
        assert api_as(cast.dispatcher_a).get(url).json()[0]["note"] == "仍有违建"
        assert api_as(cast.dispatcher_a).post(url, {"reached": False, "solved": True}, format="json"
                                              ).status_code == 400
        assert api_as(cast.station_a).post(url, {"reached": False}, format="json").status_code == 403
        assert api_as(cast.dispatcher_b).get(url).status_code == 404
        assert api_as(cast.dispatcher_b).post(url, {"reached": False}, format="json").status_code == 404
        still_open = new_case(cast.worker_a)
        assert api_as(cast.dispatcher_a).post(f"/api/v1/cases/{still_open.number}/callbacks/", {"reached": False},
                                              format="json").status_code == 409

    def test_reopen_through_the_action_endpoint_is_refused_without_an_unsolved_callback(self, cast, api_as):
        case = closed_case(cast)
        url = f"/api/v1/cases/{case.number}/actions/reopen/"
        refused = api_as(cast.dispatcher_a).post(url, {"reason": "复查"}, format="json")
        assert refused.status_code == 409 and "回访" in refused.json()["detail"]
        api_as(cast.dispatcher_a).post(f"/api/v1/cases/{case.number}/callbacks/", {"reached": True, "solved": False},
                                       format="json")
        assert api_as(cast.dispatcher_a).post(url, {}, format="json").status_code == 400  # the reason is required
        done = api_as(cast.dispatcher_a).post(url, {"reason": "居民反映仍未解决"}, format="json")
        assert done.status_code == 200 and done.json()["status"] == "handling"


@pytest.mark.django_db
class TestReopening:
    def test_a_callback_that_reopens_walks_back_through_feedback_to_a_new_closure(self, cast):
        case = closed_case(cast)
        act(cast.worker_a, case, "evaluate", satisfaction=4)
        assert "reopen" not in available_actions(cast.dispatcher_a, Case.objects.get(pk=case.pk))
        callback_record(actor=cast.commander, number=case.number, reached=True, solved=False, satisfaction=2,
                        note="违建又搭起来了")
        assert notified(cast.dispatcher_a, case, "rework")
        case.refresh_from_db()
        assert case.satisfaction == 4  # the resident's own rating stays until the case is reopened
        assert "reopen" in available_actions(cast.dispatcher_a, case)
        assert "reopen" not in available_actions(cast.station_a, case)

        case = act(cast.dispatcher_a, case, "reopen", reason="回访未解决")
        assert (case.status, case.station.code, case.rework_count) == ("handling", STATION_A, 1)
        assert case.closed_at is case.evaluated_at is case.satisfaction is None
        assert case.due_at is not None and case.step_started_at is not None  # the handling clock runs again
        assert notified(cast.station_a, case, "rework")
        case = act(cast.station_a, case, "feedback", result="再次拆除并复查")
        case = act(cast.dispatcher_a, case, "verify")
        assert case.status == "closed" and case.closed_at is not None
        # The old callback was before this closure: it no longer reopens the case.
        assert "reopen" not in available_actions(cast.dispatcher_a, case)
        actions = [step[:3] for step in trail(case)]
        assert actions[-6:] == [("verify", "fed_back", "closed"), ("evaluate", "closed", "evaluated"),
                                ("callback", "evaluated", "evaluated"), ("reopen", "evaluated", "handling"),
                                ("feedback", "handling", "fed_back"), ("verify", "fed_back", "closed")]
        reopen_line = [line for line in case_trail(case) if "重新" in str(line.sentence)][0]
        assert ("原因", "回访未解决") in reopen_line.notes
        assert verify_trails([case.number]) == (1, [])

    def test_reopening_is_refused_after_the_window(self, cast, settings):
        settings.CASE_REOPEN_WINDOW_DAYS = 15
        long_ago = timezone.now() - dt.timedelta(days=16)
        case = closed_case(cast, now=long_ago)
        callback_record(actor=cast.dispatcher_a, number=case.number, reached=True, solved=False)
        with pytest.raises(Conflict) as refused:
            act(cast.dispatcher_a, case, "reopen", reason="回访未解决")
        assert "15" in refused.value.message
        settings.CASE_REOPEN_WINDOW_DAYS = 30
        assert act(cast.dispatcher_a, case, "reopen", reason="回访未解决").status == "handling"

    def test_a_solved_or_unreached_callback_does_not_reopen(self, cast):
        case = closed_case(cast)
        callback_record(actor=cast.dispatcher_a, number=case.number, reached=False)
        callback_record(actor=cast.dispatcher_a, number=case.number, reached=True, solved=True)
        with pytest.raises(Conflict):
            act(cast.dispatcher_a, case, "reopen", reason="?")


@pytest.mark.django_db
class TestThePage:
    def test_the_desk_records_a_callback_and_reopens_from_the_case_page(self, client, cast):
        case = closed_case(cast)
        client.force_login(cast.dispatcher_a)
        page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
        assert "记录回访" in page and 'action="/cases/%s/act/reopen/"' % case.number not in page
        bad = client.post(reverse("cases:callback", args=[case.number]), {"reached": "no", "solved": "yes"})
        assert bad.status_code == 400 and "errorlist" in bad.content.decode()
        done = client.post(reverse("cases:callback", args=[case.number]),
                           {"reached": "yes", "solved": "no", "satisfaction": "2", "note": "仍未解决"})
        assert done.status_code == 302
        page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
        assert "仍未解决" in page and reverse("cases:act", args=[case.number, "reopen"]) in page
        reopened = client.post(reverse("cases:act", args=[case.number, "reopen"]),
                               {"reopen-reason": "回访未解决", "reopen-version": Case.objects.get(pk=case.pk).version})
        assert reopened.status_code == 302
        assert Case.objects.get(pk=case.pk).status == "handling"

    def test_the_handler_sees_no_callback_form(self, client, cast):
        case = closed_case(cast)
        client.force_login(cast.station_a)
        assert "记录回访" not in client.get(reverse("cases:detail", args=[case.number])).content.decode()
        assert client.post(reverse("cases:callback", args=[case.number]), {"reached": "no"}).status_code == 403


@requires_postgres
def test_concurrent_callbacks_and_reopens_leave_exactly_one_reopen(seeded, django_user_model):
    from grids.services import staff_create

    dispatcher = staff_create(username="d", role="street_dispatcher", password=PASSWORD, grid_code="110108009",
                              check_password=False)
    staff_create(username="s", role="department_handler", password=PASSWORD, department_code=STATION_A,
                 check_password=False)
    worker = staff_create(username="w", role="grid_worker", password=PASSWORD, grid_code=GRID_A, check_password=False)
    handler = django_user_model.objects.get(username="s")
    case = new_case(worker)
    for actor, action, data in [(dispatcher, "file", {}), (dispatcher, "dispatch", {"department": STATION_A}),
                                (handler, "accept", {}), (handler, "feedback", {"result": "已处理"}),
                                (dispatcher, "verify", {})]:
        act(actor, case, action, **data)
    callback_record(actor=dispatcher, number=case.number, reached=True, solved=False)

    def contend(index):
        user = django_user_model.objects.get(username="d")
        if index % 2:
            return act(user, case, "reopen", reason=f"第{index}次").status
        return callback_record(actor=user, number=case.number, reached=True, solved=False).pk

    results = run_together(12, contend)
    reopens = [results[i] for i in range(1, 12, 2)]
    assert [r[0] for r in reopens].count("ok") == 1, results
    assert all(isinstance(r[1], Conflict) for r in reopens if r[0] == "error")
    assert all(r[0] == "ok" or isinstance(r[1], Conflict) for r in results[::2]), results
    case.refresh_from_db()
    assert (case.status, case.rework_count) == ("handling", 1)
    assert [e[0] for e in trail(case)].count("reopen") == 1
    assert verify_trails([case.number])[1] == []
