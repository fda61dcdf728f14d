"""Residents' democratic supervision (民主评议) and the management mode of stations: a community's committee
questions and rates the street office and the department stations serving it, once per unit and half-year;
its ratings are the residents' part of their two-way score, beside the shares of those who manage a station
(dual: its department and its street; vertical: its department only; the street's: the street only)."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.roles import Role
from evaluation import supervision
from evaluation.models import (
    ScoreSheet,
    ScoringRule,
    SubjectResult,
    SupervisionCommittee,
    SupervisionQuestion,
    SupervisionRating,
)
from evaluation.scoring import DEFAULT_TWO_WAY_SHARES
from evaluation.services import round_open, run_compute, sheet_submit
from grids.models import StreetUnit
from grids.services import staff_create
from tests.conftest import GRID_A, GRID_A2, GRID_B, PASSWORD, STREET_A

from .conftest import POLICE_A, at

pytestmark = pytest.mark.django_db
POLICE_B = "police-110108012"
TRAFFIC_A = f"traffic-{STREET_A}"
URBAN_A = f"urban_enforcement-{STREET_A}"
SECTION_A = f"environment-{STREET_A}"
MEETING = at("2026-03-01")
STREET_SHEET = {"response": 90, "quality": 80, "presence": 70}  # 80
DEPARTMENT_SHEET = {"duty": 90, "discipline": 90, "quality": 90}  # 90


@pytest.fixture
def clock(monkeypatch):
    """The committees meet and the sheets are submitted while the half-year's round is open."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: MEETING)


def bureau_of(code: str):
    return staff_create(username=f"{code}_bureau", role=Role.DEPARTMENT_HANDLER, password=PASSWORD,
                        full_name=f"{code}_bureau", department_code=code, check_password=False)


def committee_round(actor, grid_code: str):
    committee = supervision.committee_create(actor=actor, grid=grid_code)
    return supervision.supervision_round_open(actor=actor, committee_id=committee.pk, period_code="2026H1")[0]


def submit(actor, assessment, flow, evaluatee, scores):
    sheet = ScoreSheet.objects.get(round=assessment, flow=flow, evaluatee_code=evaluatee)
    return sheet_submit(actor=actor, sheet_id=sheet.pk, scores=scores)


def result_of(run, kind, code) -> SubjectResult:
    return SubjectResult.objects.get(run=run, kind=kind, code=code)


def test_the_current_rule_weighs_the_residents_and_the_managers():
    assert ScoringRule.objects.order_by("-version").first().two_way_shares == DEFAULT_TWO_WAY_SHARES


def test_a_dual_managed_station_is_scored_by_its_department_its_street_and_the_residents(cast, clock, client):
    StreetUnit.objects.filter(code=TRAFFIC_A).update(management_mode=StreetUnit.ManagementMode.VERTICAL)
    assessment = round_open(period_code="2026H1", now=at("2026-01-05"))[0]
    # Who rates a station follows its management mode.
    rated = set(assessment.sheets.filter(evaluatee_code__in=[POLICE_A, TRAFFIC_A, URBAN_A])
                .values_list("flow", "evaluatee_code"))
    assert rated == {("street_station", POLICE_A), ("department_station", POLICE_A),
                     ("department_station", TRAFFIC_A), ("street_station", URBAN_A)}
    submit(bureau_of("police"), assessment, "department_station", POLICE_A, DEPARTMENT_SHEET)
    submit(cast.dispatcher_a, assessment, "street_station", POLICE_A, STREET_SHEET)
    submit(bureau_of("traffic"), assessment, "department_station", TRAFFIC_A, DEPARTMENT_SHEET)
    submit(cast.dispatcher_a, assessment, "street_station", URBAN_A, STREET_SHEET)
    first, second = committee_round(cast.dispatcher_a, GRID_A), committee_round(cast.dispatcher_a, GRID_A2)
    supervision.rating_record(actor=cast.dispatcher_a, round_id=first.pk, unit=POLICE_A, score=5)
    supervision.rating_record(actor=cast.community_a, round_id=first.pk, unit=STREET_A, score=4)
    supervision.rating_record(actor=cast.dispatcher_a, round_id=second.pk, unit=POLICE_A, score=2)
    supervision.rating_record(actor=cast.dispatcher_a, round_id=second.pk, unit=STREET_A, score=3)

    run = run_compute(period_code="2026H1", now=at("2026-07-02"))

    police = result_of(run, "station", POLICE_A)
    assert police.management_mode == "dual"
    assert police.two_way_parts == {
        "department": {"share": 40, "score": "90.00", "sheets": 1},
        "street": {"share": 40, "score": "80.00", "sheets": 1},
        "residents": {"share": 20, "score": "50.00", "ratings": 2, "satisfied": 1},
    }
    assert police.two_way_score == Decimal("78.00")  # (40·90 + 40·80 + 20·50) / 100
    assert police.components["two_way"] == "78.00"
    traffic = result_of(run, "station", TRAFFIC_A)  # single (vertical) management: its department only
    assert set(traffic.two_way_parts) == {"department", "residents"}
    assert traffic.two_way_score == Decimal("90.00")  # no residents' ratings: the department's alone
    urban = result_of(run, "station", URBAN_A)  # managed by the street
    assert set(urban.two_way_parts) == {"street", "residents"} and urban.two_way_score == Decimal("80.00")
    street = result_of(run, "street", STREET_A)
    assert street.two_way_parts["residents"] == {"share": 20, "score": "50.00", "ratings": 2, "satisfied": 1}
    assert street.two_way_score == Decimal("50.00")  # no sheets about the street: the residents' part alone

    client.force_login(cast.evaluator)
    page = client.get(f"/evaluation/results/{police.pk}/").content.decode()
    for words in ("双重管理", "所属部门", "所在街镇", "居民监督委员会", "2 次委员会评议中 1 次满意", "78.00"):
        assert words in page, words
    single = client.get(f"/evaluation/results/{traffic.pk}/").content.decode()
    assert "所属部门" in single and "所在街镇" not in single


def test_an_earlier_rule_version_keeps_the_mean_of_the_flows(cast, clock):
    from evaluation.services import rule_current

    rule = rule_current()
    ScoringRule.objects.create(version=rule.version + 1, weights=rule.weights, parameters=rule.parameters,
                               created_at=MEETING)  # no two-way shares, as before them
    meeting = committee_round(cast.dispatcher_a, GRID_A)
    supervision.rating_record(actor=cast.dispatcher_a, round_id=meeting.pk, unit=POLICE_A, score=1)
    run = run_compute(period_code="2026H1", now=at("2026-07-02"))
    police = result_of(run, "station", POLICE_A)
    assert police.two_way_parts == {} and police.two_way_score is None and police.management_mode == "dual"


def test_a_committee_rates_each_unit_once_on_the_scale(cast, clock, api_as):
    meeting = committee_round(cast.dispatcher_a, GRID_A)
    api = api_as(cast.community_a)
    url = f"/api/v1/evaluation/supervision-rounds/{meeting.pk}/ratings/"
    for score in (0, 6, "abc", "", None, 4.5, True):
        response = api.post(url, {"unit": POLICE_A, "score": score}, format="json")
        assert response.status_code == 400 and "score" in response.json(), score
    created = api.post(url, {"unit": POLICE_A, "score": 4, "comment": "出警及时"}, format="json")
    assert created.status_code == 201 and created.json()["unit"] == POLICE_A
    again = api.post(url, {"unit": POLICE_A, "score": 5}, format="json")
    assert again.status_code == 400 and "已评议" in str(again.json()["unit"])
    for unit in (POLICE_B, SECTION_A, GRID_B[:9], "nope"):  # another street's station, a section, another street
        refused = api.post(url, {"unit": unit, "score": 3}, format="json")
        assert refused.status_code == 400 and "unit" in refused.json(), unit
    assert SupervisionRating.objects.filter(round=meeting).count() == 1
    with pytest.raises(ValidationError) as refused_by_service:
        supervision.rating_record(actor=cast.dispatcher_a, round_id=meeting.pk, unit=STREET_A, score=9)
    assert "score" in refused_by_service.value.message_dict


def test_questions_are_put_to_serving_units_and_answered_once_by_them(cast, clock, api_as):
    meeting = committee_round(cast.dispatcher_a, GRID_A)
    api = api_as(cast.dispatcher_a)
    asked = api.post(f"/api/v1/evaluation/supervision-rounds/{meeting.pk}/questions/",
                     {"unit": URBAN_A, "text": "早市占道经营何时整治？"}, format="json")
    assert asked.status_code == 201 and asked.json()["status"] == "asked"
    to_street = supervision.question_ask(actor=cast.community_a, round_id=meeting.pk, unit=STREET_A, text="停车难")
    assert api.post(f"/api/v1/evaluation/supervision-rounds/{meeting.pk}/questions/",
                    {"unit": POLICE_B, "text": "?"}, format="json").status_code == 400
    answer_url = f"/api/v1/evaluation/supervision-questions/{asked.json()['id']}/answer/"
    assert api_as(cast.section_a).post(answer_url, {"answer": "不归我们"}, format="json").status_code == 403
    answered = api_as(cast.station_a).post(answer_url, {"answer": "本月集中整治"}, format="json")
    assert answered.status_code == 200 and answered.json()["answered_by"] == "station_a"
    assert api_as(cast.station_a).post(answer_url, {"answer": "再答"}, format="json").status_code == 409
    assert api_as(cast.station_a).post(f"/api/v1/evaluation/supervision-questions/{to_street.pk}/answer/",
                                       {"answer": "x"}, format="json").status_code == 403
    assert api_as(cast.dispatcher_a).post(f"/api/v1/evaluation/supervision-questions/{to_street.pk}/answer/",
                                          {"answer": ""}, format="json").status_code == 400
    # Closed, the round takes nothing more; its questions still get their answers.
    closed = api.post(f"/api/v1/evaluation/supervision-rounds/{meeting.pk}/close/")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert api.post(f"/api/v1/evaluation/supervision-rounds/{meeting.pk}/questions/",
                    {"unit": STREET_A, "text": "还有问题"}, format="json").status_code == 409
    assert api.post(f"/api/v1/evaluation/supervision-rounds/{meeting.pk}/ratings/",
                    {"unit": STREET_A, "score": 4}, format="json").status_code == 409
    supervision.question_answer(actor=cast.dispatcher_a, question_id=to_street.pk, answer="已协调错时停车")
    assert SupervisionQuestion.objects.filter(round=meeting, status="answered").count() == 2


def test_committees_are_formed_in_ones_own_area_once_with_one_chair(cast, api_as):
    api = api_as(cast.dispatcher_a)
    assert api.post("/api/v1/evaluation/supervision-committees/", {"grid": GRID_B}, format="json").status_code == 400
    created = api.post("/api/v1/evaluation/supervision-committees/", {"grid": GRID_A}, format="json")
    assert created.status_code == 201 and created.json()["name"].endswith("居民监督委员会")
    assert api.post("/api/v1/evaluation/supervision-committees/", {"grid": GRID_A}, format="json").status_code == 400
    members = f"/api/v1/evaluation/supervision-committees/{created.json()['id']}/representatives/"
    chair = {"name": "刘秀兰", "phone": "13900000001", "role": "chair", "term_starts_on": "2026-01-01",
             "term_ends_on": "2029-01-01"}
    assert api.post(members, chair, format="json").status_code == 201
    assert "role" in api.post(members, {**chair, "name": "陈建国"}, format="json").json()
    assert "term_ends_on" in api.post(members, {**chair, "role": "member", "term_ends_on": "2025-01-01"},
                                      format="json").json()
    assert api.post(members, {**chair, "role": "boss"}, format="json").status_code == 400
    assert api_as(cast.community_a).post(members, chair, format="json").status_code == 403  # the street keeps them
    assert api_as(cast.dispatcher_b).get(members.replace("representatives/", "")).status_code == 404
    seen = api_as(cast.station_a).get(members.replace("representatives/", ""))  # the station sees the committee
    assert seen.status_code == 200 and seen.json()["representatives"] == []  # but not the residents' phones
    assert SupervisionCommittee.objects.count() == 1


def test_the_pages_read_in_chinese_and_record_through_forms(cast, clock, client):
    client.force_login(cast.dispatcher_a)
    listed = client.get("/evaluation/supervision/")
    assert listed.status_code == 200 and "民主评议" in listed.content.decode()
    formed = client.post("/evaluation/supervision/", {"form": "committee", "committee-grid": GRID_A})
    committee = SupervisionCommittee.objects.get(grid__code=GRID_A)
    assert formed.status_code == 302
    page = client.get(f"/evaluation/supervision/{committee.pk}/").content.decode()
    assert "居民代表" in page and "开启评议" in page
    opened = client.post(f"/evaluation/supervision/{committee.pk}/", {"form": "round", "round-period": "2026H1"})
    meeting = committee.rounds.get()
    assert opened.status_code == 302 and opened["Location"] == f"/evaluation/supervision/rounds/{meeting.pk}/"
    url = opened["Location"]
    assert client.post(url, {"form": "rating", "rating-unit": POLICE_A, "rating-score": "5"}).status_code == 302
    twice = client.post(url, {"form": "rating", "rating-unit": POLICE_A, "rating-score": "4"})
    assert twice.status_code == 200 and "已评议" in twice.content.decode()
    outside = client.post(url, {"form": "rating", "rating-unit": POLICE_A, "rating-score": "7"})
    assert outside.status_code == 200 and SupervisionRating.objects.count() == 1
    assert client.post(url, {"form": "question", "question-unit": URBAN_A,
                             "question-text": "占道经营"}).status_code == 302
    client.force_login(cast.station_a)
    round_page = client.get(url).content.decode()
    assert "质询与答复" in round_page and "非常满意" in round_page and "答复" in round_page
    question = meeting.questions.get()
    assert client.post(url, {"form": "answer", "answer-question": question.pk,
                             "answer-answer": "本周整治"}).status_code == 302
    assert client.post(url, {"form": "rating", "rating-unit": POLICE_A, "rating-score": "1"}).status_code == 403
    client.force_login(cast.dispatcher_b)
    assert client.get(url).status_code == 404
    assert client.get(f"/evaluation/supervision/{committee.pk}/").status_code == 404
