"""The innovation fund's pages, in Chinese, as the district, a community's staff and an organisation's own
person use them: forms that refuse bad input in place (nothing stored), an award past the budget refused with
what remains, and every page each of them reaches reading without English words or codes."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from grids.models import Grid
from orgs import funds
from orgs.models import FundApplication, FundCall, FundMilestone
from tests.community.crawl import crawl_as
from tests.conftest import GRID_A, PASSWORD

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def page_client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def errors(response) -> str:
    return " ".join(re.findall(r'<ul class="errorlist">(.*?)</ul>', response.content.decode(), re.S))


@pytest.fixture
def call(cast):
    return funds.call_create(user=cast.commander, title="社区治理创新项目申报指南", year=TODAY.year,
                             opens_on=TODAY - dt.timedelta(days=3), closes_on=TODAY + dt.timedelta(days=30),
                             budget_share=Decimal("400000"), scope="基层服务管理创新类项目。")


def test_the_district_publishes_a_call_and_sets_a_budget_on_the_page(cast):
    office = page_client(cast.commander)
    backwards = office.post("/orgs/fund/", {
        "form": "call", "call-title": "指南", "call-year": TODAY.year, "call-opens_on": TODAY.isoformat(),
        "call-closes_on": (TODAY - dt.timedelta(days=1)).isoformat(), "call-budget_share": "1000",
        "call-scope": "范围"})
    assert backwards.status_code == 400 and "截止日期须晚于开始日期" in errors(backwards)
    assert not FundCall.objects.exists()
    published = office.post("/orgs/fund/", {
        "form": "call", "call-title": "指南", "call-year": TODAY.year, "call-opens_on": TODAY.isoformat(),
        "call-closes_on": TODAY.isoformat(), "call-budget_share": "1000", "call-scope": "范围"})
    assert published.status_code == 302 and FundCall.objects.get().title == "指南"
    too_low = office.post("/orgs/fund/", {"form": "budget", "budget-programme": "innovation",
                                          "budget-year": TODAY.year, "budget-amount": "0"})
    assert too_low.status_code == 400 and errors(too_low)
    assert page_client(cast.dispatcher_a).get("/orgs/fund/").status_code == 200  # the street reads
    assert page_client(cast.worker_a).get("/orgs/fund/").status_code == 403


def test_a_community_applies_on_the_page_and_the_district_awards_within_the_budget(cast, call):
    staff = page_client(cast.community_a)
    url = f"/orgs/fund/calls/{call.pk}/"
    body = {"form": "apply", "apply-community_grid": Grid.objects.get(code=GRID_A).pk, "apply-title": "楼门议事厅",
            "apply-category": "governance",
            "apply-plan": "建设议事厅", "apply-amount_requested": "300000",
            "apply-milestones": f"{TODAY + dt.timedelta(days=30)} 中期评估\n九月底 结项"}
    bad_line = staff.post(url, body)
    assert bad_line.status_code == 400 and "第 2 行" in errors(bad_line)
    zero = staff.post(url, {**body, "apply-milestones": f"{TODAY} 结项", "apply-amount_requested": "0"})
    assert zero.status_code == 400 and "金额必须大于零" in errors(zero)
    assert not FundApplication.objects.exists()
    created = staff.post(url, {**body, "apply-milestones": f"{TODAY + dt.timedelta(days=30)} 中期评估\n"
                                                           f"{TODAY + dt.timedelta(days=90)} 结项验收"})
    assert created.status_code == 302
    application = FundApplication.objects.get()
    page = f"/orgs/fund/applications/{application.pk}/"
    assert staff.post(page, {"form": "act-submit", "submit-action": "submit"}).status_code == 302

    office = page_client(cast.commander)
    office.post(page, {"form": "act-review", "review-action": "review"})
    outside = office.post(page, {"form": "review", "review-innovation": "11", "review-feasibility": "5",
                                 "review-benefit": "5", "review-budget": "5"})
    assert outside.status_code == 400 and errors(outside)
    assert office.post(page, {"form": "review", "review-innovation": "9", "review-feasibility": "8",
                              "review-benefit": "8", "review-budget": "7"}).status_code == 302

    # Another application of the call already holds 200,000 of its 400,000: 300,000 no longer fits.
    other = funds.application_create(user=cast.commander, call=call, community_grid=application.community_grid,
                                     title="另一项目", category="grassroots", plan="x",
                                     amount_requested=Decimal("200000"),
                                     milestones=[{"title": "结项", "due_on": TODAY}])
    for action in ("submit", "review"):
        funds.application_act(user=cast.commander, application=other, action=action)
    funds.review_score(user=cast.commander, application=other, innovation=5, feasibility=5, benefit=5, budget=5)
    funds.application_act(user=cast.commander, application=other, action="award", amount=Decimal("200000"),
                          instalments=[Decimal("200000")])
    award = {"form": "act-award", "award-action": "award", "award-amount": "300000",
             "award-instalments": "100000, 200000"}
    refused = office.post(page, award)
    assert refused.status_code == 400 and "剩余 200,000.00 元" in errors(refused)
    uneven = office.post(page, {**award, "award-amount": "200000", "award-instalments": "100000，50000"})
    assert uneven.status_code == 400 and "不符" in errors(uneven)
    assert office.post(page, {**award, "award-amount": "200000",
                              "award-instalments": "100000, 100000"}).status_code == 302
    office.post(page, {"form": "act-start", "start-action": "start"})
    for milestone in FundMilestone.objects.filter(application=application).order_by("sequence"):
        prefix = f"m{milestone.pk}"
        assert staff.post(page, {"form": "milestone", "milestone": milestone.pk, "step": "report",
                                 f"{prefix}-report-action": "report",
                                 f"{prefix}-report-report": "已完成"}).status_code == 302
        assert office.post(page, {"form": "milestone", "milestone": milestone.pk, "step": "accept",
                                  f"{prefix}-accept-action": "accept"}).status_code == 302
    application.refresh_from_db()
    assert application.status == "completed" and application.awarded_amount == Decimal("200000")
    assert "已结项" in office.get(page).content.decode()


def test_an_organisations_own_person_sees_only_its_applications_and_every_page_reads_in_chinese(
        client, cast, call, provider):
    person = funds.member_add(user=cast.commander, organisation=provider, username="org_head", full_name="负责人",
                              password=PASSWORD).user
    common = {"call": call, "plan": "x", "amount_requested": Decimal("1000"),
              "milestones": [{"title": "结项", "due_on": TODAY}]}
    own = funds.application_create(user=person, organisation=provider, title="儿童守护", category="public_service",
                                   **common)
    theirs = funds.application_create(user=cast.community_a, community_grid=Grid.objects.get(code=GRID_A),
                                      title="社区花园", category="grassroots", **common)
    member = page_client(person)
    home = member.get("/orgs/fund/").content.decode()
    assert "儿童守护" in home and "社区花园" not in home
    assert 'href="/orgs/fund/"' in home  # the menu offers the fund
    assert member.get(f"/orgs/fund/applications/{theirs.pk}/").status_code == 404
    assert member.get(f"/orgs/{provider.pk}/").status_code == 403  # nothing else of the platform
    form = member.get(f"/orgs/fund/calls/{call.pk}/").content.decode()
    assert provider.registration_number in form and "community_grid" not in form
    assert member.get(f"/orgs/fund/applications/{own.pk}/").status_code == 200
    visited, problems = crawl_as(client, [person, cast.community_a, cast.dispatcher_a, cast.commander],
                                 "/orgs/fund/", prefixes=("/orgs/fund/",))
    assert visited >= 8
    assert problems == []
