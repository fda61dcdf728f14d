"""Regression tests for what an attacker and a fuzzer found (issue 14): each walks the attack and checks the 4xx and
the data left as it was."""
import io
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from PIL import Image

from cases.models import Attachment, Case, CaseEvent
from core.clients import client_address
from core.tokens import token_issue, tokens_of
from tests.cases.conftest import STATION_A, act, new_case, requires_postgres

pytestmark = pytest.mark.django_db


def test_a_forged_forwarded_for_buys_no_extra_token_attempts(api):
    statuses = [api.post("/api/v1/auth/token/", {"username": "nobody", "password": "guess"}, format="json",
                         HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(12)]
    assert statuses[:10] == [400] * 10 and statuses[10:] == [429, 429]  # THROTTLE_AUTH 10/min per address


def test_the_client_address_believes_only_the_proxies_we_run(rf):
    request = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9")
    assert client_address(request) == "10.0.0.5"
    with override_settings(TRUSTED_PROXIES=1):
        assert client_address(request) == "203.0.113.9"  # what our one proxy saw; the rest is the client's word
    with override_settings(TRUSTED_PROXIES=3):
        assert client_address(request) == "10.0.0.5"  # fewer hops than proxies: the header is not ours


@pytest.mark.parametrize("proxies,meta", [
    (0, {"REMOTE_ADDR": ""}),  # a WSGI server need not say (the fuzz's in-process one does not)
    (1, {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "nonsense"}),  # a header that reached us unrelayed
])
def test_a_client_without_a_readable_address_is_limited_not_failed(client, rf, settings, proxies, meta):
    settings.TRUSTED_PROXIES = proxies
    assert client_address(rf.get("/", **meta)) == "0.0.0.0"
    assert client.get("/open311/v2/requests.json", **meta).status_code == 200  # django-ratelimit's key: was a 500


@pytest.mark.parametrize("url", [
    "/open311/v2/requests.json?service_code=E0101%00",
    "/public/track/?token=AB%00CD",
    "/api/v1/cases/?q=%00",
    "/orgs/public/?q=x%00",
    "/public/grids/?street=1%00",
])
def test_a_nul_character_anywhere_is_a_400_naming_it(client, cast, url):
    client.force_login(cast.commander)
    response = client.get(url)
    assert response.status_code == 400
    if url.startswith(("/api/", "/open311/")):
        assert list(response.json()) == [url.split("?")[1].split("=")[0]]


def test_a_nul_character_in_a_form_post_changes_nothing(client, cast):
    small_case = act(cast.dispatcher_a, new_case(cast.worker_a), "file")
    client.force_login(cast.dispatcher_a)
    response = client.post("/cases/bulk-dispatch/", {"to": f"d:{STATION_A}\x00", "case": small_case.number})
    assert response.status_code == 400
    assert Case.objects.get(pk=small_case.pk).status == "filed"


@pytest.mark.parametrize("query", [
    "start_date=2026-13-45T99:00:00", "end_date=2026-11-01T00:00:00%2B99:00", "start_date=nonsense"])
def test_open311_impossible_dates_are_the_clients_error(client, query):
    response = client.get(f"/open311/v2/requests.json?{query}")
    assert response.status_code == 400 and "w3 date-time" in response.json()[0]["description"]


def test_a_moment_with_an_offset_postgresql_refuses_is_read_in_utc(api_as, cast):
    response = api_as(cast.commander).get("/api/v1/cases/", {"created_before": "1033-08-14T06:47:31.4-16:43"})
    assert response.status_code == 200 and response.json()["results"] == []


def test_a_report_of_an_organisation_that_is_not_a_number_is_404(client):
    for value in ("abc", "²", "9" * 30):
        assert client.get("/orgs/public/report/", {"organisation": value}).status_code == 404


def test_a_step_that_takes_the_case_out_of_sight_answers_200_then_404(api_as, cast, client):
    small_case = act(cast.dispatcher_a, new_case(cast.worker_a), "file")
    act(cast.dispatcher_a, small_case, "dispatch", department=STATION_A)
    url = f"/api/v1/cases/{small_case.number}/actions/return/"
    response = api_as(cast.station_a).post(url, {"reason": "非本单位职责"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "filed"
    assert not {"accept", "feedback", "return"} & set(response.json()["actions"])
    assert api_as(cast.station_a).post(url, {"reason": "重试"}, format="json").status_code == 404
    assert Case.objects.get(pk=small_case.pk).return_count == 1
    act(cast.dispatcher_a, Case.objects.get(pk=small_case.pk), "dispatch", department=STATION_A)
    client.force_login(cast.station_a)
    page = client.post(f"/cases/{small_case.number}/act/return/", {"return-reason": "仍非本单位职责"})
    assert (page.status_code, page.url) == (302, "/cases/")


@pytest.mark.parametrize("dispatcher,category,assignee", [
    ("dispatcher_a", "E0101", "dispatcher_a"),  # a street dispatcher assigning the case to themselves
    ("dispatcher_a", "E0101", "worker_a"),  # a grid worker is not a small-cycle handler
    ("dispatcher_a", "E0101", "bureau"),  # the district bureau's people are the large cycle's
    ("commander", "E0401", "evaluator"),
    ("commander", "E0401", "auditor"),
    ("commander", "E0401", "station_a"),  # a street station's handler is not the district department
    ("community_a", "E0102", "community_a"),
])
def test_a_case_is_assigned_by_name_only_to_a_handler_of_its_tier(api_as, cast, dispatcher, category, assignee):
    case = act(getattr(cast, dispatcher), new_case(cast.worker_a, category), "file")
    response = api_as(getattr(cast, dispatcher)).post(f"/api/v1/cases/{case.number}/actions/dispatch/",
                                                      {"assignee": assignee}, format="json")
    assert response.status_code == 400 and "assignee" in response.json()
    assert (Case.objects.get(pk=case.pk).status, Case.objects.get(pk=case.pk).assignee) == ("filed", None)


def test_a_handler_of_the_street_may_be_named_and_takes_the_case(cast):
    case = act(cast.dispatcher_a, new_case(cast.worker_a, "C0401"), "file")
    case = act(cast.dispatcher_a, case, "dispatch", assignee="section_a")
    assert act(cast.section_a, case, "accept").status == "handling"


def test_whoever_handled_a_case_does_not_rate_it(api_as, cast):
    case = new_case(cast.worker_a, "E0102")  # the worker reports it, and handles it on the spot
    case = act(cast.worker_a, act(cast.community_a, case, "file"), "handle_on_spot", result="已清理")
    case = act(cast.community_a, case, "verify")
    response = api_as(cast.worker_a).post(f"/api/v1/cases/{case.number}/actions/evaluate/", {"satisfaction": 5},
                                          format="json")
    assert response.status_code == 403 and Case.objects.get(pk=case.pk).satisfaction is None
    assert "evaluate" not in api_as(cast.worker_a).get(f"/api/v1/cases/{case.number}/").json()["actions"]
    assert act(cast.community_a, case, "evaluate", satisfaction=4).satisfaction == 4  # the resident's word


def png(width, height) -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


@pytest.mark.parametrize("size", [(20_000, 20_000), (11_000, 11_000)])  # a decompression bomb; 121 megapixels
def test_a_photo_with_too_many_pixels_is_refused_and_nothing_is_stored(api_as, cast, client, size):
    content = png(*size)
    assert len(content) < 200_000  # small on the wire
    case = new_case(cast.worker_a)
    response = api_as(cast.worker_a).post(f"/api/v1/cases/{case.number}/attachments/",
                                          {"file": SimpleUploadedFile("bomb.png", content)}, format="multipart")
    assert response.status_code == 400 and "50" in response.json()["file"][0]
    public = client.post("/public/report/", {"category": "E0102", "description": "垃圾", "address": "学院路",
                                             "lat": "39.99234", "lng": "116.35187", "phone": "13800001111",
                                             "photo": SimpleUploadedFile("bomb.png", content)})
    assert public.status_code == 400
    assert not Attachment.objects.exists() and Case.objects.count() == 1


def test_a_body_larger_than_the_limit_is_refused_as_it_streams(api_as, cast, settings):
    settings.UPLOAD_MAX_BYTES = 100_000
    case = new_case(cast.worker_a)
    big = SimpleUploadedFile("big.jpg", b"\xff" * 200_000)
    response = api_as(cast.worker_a).post(f"/api/v1/cases/{case.number}/attachments/", {"file": big},
                                          format="multipart")
    assert response.status_code == 400 and not Attachment.objects.exists()


def test_idempotency_keys_are_whole_per_owner_and_bounded(api_as, cast):
    report = {"title": "暴露垃圾", "description": "东门垃圾", "category": "E0102", "lat": 39.9923, "lng": 116.3521,
              "address": "学院路", "source": "grid_patrol"}
    prefix = "k" * 60

    def post(user, key):
        return api_as(user).post("/api/v1/cases/", report, format="json", HTTP_IDEMPOTENCY_KEY=key)

    first, second = post(cast.worker_a, prefix + "-one"), post(cast.worker_a, prefix + "-two")
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["number"] != second.json()["number"]  # the same 48 first characters, two cases
    again = post(cast.worker_a, prefix + "-one")
    assert (again.status_code, again.json()["number"]) == (200, first.json()["number"])
    assert post(cast.worker_b, prefix + "-one").status_code == 201  # another person's key is another key
    too_long = post(cast.worker_a, "x" * 256)
    assert too_long.status_code == 400 and "idempotency_key" in too_long.json()
    assert Case.objects.count() == 3 and not Case.objects.filter(creation_key__contains="k" * 10).exists()


def test_every_page_carries_a_content_security_policy_with_no_inline_script(client):
    policy = client.get("/public/report/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "onchange=" not in client.get("/public/report/").content.decode()  # the language menu's handler


def test_reference_data_changes_are_recorded_with_who_and_when(admin_client, admin_user, cast):
    from cases.models import Category
    from core.models import CalendarDay
    from evaluation.models import Criterion
    from grids.models import GridUserObjectPermission

    category = Category.objects.get(code="E0101")
    form = {field: getattr(category, field) for field in (
        "code", "name", "kind", "default_tier", "file_hours", "dispatch_hours", "handle_hours", "verify_hours",
        "urgent_file_hours", "urgent_dispatch_hours", "urgent_handle_hours", "urgent_verify_hours")}
    form.update(parent=category.parent_id, department=category.department_id, active="on", handle_hours="24",
                **{f"routes-{k}": v for k, v in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0}.items()})
    assert admin_client.post(f"/admin/cases/category/{category.pk}/change/", form).status_code == 302
    changed = category.history.first()
    assert (changed.handle_hours, changed.history_user, changed.history_type) == (24, admin_user, "~")
    response = admin_client.post("/admin/core/calendarday/add/", {"day": "2026-12-07", "override": "False",
                                                                  "note": "全区停电检修"})
    assert response.status_code == 302
    assert CalendarDay.objects.get(day="2026-12-07").history.first().history_user == admin_user
    criterion = Criterion.objects.first()
    criterion.weight = 10
    criterion.save()
    assert criterion.history.first().weight == 10
    grant = GridUserObjectPermission.objects.filter(user=cast.worker_a).first()
    grant.delete()  # a scope withdrawn
    assert GridUserObjectPermission.history.filter(user_id=cast.worker_a.pk, history_type="-").count() == 1
    assert GridUserObjectPermission.history.filter(user_id=cast.worker_a.pk, history_type="+").exists()
    assert admin_client.get("/admin/grids/historicalgriduserobjectpermission/").status_code == 200


@requires_postgres
def test_the_case_trail_refuses_truncate_too(cast):
    case = new_case(cast.worker_a)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's own inserts leave deferred checks pending
        cursor.execute("SET LOCAL haidian.allow_truncate = 'off'")  # what a production connection has
        cursor.execute("TRUNCATE cases_caseevent")
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_one_account_takes_a_capped_number_of_attempts_from_any_number_of_addresses(api, cast):
    statuses = [api.post("/api/v1/auth/token/", {"username": "worker_a", "password": f"guess-{n}"}, format="json",
                         REMOTE_ADDR=f"198.51.100.{n}").status_code for n in range(21)]
    assert statuses[:20] == [400] * 20 and statuses[20] == 429  # THROTTLE_AUTH_ACCOUNT 20/hour
    other = api.post("/api/v1/auth/token/", {"username": "worker_b", "password": "guess"}, format="json",
                     REMOTE_ADDR="198.51.100.99")
    assert other.status_code == 400  # the cap is the account's, not everyone's


def test_the_schema_says_which_fields_may_be_null(api_as, cast):
    schema = api_as(cast.commander).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    properties = schema["components"]["schemas"]["CaseOut"]["properties"]
    assert all(properties[name].get("nullable") for name in ("department", "station", "assignee", "merged_into"))
    assert schema["components"]["schemas"]["GridOut"]["properties"]["community"].get("nullable")


def test_a_grid_named_beside_a_point_must_contain_it(api_as, cast):
    from grids.models import Grid

    elsewhere = Grid.objects.get(code="110108012001001")  # 青龙桥's first grid
    report = {"title": "暴露垃圾", "description": "东门垃圾", "category": "E0102", "lat": elsewhere.centroid_lat,
              "lng": elsewhere.centroid_lng, "address": "学院路", "source": "grid_patrol", "grid": "110108009001001"}
    response = api_as(cast.worker_a).post("/api/v1/cases/", report, format="json")
    assert response.status_code == 400 and elsewhere.name in response.json()["grid"][0]
    assert not Case.objects.exists()


def test_password_reset_mails_are_capped_per_address_and_per_account(client, cast, settings):
    settings.PASSWORD_RESET_RATE, settings.PASSWORD_RESET_ACCOUNT_RATE = "5/h", "3/h"
    cast.worker_a.email = "worker@example.org"
    cast.worker_a.save()
    from_elsewhere = [client.post("/accounts/password_reset/", {"email": "worker@example.org"},
                                  REMOTE_ADDR=f"203.0.113.{n}").status_code for n in range(5)]
    assert from_elsewhere == [302, 302, 302, 429, 429]  # one account, many addresses
    assert len(mail.outbox) == 3
    guesses = [client.post("/accounts/password_reset/", {"email": f"guess{n}@example.org"},
                           REMOTE_ADDR="198.51.100.7").status_code for n in range(7)]
    assert guesses == [302] * 5 + [429, 429]  # one address, many accounts
    assert "请稍后再试" in client.post("/accounts/password_reset/", {"email": "x@example.org"},
                                   REMOTE_ADDR="198.51.100.7").content.decode()


def test_a_reset_link_sets_a_new_password_and_revokes_the_api_tokens(client, cast):
    cast.worker_a.email = "worker@example.org"
    cast.worker_a.save()
    token_issue(cast.worker_a, name="巡查手机")
    client.post("/accounts/password_reset/", {"email": "worker@example.org"})
    assert "重置网格化平台密码" in mail.outbox[0].subject
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    form = client.get(urlsplit(link.strip()).path, follow=True)
    assert "设置新密码" in form.content.decode()
    new = {"new_password1": "Brand-new-2026", "new_password2": "Brand-new-2026"}
    done = client.post(form.redirect_chain[-1][0], new, follow=True)
    assert "密码已设置" in done.content.decode()
    cast.worker_a.refresh_from_db()
    assert cast.worker_a.check_password("Brand-new-2026") and not tokens_of(cast.worker_a).exists()
