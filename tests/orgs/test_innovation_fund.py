"""The innovation fund (加强和创新社会管理专项资金), walked as its people use it: the district publishes a
call, an organisation's own person applies and submits, the district reviews and scores, awards within the
year's budget, and pays each instalment when its milestone is reported done and accepted, to the last."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import Notification
from grids.models import Grid
from grids.services import staff_create
from orgs import funds
from orgs.models import FundApplication, FundCall, FundMilestone, FundReview
from tests.conftest import GRID_A, PASSWORD

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
SCORES = {"innovation": 8, "feasibility": 7, "benefit": 9, "budget": 6}


def open_call(commander, share="1000000", **kw) -> FundCall:
    fields = {"title": "本年度社区治理创新项目申报指南", "year": TODAY.year, "opens_on": TODAY - dt.timedelta(days=5),
              "closes_on": TODAY + dt.timedelta(days=30), "budget_share": Decimal(share),
              "scope": "基层服务管理创新类、扶持引导社会组织发展类项目。", **kw}
    return funds.call_create(user=commander, **fields)


def plan(count=3):
    return [{"title": f"第{n}阶段", "due_on": (TODAY + dt.timedelta(days=60 * n)).isoformat()}
            for n in range(1, count + 1)]


def community_application(commander, call, amount="300000", milestones=2) -> FundApplication:
    """A community's application entered by the district, submitted and under review, scored once."""
    application = funds.application_create(
        user=commander, call=call, community_grid=Grid.objects.get(code=GRID_A), title="楼门议事厅建设",
        category="governance", plan="建设楼门议事厅，培育居民议事骨干。", amount_requested=Decimal(amount),
        milestones=[{"title": f"阶段{n}", "due_on": TODAY + dt.timedelta(days=30 * n)}
                    for n in range(1, milestones + 1)])
    for action in ("submit", "review"):
        funds.application_act(user=commander, application=application, action=action)
    funds.review_score(user=commander, application=application, **SCORES)
    application.refresh_from_db()
    return application


def client(user) -> APIClient:
    """A client of one's own per person (the shared ``api_as`` client is re-logged in by each call)."""
    api = APIClient()
    api.force_authenticate(user=user)
    return api


@pytest.fixture
def member(cast, provider):
    member = funds.member_add(user=cast.commander, organisation=provider, username="org_head", full_name="机构负责人",
                              password=PASSWORD)
    return member.user


def test_a_call_is_walked_from_application_to_the_last_instalment(cast, provider, member):
    call = open_call(cast.commander)
    applicant = client(member)
    with TestCase.captureOnCommitCallbacks(execute=True):
        created = applicant.post("/api/v1/orgs/fund/applications/", {
            "call": call.pk, "organisation": provider.pk, "title": "困境儿童社区守护计划", "category": "public_service",
            "plan": "联合社区开展困境儿童探访和课后陪伴。", "amount_requested": "200000", "milestones": plan(3)},
            format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    url = f"/api/v1/orgs/fund/applications/{pk}/"
    assert created.json()["status"] == "draft" and len(created.json()["milestones"]) == 3
    # Another street's dispatcher does not see it; the organisation's person sees only their own.
    assert client(cast.dispatcher_b).get(url).status_code == 404
    assert [row["id"] for row in applicant.get("/api/v1/orgs/fund/applications/").json()["results"]] == [pk]
    assert applicant.get(url).json()["available_actions"] == ["submit"]

    assert applicant.post(url + "act/", {"action": "submit"}).json()["status"] == "submitted"
    assert Notification.objects.filter(user=cast.commander, kind="assigned", target_id=pk).exists()
    assert applicant.post(url + "act/", {"action": "review"}).status_code == 403  # not the applicant's step
    office = client(cast.commander)
    assert office.post(url + "act/", {"action": "review"}).json()["status"] == "under_review"
    assert office.post(url + "act/", {"action": "award", "amount": "150000", "instalments": ["150000"]},
                       format="json").status_code == 409  # nobody has scored it yet

    # Two reviewers score it; the average is what the decision reads.
    second = staff_create(username="reviewer2", role="district_commander", password=PASSWORD, full_name="评审二",
                          check_password=False)
    assert office.post(url + "reviews/", SCORES).status_code == 201
    assert office.post(url + "reviews/", SCORES).status_code == 409  # once per reviewer
    assert client(second).post(url + "reviews/", {**SCORES, "innovation": 10}).status_code == 201
    assert client(cast.evaluator).post(url + "reviews/", SCORES).status_code == 403
    assert FundApplication.objects.get(pk=pk).average_score == Decimal("31.00")

    awarded = office.post(url + "act/", {"action": "award", "amount": "180000",
                                         "instalments": ["60000", "60000", "60000"]}, format="json")
    assert awarded.status_code == 200 and awarded.json()["status"] == "awarded"
    assert awarded.json()["awarded_amount"] == "180000.00"
    assert [m["instalment"] for m in awarded.json()["milestones"]] == ["60000.00"] * 3
    first = awarded.json()["milestones"][0]["id"]
    early = applicant.post(f"{url}milestones/{first}/act/", {"action": "report", "report": "完成"})
    assert early.status_code == 409  # the agreement is not signed yet
    assert office.post(url + "act/", {"action": "start"}).json()["status"] == "in_progress"

    milestones = list(FundMilestone.objects.filter(application_id=pk).order_by("sequence"))
    # The first report is returned once, then reported again.
    step = f"{url}milestones/{milestones[0].pk}/act/"
    assert applicant.post(step, {"action": "report", "report": "走访20户"}).json()["status"] == "reported"
    assert office.post(step, {"action": "return", "reason": "缺少走访记录"}).json()["status"] == "planned"
    for index, milestone in enumerate(milestones):
        step = f"{url}milestones/{milestone.pk}/act/"
        assert applicant.post(step, {"action": "accept"}).status_code == 403
        with TestCase.captureOnCommitCallbacks(execute=True):
            assert applicant.post(step, {"action": "report", "report": f"第{index + 1}阶段完成"}).status_code == 200
            released = office.post(step, {"action": "accept"})
        assert released.status_code == 200 and released.json()["status"] == "released"
        expected = "completed" if index == len(milestones) - 1 else "in_progress"
        assert FundApplication.objects.get(pk=pk).status == expected
    assert all(m.released_on == TODAY for m in FundMilestone.objects.filter(application_id=pk))
    told = Notification.objects.filter(user=member, target_id=pk).values_list("kind", flat=True)
    assert sorted(set(told)) == ["closed", "returned"]  # awarded, released ×3; the returned report


def test_a_community_applies_through_its_staff_and_a_refusal_is_told(cast):
    call = open_call(cast.commander)
    staff = client(cast.community_a)
    created = staff.post("/api/v1/orgs/fund/applications/", {
        "call": call.pk, "community_grid": GRID_A, "title": "社区花园", "category": "grassroots", "plan": "共建花园",
        "amount_requested": "50000", "milestones": plan(1)}, format="json")
    assert created.status_code == 201
    url = f"/api/v1/orgs/fund/applications/{created.json()['id']}/"
    assert staff.post(url + "act/", {"action": "submit"}).status_code == 200
    assert client(cast.dispatcher_a).get(url).status_code == 200  # the street reads it
    assert client(cast.worker_a).get(url).status_code == 403  # a grid worker's role reads no applications
    office = client(cast.commander)
    office.post(url + "act/", {"action": "review"})
    office.post(url + "reviews/", SCORES)
    assert office.post(url + "act/", {"action": "reject"}).status_code == 400  # a reason is needed
    refused = office.post(url + "act/", {"action": "reject", "reason": "与往年项目重复"})
    assert refused.status_code == 200 and refused.json()["status"] == "rejected"
    assert Notification.objects.filter(user=cast.community_a, kind="closed").exists()


def test_an_award_past_the_years_budget_is_refused_with_what_remains(cast):
    office = client(cast.commander)
    year = TODAY.year
    assert office.post("/api/v1/orgs/fund/budgets/", {"programme": "innovation", "year": year,
                                                      "amount": "500000"}).status_code == 201
    call = open_call(cast.commander, share="500000")
    first, second = (community_application(cast.commander, call) for _ in range(2))
    assert office.post(f"/api/v1/orgs/fund/applications/{first.pk}/act/", {
        "action": "award", "amount": "300000", "instalments": ["100000", "200000"]}, format="json").status_code == 200
    refused = office.post(f"/api/v1/orgs/fund/applications/{second.pk}/act/", {
        "action": "award", "amount": "300000", "instalments": ["100000", "200000"]}, format="json")
    assert refused.status_code == 409
    assert refused.json()["remaining"] == "200000.00" and "200,000.00" in refused.json()["detail"]
    second.refresh_from_db()
    assert second.status == "under_review" and second.awarded_amount is None
    assert not FundMilestone.objects.filter(application=second, instalment__isnull=False).exists()
    budget = office.get(f"/api/v1/orgs/fund/budgets/?programme=innovation&year={year}").json()["results"][0]
    assert (budget["awarded"], budget["remaining"]) == ("300000.00", "200000.00")
    # The budget cannot be cut below what the year has awarded; the calls share no more than it.
    lowered = office.post("/api/v1/orgs/fund/budgets/", {"programme": "innovation", "year": year, "amount": "1000"})
    assert lowered.status_code == 400 and "amount" in lowered.json()
    with pytest.raises(funds.OverBudget) as raised:
        open_call(cast.commander, share="1")
    assert raised.value.remaining == 0


def test_a_call_shares_out_no_more_than_its_share(cast):
    call = open_call(cast.commander, share="400000")
    first, second = (community_application(cast.commander, call) for _ in range(2))
    funds.application_act(user=cast.commander, application=first, action="award", amount=Decimal("300000"),
                          instalments=[Decimal("150000"), Decimal("150000")])
    refused = client(cast.commander).post(f"/api/v1/orgs/fund/applications/{second.pk}/act/", {
        "action": "award", "amount": "200000", "instalments": ["100000", "100000"]}, format="json")
    assert refused.status_code == 409 and refused.json()["remaining"] == "100000.00"


@pytest.mark.parametrize(("change", "field"), [
    ({"amount_requested": "0"}, "amount_requested"),
    ({"amount_requested": "-5"}, "amount_requested"),
    ({"milestones": []}, "milestones"),
    ({"community_grid": "110108009"}, "community_grid"),
])
def test_bad_applications_get_400_and_store_nothing(cast, change, field):
    call = open_call(cast.commander)
    body = {"call": call.pk, "community_grid": GRID_A, "title": "x", "category": "governance", "plan": "x",
            "amount_requested": "1000", "milestones": plan(1), **change}
    response = client(cast.commander).post("/api/v1/orgs/fund/applications/", body, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not FundApplication.objects.exists()


def test_applying_to_a_closed_call_is_a_400(cast):
    closed = open_call(cast.commander, opens_on=TODAY - dt.timedelta(days=60), closes_on=TODAY - dt.timedelta(days=1))
    response = client(cast.community_a).post("/api/v1/orgs/fund/applications/", {
        "call": closed.pk, "community_grid": GRID_A, "title": "x", "category": "governance", "plan": "x",
        "amount_requested": "1000", "milestones": plan(1)}, format="json")
    assert response.status_code == 400 and "call" in response.json()
    assert not FundApplication.objects.exists()


def test_bad_scores_and_bad_awards_get_400_and_store_nothing(cast):
    call = open_call(cast.commander)
    application = community_application(cast.commander, call, milestones=2)
    office = client(cast.commander)
    url = f"/api/v1/orgs/fund/applications/{application.pk}/"
    other = staff_create(username="reviewer3", role="district_commander", password=PASSWORD, full_name="评审三",
                         check_password=False)
    outside = client(other).post(url + "reviews/", {**SCORES, "benefit": 11, "budget": -1})
    assert outside.status_code == 400 and set(outside.json()) == {"benefit", "budget"}
    assert FundReview.objects.filter(application=application).count() == 1
    for body, field in (
        ({"amount": "0", "instalments": ["0", "0"]}, "amount"),
        ({"amount": "100000", "instalments": ["50000", "40000"]}, "instalments"),  # do not add up
        ({"amount": "100000", "instalments": ["100000"]}, "instalments"),  # one per milestone
        ({"amount": "400000", "instalments": ["200000", "200000"]}, "amount"),  # more than requested
    ):
        response = office.post(url + "act/", {"action": "award", **body}, format="json")
        assert response.status_code == 400 and field in response.json(), (body, response.json())
    application.refresh_from_db()
    assert application.status == "under_review" and application.awarded_amount is None


def test_only_the_district_publishes_calls_and_a_call_closes_after_it_opens(cast):
    body = {"title": "x", "year": TODAY.year, "opens_on": TODAY.isoformat(), "closes_on": TODAY.isoformat(),
            "budget_share": "1000", "scope": "x"}
    assert client(cast.dispatcher_a).post("/api/v1/orgs/fund/calls/", body).status_code == 403
    backwards = {**body, "closes_on": (TODAY - dt.timedelta(days=1)).isoformat()}
    assert client(cast.commander).post("/api/v1/orgs/fund/calls/", backwards).status_code == 400
    assert client(cast.commander).post("/api/v1/orgs/fund/calls/", {**body, "budget_share": "0"}).status_code == 400
    assert not FundCall.objects.exists()


def test_a_member_is_added_only_by_someone_serving_the_organisations_area(cast, provider):
    with pytest.raises(Exception) as refused:
        funds.member_add(user=cast.dispatcher_b, organisation=provider, username="x1", full_name="x")
    assert type(refused.value).__name__ == "PermissionDenied"
    funds.member_add(user=cast.dispatcher_a, organisation=provider, username="x1", full_name="x")
    with pytest.raises(ValidationError):
        funds.member_add(user=cast.dispatcher_a, organisation=provider, username="x1", full_name="x")
