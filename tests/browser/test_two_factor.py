"""Two-step sign-in in a real browser: a commander sets up the authenticator from the page (the key typed in as a
person would, from the text beside the QR code), keeps the recovery codes, and signs in with one the next time; in
Chinese, with nothing refused by the Content-Security-Policy (``open_as`` fails on any refusal) and axe-core clean."""
import base64

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from grids.demo import DEMO_PASSWORD, seed_demo_users

from .conftest import PHONE, serious_axe_violations

pytestmark = [pytest.mark.browser]


@pytest.fixture
def required(seeded, settings):
    settings.OTP_REQUIRED = True  # the live server runs in this process: it reads the same settings
    seed_demo_users()


def code_from_the_key(secret: str) -> str:
    """What an authenticator app shows for the key as the page spells it (base32 in groups of four)."""
    key = "".join(secret.split())
    key = base64.b32decode(key + "=" * (-len(key) % 8))
    return f"{totp(key):06d}"


def test_a_commander_sets_it_up_on_a_phone_and_signs_in_with_a_recovery_code(open_as, live_server, required,
                                                                              screenshot):
    page = open_as("commander", DEMO_PASSWORD, device=PHONE)

    assert "/accounts/two-factor/enrol/" in page.url, "the password alone must not open the dashboard"
    assert page.locator("h1").inner_text() == "设置两步验证"
    assert page.locator("label[for=id_code]").inner_text().startswith("验证码")
    assert page.locator("#totp-qr").evaluate("img => img.complete && img.naturalWidth > 0"), "the QR code is drawn"
    page.click("summary")
    assert page.locator("#totp-uri").inner_text().startswith("otpauth://totp/")
    assert serious_axe_violations(page) == []
    screenshot(page, "two-factor-enrol-phone")

    page.fill("#id_code", code_from_the_key(page.locator("#totp-secret").inner_text()))
    page.click("#two-factor-form button[type=submit]")

    expect(page.locator("h1")).to_have_text("您的恢复码")
    page.wait_for_load_state()  # the codes' page, whole, before its list is read
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    assert serious_axe_violations(page) == []
    page.click("text=我已保存，继续")
    page.wait_for_url("**/cases/dashboard/")

    again = open_as("commander", DEMO_PASSWORD, device=PHONE)
    assert "/accounts/two-factor/verify/" in again.url
    assert again.locator("h1").inner_text() == "两步验证"
    again.fill("#id_code", codes[0])
    again.click("#two-factor-form button[type=submit]")
    again.wait_for_url("**/cases/dashboard/")
