"""Two-step sign-in: the district-wide roles and admin must show a code from an authenticator app (or a recovery
code) after their password when OTP_REQUIRED is on; anyone who has set it up is asked either way. Until then a
session opens nothing but the second step and logging out."""
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import two_factor
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

DASHBOARD = "/cases/dashboard/"
ENROL = "/accounts/two-factor/enrol/"
VERIFY = "/accounts/two-factor/verify/"
ACCOUNT = "/accounts/two-factor/"
WRONG_CODE = "验证码错误或已被使用。"


@pytest.fixture
def required(settings):
    settings.OTP_REQUIRED = True


def signed_in(user, password: str = PASSWORD) -> Client:
    """A browser that has given the user's password on the login page (and nothing more)."""
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": password})
    assert response.status_code == 302, "the password was refused"
    return client


def code_of(device: TOTPDevice, steps_on: int = 0) -> str:
    """What the authenticator app shows now (or that many 30-second steps on), computed as django-otp's tests do."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_on):06d}"


def wrong_code(device: TOTPDevice) -> str:
    return f"{(int(code_of(device)) + 500_000) % 1_000_000:06d}"


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return device, two_factor.recovery_codes_issue(user)


def test_a_commander_must_set_it_up_before_the_dashboard_or_the_admin_opens(cast, required):
    client = signed_in(cast.commander)
    for path in (DASHBOARD, "/admin/", "/notifications/", ACCOUNT):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(f"{ENROL}?next="), path
    assert client.get("/api/v1/me/").status_code == 403, "the API must not ride on the half-signed-in session"
    assert client.get("/en/cases/dashboard/")["Location"].startswith("/en/accounts/two-factor/enrol/")
    assert client.post("/accounts/logout/")["Location"] == "/accounts/login/"
    assert client.get(DASHBOARD)["Location"].startswith("/accounts/login/")


def test_enrolling_with_a_code_from_the_app_gives_ten_recovery_codes_shown_once(cast, required):
    client = signed_in(cast.commander)
    page = client.get(f"{ENROL}?next={DASHBOARD}")
    html = page.content.decode()
    assert page.status_code == 200
    assert "设置两步验证" in html and "验证码" in html
    assert 'src="data:image/svg+xml;base64,' in html and "otpauth://totp/" in html
    device = TOTPDevice.objects.get(user=cast.commander, confirmed=False)
    assert two_factor.base32_secret(device) in html

    done = client.post(ENROL, {"code": code_of(device), "next": DASHBOARD})

    assert done.status_code == 200 and done["Cache-Control"] == "no-store"
    codes = list(StaticToken.objects.filter(device__user=cast.commander).values_list("token", flat=True))
    assert len(codes) == 10 and all(code in done.content.decode() for code in codes)
    assert "您的恢复码" in done.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(DASHBOARD).status_code == 200
    assert "剩余恢复码：10" in client.get(ACCOUNT).content.decode()
    assert client.get(ENROL)["Location"] == ACCOUNT, "one authenticator is enough"


def test_a_wrong_code_is_a_form_error_in_chinese_and_opens_nothing(cast, required):
    device, _codes = enrolled(cast.commander)
    client = signed_in(cast.commander)
    assert client.get(DASHBOARD)["Location"] == f"{VERIFY}?next={DASHBOARD}"

    refused = client.post(VERIFY, {"code": wrong_code(device), "next": DASHBOARD})

    assert refused.status_code == 200 and WRONG_CODE in refused.content.decode()
    assert client.get(DASHBOARD).status_code == 302
    # Straight away again, even the right code: the device rests after a wrong one, and says until when.
    resting = client.post(VERIFY, {"code": code_of(device), "next": DASHBOARD})
    assert resting.status_code == 200 and "错误次数过多" in resting.content.decode()
    assert client.get(DASHBOARD).status_code == 302


def test_the_right_code_opens_the_page_asked_for_and_a_new_session_key(cast, required):
    device, _codes = enrolled(cast.commander)
    client = signed_in(cast.commander)
    before = client.session.session_key

    response = client.post(VERIFY, {"code": code_of(device), "next": DASHBOARD})

    assert response["Location"] == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200
    assert client.session.session_key != before


def test_a_recovery_code_works_once_and_only_once(cast, required):
    _device, codes = enrolled(cast.auditor)
    first = signed_in(cast.auditor)
    assert first.post(VERIFY, {"code": codes[0].upper(), "next": DASHBOARD})["Location"] == DASHBOARD
    assert first.get(DASHBOARD).status_code == 200
    assert "剩余恢复码：9" in first.get(ACCOUNT).content.decode()

    again = signed_in(cast.auditor)
    refused = again.post(VERIFY, {"code": codes[0], "next": DASHBOARD})
    assert refused.status_code == 200 and WRONG_CODE in refused.content.decode()
    assert again.get(DASHBOARD).status_code == 302


def test_a_grid_worker_without_a_device_is_not_asked(cast, required):
    client = signed_in(cast.worker_a)
    assert client.get("/cases/new/").status_code == 200
    assert client.get(ACCOUNT).status_code == 200


def test_with_the_switch_off_only_a_user_who_has_set_it_up_is_asked(cast, settings):
    settings.OTP_REQUIRED = False
    assert signed_in(cast.commander).get(DASHBOARD).status_code == 200
    device, _codes = enrolled(cast.evaluator)
    client = signed_in(cast.evaluator)
    assert client.get(DASHBOARD)["Location"] == f"{VERIFY}?next={DASHBOARD}"
    client.post(VERIFY, {"code": code_of(device)})
    assert client.get(DASHBOARD).status_code == 200


def test_switching_it_on_reaches_sessions_already_open(cast, settings):
    settings.OTP_REQUIRED = False
    client = signed_in(cast.commander)
    assert client.get(DASHBOARD).status_code == 200
    settings.OTP_REQUIRED = True
    assert client.get(DASHBOARD)["Location"].startswith(ENROL)


def test_the_admin_asks_staff_for_the_code(required):
    root = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    client = signed_in(root)
    assert client.get("/admin/")["Location"] == f"{ENROL}?next=/admin/"
    device, _codes = enrolled(root)
    client = signed_in(root)
    assert client.get("/admin/")["Location"] == f"{VERIFY}?next=/admin/"
    client.post(VERIFY, {"code": code_of(device), "next": "/admin/"})
    assert client.get("/admin/").status_code == 200


def test_the_way_on_after_the_code_stays_on_this_site(cast, required):
    device, _codes = enrolled(cast.commander)
    client = signed_in(cast.commander)
    assert client.post(VERIFY, {"code": code_of(device), "next": "https://evil.example/"})["Location"] == "/"


def test_new_recovery_codes_need_a_current_code_and_replace_the_old_ones(cast, required):
    device, old = enrolled(cast.commander)
    client = signed_in(cast.commander)
    client.post(VERIFY, {"code": code_of(device)})

    refused = client.post(ACCOUNT, {"form": "regenerate", "regenerate-code": code_of(device)})  # used already
    assert refused.status_code == 200 and WRONG_CODE in refused.content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    sheet = client.post(ACCOUNT, {"form": "regenerate", "regenerate-code": code_of(device, steps_on=1)})

    new = list(StaticToken.objects.filter(device__user=cast.commander).values_list("token", flat=True))
    assert sheet.status_code == 200 and len(new) == 10 and all(code in sheet.content.decode() for code in new)
    assert not set(old) & set(new)
    assert not two_factor.verify_token(cast.commander, old[0])


def test_switching_it_off_needs_a_code_and_is_refused_where_it_is_required(cast, settings):
    settings.OTP_REQUIRED = True
    device, codes = enrolled(cast.commander)
    client = signed_in(cast.commander)
    client.post(VERIFY, {"code": codes[0]})
    page = client.get(ACCOUNT).content.decode()
    assert "不能关闭" in page and "remove-code" not in page
    refused = client.post(ACCOUNT, {"form": "remove", "remove-code": codes[1]})
    assert "不能关闭" in refused.content.decode() and two_factor.has_second_factor(cast.commander)

    settings.OTP_REQUIRED = False
    removed = client.post(ACCOUNT, {"form": "remove", "remove-code": code_of(device)})
    assert removed["Location"] == ACCOUNT
    assert not two_factor.has_second_factor(cast.commander)
    assert client.get(DASHBOARD).status_code == 200
    assert signed_in(cast.commander).get(DASHBOARD).status_code == 200


def test_the_api_token_endpoint_can_check_a_code(cast):
    assert not two_factor.has_second_factor(cast.commander)
    device, codes = enrolled(cast.commander)
    assert two_factor.has_second_factor(cast.commander)
    code = code_of(device)
    assert two_factor.verify_token(cast.commander, code)
    assert not two_factor.verify_token(cast.commander, code), "a code is good for one sign-in"
    assert two_factor.verify_token(cast.commander, f" {codes[3][:4]}-{codes[3][4:]} ")
    assert not two_factor.verify_token(cast.commander, codes[3])
    assert not two_factor.verify_token(cast.worker_a, code)


@pytest.mark.parametrize("who", ["commander", "evaluator", "auditor"])
def test_the_district_roles_and_staff_are_the_ones_required(cast, settings, who):
    settings.OTP_REQUIRED = True
    assert two_factor.second_factor_required(getattr(cast, who))
    assert not two_factor.second_factor_required(cast.dispatcher_a)
    settings.OTP_REQUIRED = False
    assert not two_factor.second_factor_required(getattr(cast, who))
