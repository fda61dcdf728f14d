"""A handler on a phone picks a reply template (常用语) in the feedback form, edits it and sends it."""
import pytest
from django.contrib.auth import get_user_model

from cases.models import Case, ReplyTemplate
from cases.replies import chinese_moment
from grids.demo import seed_demo_users
from grids.models import Department
from tests.cases.conftest import act, new_case

from .conftest import PHONE

pytestmark = [pytest.mark.browser]
PASSWORD = "Haidian@2026"
STATION = "urban_enforcement-110108009"


@pytest.fixture
def handling_case(seeded):
    """Reported by the demo's grid worker, dispatched to 学院路城管分队 and accepted there (the ``station`` login)."""
    seed_demo_users()
    people = {u.username: u for u in get_user_model().objects.filter(username__in=["worker", "dispatcher", "station"])}
    case = new_case(people["worker"])
    act(people["dispatcher"], case, "file")
    act(people["dispatcher"], case, "dispatch", department=STATION)
    act(people["station"], case, "accept")
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def templates(seeded):
    enforcement = Department.objects.get(code="urban_enforcement")
    ReplyTemplate.objects.create(department=enforcement, action="feedback", title="已立案查处", rank=1,
                                 text="已对当事人立案查处，责令其于{deadline}前改正（{case_number}）。")
    ReplyTemplate.objects.create(action="feedback", title="已处置完毕", rank=2, text="现场已恢复，{grid}的网格员复查。")
    ReplyTemplate.objects.create(department=Department.objects.get(code="police"), action="feedback",
                                 title="已出警", text="民警已到场。")


def test_a_phone_user_fills_the_feedback_from_a_template_and_edits_it(open_as, live_server, handling_case,
                                                                      templates, screenshot):
    phone = open_as("station", PASSWORD, device=PHONE)
    phone.goto(f"{live_server.url}/cases/{handling_case.number}/?action=feedback")
    picker = phone.locator("#replies-feedback")
    assert picker.is_visible()
    assert picker.locator("option").all_inner_texts()[1:] == ["已立案查处", "已处置完毕"]  # not the police's
    picker.select_option(label="已立案查处")
    filled = f"已对当事人立案查处，责令其于{chinese_moment(handling_case.due_at)}前改正（{handling_case.number}）。"
    assert phone.input_value("#id_feedback-result") == filled
    phone.locator("#id_feedback-result").press("End")
    phone.locator("#id_feedback-result").type("当事人已签收整改通知书。")
    # A second pick keeps what the handler wrote and adds the wording on a new line.
    picker.select_option(label="已处置完毕")
    sent = f"{filled}当事人已签收整改通知书。\n现场已恢复，{handling_case.grid.name}的网格员复查。"
    assert phone.input_value("#id_feedback-result") == sent
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "13-phone-reply-template")
    phone.click("#action-feedback button[type=submit]")
    phone.wait_for_load_state()
    case = Case.objects.get(pk=handling_case.pk)
    assert (case.status, case.result.replace("\r\n", "\n")) == ("fed_back", sent)  # (a form sends CRLF)
    assert "当事人已签收整改通知书。" in phone.locator("#trail").inner_text()


def test_without_scripts_there_is_no_picker_and_the_form_still_works(open_as, live_server, handling_case, templates):
    phone = open_as("station", PASSWORD, device=PHONE, java_script_enabled=False)
    phone.goto(f"{live_server.url}/cases/{handling_case.number}/?action=feedback")
    assert phone.locator("#replies-feedback").is_hidden()
    phone.fill("#id_feedback-result", "手写的结果")
    phone.click("#action-feedback button[type=submit]")
    assert Case.objects.get(pk=handling_case.pk).result == "手写的结果"
