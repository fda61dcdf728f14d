"""The social-organisation pages in Chinese, as each role meets them on the orgs demo data.

The labels once borrowed other meanings from the shared catalogue: the applied status read
"申请日期" (the column), the filed status "案卷建立" (a case's step), the name column and the public
search box "姓名" (a person's name). Here every page a role reaches renders and reads without
English words or codes, money is formatted, the section's menu offers only what the role may open,
and no status or step of these apps reads like a field of its own model or like a case's status
or action.
"""
import re

import pytest
from django.apps import apps
from django.utils import translation

from cases.workflow import Action, Status
from community import workflow as community_workflow
from orgs import workflow as orgs_workflow
from orgs.models import Complaint, PurchaseProject, SocialOrganisation
from orgs.seeding import seed
from tests.community.crawl import crawl, crawl_as
from tests.conftest import built_for_a_module

pytestmark = pytest.mark.django_db

ROLES_WITH_ORGS = ("worker_a", "community_a", "dispatcher_a", "commander", "auditor")
SUBNAV = re.compile(r'<nav class="subnav"[^>]*>(.*?)</nav>', re.S)
FLOWS = (orgs_workflow.ORGANISATION_FLOW, orgs_workflow.PROJECT_FLOW, orgs_workflow.COMPLAINT_FLOW,
         orgs_workflow.APPLICATION_FLOW, orgs_workflow.INSTALMENT_FLOW,
         community_workflow.MATTER_FLOW, community_workflow.MEETING_FLOW, community_workflow.FOLLOW_UP_FLOW,
         community_workflow.ACTIVITY_FLOW)


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    with built_for_a_module(django_db_blocker, lambda: seed(demo=True)):
        yield


@pytest.fixture
def demo(demo_data, cast):
    return cast


def test_every_page_each_role_reaches_reads_in_chinese(client, demo):
    visited, problems = crawl_as(client, [getattr(demo, role) for role in ROLES_WITH_ORGS], "/orgs/")
    client.logout()
    result = crawl(client, ["/orgs/public/"], prefixes=("/orgs/public/",))
    problems += [f"anonymous {problem}" for problem in result.problems]
    assert visited > 45
    assert problems == []


def test_the_english_pages_render_without_codes(client, demo):
    client.force_login(demo.commander)
    result = crawl(client, ["/en/orgs/"], prefixes=("/en/orgs/",), english=True)
    assert len(result.visited) > 10
    assert result.problems == []
    html = client.get("/en/orgs/").content.decode()
    assert ">Applied<" in html and ">Filed<" in html and "Organisation name" in html


def test_statuses_steps_and_columns_say_what_they_mean(client, demo):
    with translation.override("zh-hans"):
        assert SocialOrganisation.Status.APPLIED.label == "已申请"
        assert SocialOrganisation.Status.FILED.label == "已备案"
        assert Complaint.Status.RECEIVED.label == "已受理"
        assert Complaint.Status.CLOSED.label == "已办结"
        assert PurchaseProject.Status.IN_PROGRESS.label == "实施中"
        assert orgs_workflow.PROJECT_FLOW.label("start") == "开始实施"
        assert orgs_workflow.PROJECT_FLOW.label("accept") == "验收"
        assert orgs_workflow.COMPLAINT_FLOW.label("close") == "办结"
        assert community_workflow.MATTER_FLOW.label("select") == "立项"
    client.force_login(demo.commander)
    html = client.get("/orgs/").content.decode()
    assert ">已申请<" in html and ">已备案<" in html
    assert "申请日期" in html  # the column, not the status
    assert "案卷建立" not in html and "姓名" not in html
    assert '<th scope="col">组织名称</th>' in html
    public = client.get("/orgs/public/").content.decode()
    assert '<label for="q">组织名称</label>' in public and "姓名" not in public
    assert "孵化场地" in client.get("/orgs/incubation/").content.decode()
    assert "收到时间" in client.get("/orgs/complaints/").content.decode()


def test_no_status_or_step_reads_like_a_field_or_a_case_label():
    clashes = []
    with translation.override("zh-hans"):
        case_words = {str(label) for _, label in [*Status.choices, *Action.choices]}
        for app in ("community", "orgs"):
            for model in apps.get_app_config(app).get_models():
                field_names = {str(f.verbose_name) for f in model._meta.fields if not f.is_relation}
                for f in model._meta.fields:
                    for value, label in f.choices or ():
                        if str(label) in field_names | case_words:
                            clashes.append(f"{model.__name__}.{f.name}={value}: {label}")
        for flow in FLOWS:
            for action, _transition in flow:
                if flow.label(action) in case_words:
                    clashes.append(f"{flow.name}.{action}: {flow.label(action)}")
    assert clashes == []


def test_money_is_formatted_on_every_page_that_shows_it(client, demo):
    client.force_login(demo.commander)
    amount = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d\d)? 元")
    for url in ("/orgs/purchases/", "/orgs/awards/", "/orgs/public/"):
        assert amount.search(client.get(url).content.decode()), url
    project = PurchaseProject.objects.first()
    assert amount.search(client.get(f"/orgs/purchases/{project.pk}/").content.decode())
    assert amount.search(client.get(f"/orgs/{project.provider_id}/").content.decode())


def test_the_section_menu_offers_only_what_the_role_may_open(client, cast):
    for role in ROLES_WITH_ORGS:
        client.force_login(getattr(cast, role))
        menu = SUBNAV.search(client.get("/orgs/").content.decode()).group(1)
        links = re.findall(r'href="([^"]+)"', menu)
        for url in links:
            assert client.get(url).status_code == 200, (role, url)
    client.force_login(cast.community_a)
    menu = SUBNAV.search(client.get("/orgs/").content.decode()).group(1)
    assert "/orgs/complaints/" in menu
    assert not {"/orgs/incubation/", "/orgs/purchases/", "/orgs/awards/"} & set(re.findall(r'href="([^"]+)"', menu))
