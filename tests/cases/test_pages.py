"""The staff and public pages, through Django's test client (no JavaScript)."""
import re

import pytest
from django.urls import reverse

from cases.models import Case
from tests.conftest import GRID_A

from .conftest import MICRO_CATEGORY, STATION_A, act, new_case

pytestmark = pytest.mark.django_db


def test_anonymous_staff_pages_redirect_to_login(client, small_case):
    for url in (reverse("cases:inbox"), reverse("cases:detail", args=[small_case.number]), reverse("cases:dashboard"),
                reverse("cases:new"), reverse("cases:grid", args=[GRID_A])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_home_sends_each_role_where_their_day_starts(as_user, cast):
    assert as_user(cast.worker_a).get("/")["Location"] == reverse("cases:new")
    assert as_user(cast.dispatcher_a).get("/")["Location"] == reverse("cases:inbox")
    assert as_user(cast.commander).get("/")["Location"] == reverse("cases:dashboard")


def test_inbox_lists_what_waits_on_the_dispatcher(as_user, cast, small_case):
    other = new_case(cast.worker_b, grid_code="110108012001001")
    page = as_user(cast.dispatcher_a).get(reverse("cases:inbox")).content.decode()
    assert small_case.number in page and other.number not in page
    assert 'data-due="' in page


def test_inbox_filters_and_htmx_partial(as_user, cast, small_case):
    client = as_user(cast.dispatcher_a)
    assert small_case.number not in client.get(
        reverse("cases:inbox"), {"status": "closed", "view": "all"}).content.decode()
    partial = client.get(reverse("cases:inbox"), {"view": "all"}, HTTP_HX_REQUEST="true")
    assert (partial.status_code == 200 and b"<html" not in partial.content
            and small_case.number.encode() in partial.content)
    assert client.get(reverse("cases:inbox"), {"grid": "nope"}).status_code == 200  # bad filter: shown, not a 500


def test_detail_of_another_street_is_404(as_user, cast, small_case):
    assert as_user(cast.dispatcher_b).get(reverse("cases:detail", args=[small_case.number])).status_code == 404


def test_actions_through_forms_walk_the_case(as_user, cast, small_case):
    client = as_user(cast.dispatcher_a)
    detail = client.get(reverse("cases:detail", args=[small_case.number])).content.decode()
    assert 'action="/cases/%s/act/file/"' % small_case.number in detail
    assert "/act/verify/" not in detail  # only what the user may do now
    response = client.post(reverse("cases:act", args=[small_case.number, "file"]), {"file-version": 1})
    assert response.status_code == 302
    response = client.post(reverse("cases:act", args=[small_case.number, "dispatch"]),
                           {"dispatch-version": 2, "dispatch-to": f"d:{STATION_A}"})
    assert response.status_code == 302
    assert Case.objects.get(pk=small_case.pk).status == "dispatched"


def test_a_bad_action_form_shows_errors_in_place_and_keeps_input(as_user, cast, small_case):
    client = as_user(cast.dispatcher_a)
    response = client.post(reverse("cases:act", args=[small_case.number, "reject"]),
                           {"reject-version": 1, "reject-reason": "", "reject-comment": "我写的备注"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "errorlist" in page and "我写的备注" in page
    assert Case.objects.get(pk=small_case.pk).status == "collected"


def test_a_stale_form_is_a_conflict_not_a_500(as_user, cast, small_case):
    client = as_user(cast.dispatcher_a)
    act(cast.dispatcher_a, small_case, "file")
    response = client.post(reverse("cases:act", args=[small_case.number, "dispatch"]),
                           {"dispatch-version": 1, "dispatch-to": f"d:{STATION_A}"})
    assert response.status_code == 409 and Case.objects.get(pk=small_case.pk).status == "filed"


def test_filing_on_the_phone_page(as_user, cast):
    client = as_user(cast.worker_a)
    response = client.post(reverse("cases:new"), {"category": MICRO_CATEGORY, "title": "垃圾", "description": "很多",
                                                  "urgency": "normal", "address": "楼下", "key": "k1"})
    assert response.status_code == 302
    case = Case.objects.get(title="垃圾")
    assert case.grid.code == GRID_A and response["Location"] == reverse("cases:created", args=[case.number])
    again = client.post(reverse("cases:new"), {"category": MICRO_CATEGORY, "title": "垃圾", "description": "很多",
                                               "urgency": "normal", "address": "楼下", "key": "k1"})
    assert again["Location"] == response["Location"]  # a double tap files one case


def test_bad_filing_keeps_what_was_typed(as_user, cast):
    response = as_user(cast.worker_a).post(reverse("cases:new"), {
        "category": "", "title": "我的标题", "description": "我的描述", "urgency": "normal", "address": "",
        "lat": "31.2", "lng": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "我的标题" in page and "我的描述" in page and page.count("errorlist") >= 2
    assert not Case.objects.filter(title="我的标题").exists()


def test_a_location_outside_the_district_is_a_field_error(as_user, cast):
    response = as_user(cast.worker_a).post(reverse("cases:new"), {
        "category": MICRO_CATEGORY, "title": "远方", "description": "x", "urgency": "normal", "address": "上海",
        "lat": "31.23", "lng": "121.47"})
    assert response.status_code == 400 and "海淀" in response.content.decode()


def test_must_report_asks_to_confirm_then_files_one_case(as_user, cast):
    client = as_user(cast.worker_a)
    asked = client.post(reverse("cases:must-report"), {"item": 7})
    page = asked.content.decode()
    assert asked.status_code == 200 and 'id="confirm-report"' in page and 'name="confirm"' in page
    assert not Case.objects.filter(source="must_report").exists()  # the tap alone files nothing
    key = re.search(r'name="key" value="([0-9a-f]+)"', page).group(1)
    confirmed = {"item": 7, "confirm": "True", "key": key, "note": "楼道堆物"}
    response = client.post(reverse("cases:must-report"), confirmed)
    case = Case.objects.get(source="must_report")
    assert response["Location"] == reverse("cases:created", args=[case.number])
    assert case.category.must_report_item == 7 and case.grid.code == GRID_A and case.description == "楼道堆物"
    assert client.post(reverse("cases:must-report"), confirmed)["Location"] == response["Location"]  # double tap
    assert Case.objects.filter(source="must_report").count() == 1


def test_bulk_dispatch(as_user, cast):
    cases = [new_case(cast.dispatcher_a) for _ in range(3)]
    response = as_user(cast.dispatcher_a).post(reverse("cases:bulk-dispatch"), {
        "to": f"d:{STATION_A}", "case": [c.number for c in cases]})
    assert response.status_code == 302
    assert set(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("status", flat=True)) == {"dispatched"}


def test_dashboard_counts_and_street_scope(as_user, cast, small_case):
    new_case(cast.worker_b, grid_code="110108012001001")
    district = as_user(cast.commander).get(reverse("cases:dashboard-data")).json()
    assert district["open"] == 2 and district["opened_today"] == 2
    street = as_user(cast.dispatcher_a).get(reverse("cases:dashboard-data")).json()
    assert street["open"] == 1 and street["scope"] == "学院路街道"
    # A street dispatcher cannot look at another street through the parameter.
    assert as_user(cast.dispatcher_a).get(reverse("cases:dashboard-data"), {"street": "110108012"}).json()["open"] == 1
    page = as_user(cast.commander).get(reverse("cases:dashboard"), {"street": "110108009"})
    assert page.status_code == 200 and "学院路街道" in page.content.decode()


def test_grid_page_and_public_listing(as_user, client, cast):
    page = as_user(cast.dispatcher_a).get(reverse("cases:grid", args=[GRID_A]))
    assert page.status_code == 200
    assert as_user(cast.dispatcher_a).get(reverse("cases:grid", args=["110108012001001"])).status_code == 404
    client.logout()
    listing = client.get(reverse("public-grids:staff", args=[GRID_A]))
    assert listing.status_code == 200 and "worker_a" in listing.content.decode()


def test_public_report_follow_and_rate(client, cast):
    grid = cast.worker_a.staff_profile.home_grid
    response = client.post(reverse("public:report"), {
        "category": "E0102", "description": "小区门口垃圾没人清", "address": "学院路", "lat": grid.centroid_lat,
        "lng": grid.centroid_lng, "name": "王先生"})
    case = Case.objects.get(description="小区门口垃圾没人清")
    assert response["Location"] == reverse("public:case", args=[case.public_token])
    assert case.status == "collected" and case.source == "web" and case.reporter is None
    page = client.get(response["Location"]).content.decode()
    assert case.number in page and 'id="rating"' not in page
    act(cast.community_a, case, "file")
    act(cast.community_a, case, "dispatch", assignee="worker_a")
    act(cast.worker_a, case, "accept")
    act(cast.worker_a, case, "feedback", result="已清运")
    act(cast.community_a, case, "verify")
    assert client.post(response["Location"], {"satisfaction": "9"}).status_code == 400
    client.post(response["Location"], {"satisfaction": "4", "comment": "还行"})
    case.refresh_from_db()
    assert (case.status, case.satisfaction) == ("evaluated", 4)
    assert client.post(response["Location"], {"satisfaction": "5"}).status_code == 409  # rated once only
    assert Case.objects.get(pk=case.pk).satisfaction == 4


def test_public_report_errors_keep_input_and_are_throttled(client, settings):
    settings.PUBLIC_REPORT_RATE = "3/h"
    body = {"category": "E0102", "description": "描述保留", "address": "", "lat": "north", "lng": "116.3"}
    response = client.post(reverse("public:report"), body)
    assert response.status_code == 400 and "描述保留" in response.content.decode()
    for _ in range(3):
        client.post(reverse("public:report"), body)
    assert client.post(reverse("public:report"), body).status_code == 429


def test_tracking_an_unknown_code_is_404(client):
    assert client.get(reverse("public:track"), {"token": "nope"}).status_code == 404
    assert client.get(reverse("public:case", args=["nope"])).status_code == 404


def test_photos_are_served_only_to_those_who_may_see_the_case(as_user, cast, small_case, settings, tmp_path):
    from cases.attachments import case_attach

    from .test_attachments import png_bytes

    settings.MEDIA_ROOT = tmp_path
    photo = case_attach(actor=cast.worker_a, number=small_case.number, content=png_bytes())
    url = reverse("cases:photo", args=[small_case.number, photo.pk])
    assert as_user(cast.dispatcher_a).get(url)["Content-Type"] == "image/png"
    assert as_user(cast.dispatcher_b).get(url).status_code == 404


def test_notifications_page_marks_read(as_user, cast, small_case):
    client = as_user(cast.dispatcher_a)
    assert small_case.number in client.get(reverse("notifications")).content.decode()
    client.post(reverse("notifications"))
    assert not cast.dispatcher_a.notifications.filter(read_at__isnull=True).exists()


def test_dashboard_shares_district_aggregates_refreshed_by_the_beat_task(as_user, cast, small_case):
    from cases.tasks import refresh_dashboard

    client = as_user(cast.commander)
    assert client.get(reverse("cases:dashboard-data")).json()["open"] == 1
    new_case(cast.worker_a)
    data = client.get(reverse("cases:dashboard-data")).json()
    assert (data["open"], data["opened_today"]) == (1, 2)  # the shared table is kept; today's count is live
    refresh_dashboard.apply()
    assert client.get(reverse("cases:dashboard-data")).json()["open"] == 2
    assert as_user(cast.dispatcher_a).get(reverse("cases:dashboard-data")).json()["open"] == 2


def test_the_category_pickers_follow_the_catalogue_as_it_is_edited(as_user, cast):
    """A subclass taken out of use leaves the report forms at once (no new case of it) and stays in the inbox's
    filter (its past cases are still found); the pickers read the process's copy of the catalogue."""
    from cases.models import Category

    def offered(url):
        return set(re.findall(r'<option value="([A-Z]\d+)"', as_user(cast.dispatcher_a).get(url).content.decode()))

    assert "E0101" in offered(reverse("cases:new")) and "E0101" in offered(reverse("cases:inbox"))
    retired = Category.objects.get(code="E0101")
    retired.active = False
    retired.save()
    assert "E0101" not in offered(reverse("cases:new"))
    assert "E0101" in offered(reverse("cases:inbox"))


def test_the_inbox_opens_on_what_waits_on_the_person_and_on_everything_when_nothing_does(as_user, cast):
    dispatcher = as_user(cast.dispatcher_a)
    page = dispatcher.get(reverse("cases:inbox"))
    assert (page.context["view"], page.context["waiting"]) == ("all", 0)
    new_case(cast.worker_a)  # to be filed by 学院路's dispatcher
    page = dispatcher.get(reverse("cases:inbox"))
    assert (page.context["view"], page.context["waiting"]) == ("mine", 1)
    assert dispatcher.get(reverse("cases:inbox"), {"view": "all"}).context["view"] == "all"  # as asked
