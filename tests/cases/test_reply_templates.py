"""Reply templates (常用语): a department keeps its own wording in the admin, the district keeps the wording for
everyone; an action form offers the acting person's templates filled in for the case, and what is sent (edited or
not) is what the trail shows."""
import datetime as dt
import html
import re

import pytest
from django.urls import reverse

from cases.models import Case, ReplyTemplate
from cases.replies import case_values, chinese_moment, render_reply, unknown_placeholders
from cases.selectors import reply_templates_offered
from grids.models import Department

from .conftest import STATION_A, act, new_case

pytestmark = pytest.mark.django_db
CASES = "/api/v1/cases/"
VALUES = {"case_number": "HD20261125000001", "deadline": "2026年11月25日 18:00", "grid": "学院路第01社区网格"}


# ------------------------------------------------------------------------------------------------ rendering


@pytest.mark.parametrize("text, expected", [
    ("案件{case_number}已于{deadline}前办结（{grid}）",
     "案件HD20261125000001已于2026年11月25日 18:00前办结（学院路第01社区网格）"),
    ("{unknown} 与 {case_no} 照原样保留", "{unknown} 与 {case_no} 照原样保留"),
    ("stray { and } and {", "stray { and } and {"),
    ("{}{0}{ case_number }{case_number", "{}{0}{ case_number }{case_number"),
    ("{{case_number}}", "{HD20261125000001}"),
    ("{case_number.__class__} {deadline[0]} {grid!r}", "{case_number.__class__} {deadline[0]} {grid!r}"),
    ("100% %s %(grid)s %%", "100% %s %(grid)s %%"),
    ("", ""),
])
def test_only_the_known_placeholders_are_filled_and_any_other_text_stays_as_typed(text, expected):
    assert render_reply(text, VALUES) == expected


def test_a_value_that_looks_like_a_placeholder_is_not_filled_again():
    assert render_reply("{grid}", {"grid": "{case_number}", "case_number": "X"}) == "{case_number}"


def test_the_admin_is_told_of_placeholders_it_does_not_know():
    assert unknown_placeholders("{case_number}{casenumber} {deadline}{due}") == ["{casenumber}", "{due}"]
    assert unknown_placeholders("no braces, {or a stray one") == []


def test_the_due_time_reads_in_beijing_time_for_chinese_readers(cast):
    assert chinese_moment(dt.datetime(2026, 11, 25, 10, 5, tzinfo=dt.UTC)) == "2026年11月25日 18:05"
    case = new_case(cast.worker_a)
    values = case_values(case)
    assert values["case_number"] == case.number and values["grid"] == case.grid.name
    assert values["deadline"] == chinese_moment(case.due_at)
    case.due_at = None
    assert case_values(case)["deadline"] == "—"


# ------------------------------------------------------------------------------------------------ offering


@pytest.fixture
def templates():
    """The district's wording, 城管大队's own (station_a's and bureau's department), another department's, and a
    retired one."""
    police = Department.objects.get(code="police")
    enforcement = Department.objects.get(code="urban_enforcement")
    return {
        "district": ReplyTemplate.objects.create(action="feedback", title="已处置完毕", rank=2,
                                                 text="案件{case_number}已处置完毕，{grid}现场已恢复。"),
        "own": ReplyTemplate.objects.create(department=enforcement, action="feedback", title="违建已拆除", rank=1,
                                            text="违建已拆除，期限{deadline}内办结。{备注}"),
        "other": ReplyTemplate.objects.create(department=police, action="feedback", title="已出警",
                                              text="民警已到场处置。"),
        "retired": ReplyTemplate.objects.create(action="feedback", title="旧说法", text="旧", active=False),
        "return": ReplyTemplate.objects.create(department=enforcement, action="return", title="属产权单位",
                                               text="属产权单位管理（{case_number}）"),
        "rework": ReplyTemplate.objects.create(action="rework", title="处置不到位", text="{grid}现场仍有问题"),
    }


@pytest.fixture
def handling_case(cast):
    """A small-cycle case dispatched to 学院路城管分队 and accepted there: station_a is to feed back."""
    case = new_case(cast.worker_a)
    act(cast.dispatcher_a, case, "file")
    act(cast.dispatcher_a, case, "dispatch", department=STATION_A)
    act(cast.station_a, case, "accept")
    return Case.objects.get(pk=case.pk)


def options(page: str, action: str) -> dict[str, str]:
    """The reply-template picker of an action form: title → the text it fills in."""
    picker = re.search(rf'<select id="replies-{action}">(.*?)</select>', page, re.S)
    if picker is None:
        return {}
    return {html.unescape(title): html.unescape(text)
            for text, title in re.findall(r'data-text="([^"]*)">([^<]*)</option>', picker.group(1))}


def test_a_handler_feeds_back_with_a_template_on_the_page_and_the_trail_shows_the_filled_text(
        client, cast, templates, handling_case):
    client.force_login(cast.station_a)
    page = client.get(reverse("cases:detail", args=[handling_case.number])).content.decode()
    offered = options(page, "feedback")
    # The department's own first (its rank), then the district's; never another department's or a retired one.
    assert list(offered) == ["违建已拆除", "已处置完毕"]
    due = chinese_moment(handling_case.due_at)
    assert offered["违建已拆除"] == f"违建已拆除，期限{due}内办结。{{备注}}"
    assert offered["已处置完毕"] == f"案件{handling_case.number}已处置完毕，{handling_case.grid.name}现场已恢复。"
    assert 'data-fills="id_feedback-result"' in page and "常用语" in page
    assert options(page, "return") == {"属产权单位": f"属产权单位管理（{handling_case.number}）"}

    # The picker fills the textarea; the handler adds a line and sends it.
    sent = offered["已处置完毕"] + "\n另已告知物业加强巡查。"
    response = client.post(reverse("cases:act", args=[handling_case.number, "feedback"]),
                           {"feedback-version": handling_case.version, "feedback-result": sent})
    assert response.status_code == 302
    case = Case.objects.get(pk=handling_case.pk)
    assert (case.status, case.result) == ("fed_back", sent)
    assert case.events.order_by("-seq").first().payload["result"] == sent
    trail = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert f"案件{case.number}已处置完毕" in trail and "另已告知物业加强巡查。" in trail
    assert "{case_number}" not in trail


def test_the_api_offers_the_same_templates_filled_in_and_a_feedback_sent_with_one(api_as, cast, templates,
                                                                                   handling_case):
    api = api_as(cast.station_a)
    url = f"{CASES}{handling_case.number}/reply-templates/"
    response = api.get(url, {"action": "feedback"})
    assert response.status_code == 200, response.content
    offered = response.json()
    assert [(r["title"], r["district_wide"]) for r in offered] == [("违建已拆除", False), ("已处置完毕", True)]
    text = offered[1]["text"]
    assert text == f"案件{handling_case.number}已处置完毕，{handling_case.grid.name}现场已恢复。"
    done = api.post(f"{CASES}{handling_case.number}/actions/feedback/", {"result": text}, format="json")
    assert done.status_code == 200, done.content
    events = api.get(f"{CASES}{handling_case.number}/events/").json()
    assert events[-1]["action"] == "feedback" and events[-1]["payload"]["result"] == text
    # The dispatcher reviewing the result gets the rework wording, filled in for the case.
    rework = api_as(cast.dispatcher_a).get(url, {"action": "rework"}).json()
    assert [r["text"] for r in rework] == [f"{handling_case.grid.name}现场仍有问题"]


def test_a_case_out_of_sight_is_404_and_a_bad_action_400(api_as, cast, templates, handling_case):
    url = f"{CASES}{handling_case.number}/reply-templates/"
    assert api_as(cast.dispatcher_b).get(url, {"action": "feedback"}).status_code == 404
    assert api_as(cast.dispatcher_b).get(f"{CASES}HD00000000000000/reply-templates/",
                                         {"action": "feedback"}).status_code == 404
    for query in ({}, {"action": "dispatch"}, {"action": "{case_number}"}):
        response = api_as(cast.station_a).get(url, query)
        assert response.status_code == 400 and "action" in response.json()


def test_another_departments_templates_are_never_offered_whoever_asks(api_as, client, cast, templates,
                                                                     handling_case):
    url = f"{CASES}{handling_case.number}/reply-templates/"
    # The district sees every template in the admin, but offers only the district-wide wording in the forms.
    assert [r["title"] for r in api_as(cast.commander).get(url, {"action": "feedback"}).json()] == ["已处置完毕"]
    # A street section belongs to no department: the district's wording only.
    offered = reply_templates_offered(cast.section_a, handling_case, ["feedback", "return"])
    assert {use: [r.title for r in replies] for use, replies in offered.items()} == {"feedback": ["已处置完毕"]}
    assert [r["title"] for r in api_as(cast.bureau).get(url, {"action": "feedback"}).json()] == [
        "违建已拆除", "已处置完毕"]
    # The dispatcher's rework form: the district's wording, not 城管大队's.
    fed_back = act(cast.station_a, handling_case, "feedback", result="已处置")
    client.force_login(cast.dispatcher_a)
    page = client.get(reverse("cases:detail", args=[fed_back.number])).content.decode()
    assert list(options(page, "rework")) == ["处置不到位"]
    assert "违建已拆除" not in page and "已出警" not in page


def test_a_form_without_templates_shows_no_picker(client, cast, handling_case):
    client.force_login(cast.station_a)
    page = client.get(reverse("cases:detail", args=[handling_case.number])).content.decode()
    assert "reply-templates" not in page


# ------------------------------------------------------------------------------------------------ the admin


@pytest.fixture
def bureau_admin(client, cast):
    """城管大队's handler, let into the admin to keep the department's wording."""
    cast.bureau.is_staff = True
    cast.bureau.save(update_fields=["is_staff"])
    client.force_login(cast.bureau)
    return client


def admin_url(name, *args):
    return reverse(f"admin:cases_replytemplate_{name}", args=args)


def test_a_department_sees_and_changes_only_its_own_templates_in_the_admin(bureau_admin, templates):
    listing = bureau_admin.get(admin_url("changelist"))
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "违建已拆除" in page and "属产权单位" in page
    assert "已出警" not in page and "已处置完毕" not in page  # another department's, the district's

    own = templates["own"]
    assert bureau_admin.get(admin_url("change", own.pk)).status_code == 200
    for other in (templates["other"], templates["district"]):
        opened = bureau_admin.get(admin_url("change", other.pk), follow=True)
        assert opened.redirect_chain and opened.redirect_chain[-1][0] == reverse("admin:index")
        assert other.text not in opened.content.decode()
        bureau_admin.post(admin_url("change", other.pk), {"action": "feedback", "title": "改掉", "text": "改掉",
                                                          "rank": 1, "active": "on"})
        assert bureau_admin.get(admin_url("delete", other.pk)).status_code == 302
        bureau_admin.post(admin_url("delete", other.pk), {"post": "yes"})
        other.refresh_from_db()
        assert other.title != "改掉"


def test_what_a_department_adds_is_its_own_whatever_the_form_says(bureau_admin, templates):
    police = Department.objects.get(code="police")
    response = bureau_admin.post(admin_url("add"), {"action": "return", "title": "需街道协调",
                                                    "text": "请街道协调{grid}相关单位。", "rank": 3, "active": "on",
                                                    "department": police.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    added = ReplyTemplate.objects.get(title="需街道协调")
    assert added.department.code == "urban_enforcement"


def test_the_admin_points_out_an_unknown_placeholder(bureau_admin):
    response = bureau_admin.post(admin_url("add"), {"action": "feedback", "title": "有笔误",
                                                    "text": "案件{case_no}已办结", "rank": 1, "active": "on"})
    assert response.status_code == 200 and "{case_no}" in response.content.decode()
    assert not ReplyTemplate.objects.filter(title="有笔误").exists()


def test_someone_without_a_department_cannot_add_district_wide_wording(client, cast):
    cast.section_a.is_staff = True
    cast.section_a.save(update_fields=["is_staff"])
    client.force_login(cast.section_a)
    assert client.get(admin_url("add")).status_code == 403


def test_the_district_keeps_the_district_wide_wording(client, cast, templates):
    cast.commander.is_staff = True
    cast.commander.save(update_fields=["is_staff"])
    client.force_login(cast.commander)
    page = client.get(admin_url("changelist")).content.decode()
    assert all(t.title in page for t in templates.values())
    response = client.post(admin_url("add"), {"action": "reject", "title": "不属于受理范围", "text": "不属于受理范围。",
                                              "rank": 1, "active": "on", "department": ""})
    assert response.status_code == 302
    assert ReplyTemplate.objects.get(title="不属于受理范围").department is None


def test_the_demo_seeds_templates_once(cast):
    from cases.demo import DEMO_REPLY_TEMPLATES, seed_demo_reply_templates

    assert seed_demo_reply_templates() == (len(DEMO_REPLY_TEMPLATES), 0)
    ReplyTemplate.objects.filter(title="重复上报").update(text="本单位改过的说法")
    assert seed_demo_reply_templates() == (0, 0)
    assert ReplyTemplate.objects.get(title="重复上报").text == "本单位改过的说法"
    assert all(not unknown_placeholders(t.text) for t in ReplyTemplate.objects.all())


def test_a_callback_and_a_summoned_units_feedback_offer_their_templates(client, cast, templates):
    """The callback form (回访) offers the callback wording; a unit summoned to a joint case feeds back its part with
    the feedback wording its department keeps."""
    from tests.cases.test_joint_handling import MORNING, summon
    from tests.conftest import SECTION_A

    ReplyTemplate.objects.create(action="callback", title="回访已解决", text="{case_number}：居民确认已解决。")
    joint = new_case(cast.worker_a, now=MORNING)
    act(cast.dispatcher_a, joint, "file", now=MORNING)
    summon(cast, joint, co=(SECTION_A,))
    act(cast.station_a, joint, "report_in")
    client.force_login(cast.station_a)
    page = client.get(reverse("cases:detail", args=[joint.number])).content.decode()
    assert list(options(page, "party_feedback")) == ["违建已拆除", "已处置完毕"]
    assert 'data-fills="id_party_feedback-result"' in page

    closed = new_case(cast.worker_a)
    act(cast.dispatcher_a, closed, "file")
    act(cast.dispatcher_a, closed, "dispatch", department=STATION_A)
    act(cast.station_a, closed, "accept")
    act(cast.station_a, closed, "feedback", result="已处理")
    act(cast.dispatcher_a, closed, "verify")
    client.force_login(cast.dispatcher_a)
    page = client.get(reverse("cases:detail", args=[closed.number])).content.decode()
    assert options(page, "callback") == {"回访已解决": f"{closed.number}：居民确认已解决。"}
