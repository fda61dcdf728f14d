import datetime as dt

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import ApiToken
from core.tokens import token_issue
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
URL = "/api/v1/auth/token/"
TOKENS = "/api/v1/auth/tokens/"


def sign_in(api, username="dispatcher_a", **extra):
    response = api.post(URL, {"username": username, "password": PASSWORD, **extra})
    assert response.status_code == 200, response.content
    return response.json()


def me(api, token):
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api.get("/api/v1/me/")


def test_good_credentials_get_a_token_that_authenticates(api, cast):
    issued = sign_in(api, name="巡查手机")
    assert me(api, issued["token"]).json()["username"] == "dispatcher_a"
    assert issued["name"] == "巡查手机" and issued["token"].startswith(issued["key"])
    assert timezone.now() + dt.timedelta(days=29) < dt.datetime.fromisoformat(issued["expiry"])
    # Each sign-in is a token of its own (one per client), and both work.
    again = sign_in(api)
    assert again["token"] != issued["token"]
    assert me(api, issued["token"]).status_code == 200


def test_a_token_is_stored_only_as_its_hash(api, cast):
    raw = sign_in(api)["token"]
    row = ApiToken.objects.get(user=cast.dispatcher_a)
    assert raw not in {row.digest, row.token_key} and len(row.token_key) < len(raw)
    assert not ApiToken.objects.filter(digest=raw).exists()


@pytest.mark.parametrize("body", [{"username": "dispatcher_a", "password": "wrong"},
                                  {"username": "nobody", "password": "x"}])
def test_wrong_credentials_get_400_with_a_message(api, cast, body):
    response = api.post(URL, body)
    assert response.status_code == 400
    assert response.json()["non_field_errors"]


def test_missing_fields_are_named(api):
    response = api.post(URL, {})
    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


def test_inactive_users_get_no_token(api, cast):
    cast.worker_a.is_active = False
    cast.worker_a.save()
    assert api.post(URL, {"username": "worker_a", "password": PASSWORD}).status_code == 400


def test_guessing_is_throttled(api, cast):
    statuses = [api.post(URL, {"username": "worker_a", "password": f"guess{i}"}).status_code for i in range(12)]
    assert statuses[:10] == [400] * 10
    assert statuses[10:] == [429, 429]


def test_an_expired_token_is_refused(api, cast):
    raw = sign_in(api)["token"]
    ApiToken.objects.filter(user=cast.dispatcher_a).update(expiry=timezone.now() - dt.timedelta(seconds=1))
    response = me(api, raw)
    assert response.status_code == 401
    assert "过期" in response.json()["detail"]


def test_a_password_change_revokes_every_token(api, cast):
    first, second = sign_in(api)["token"], sign_in(api)["token"]
    cast.dispatcher_a.set_password("Another-pass-2026")
    cast.dispatcher_a.save()
    assert [me(api, raw).status_code for raw in (first, second)] == [401, 401]
    assert not ApiToken.objects.filter(user=cast.dispatcher_a).exists()


def test_deactivating_the_account_revokes_its_tokens(api, cast):
    raw = sign_in(api)["token"]
    cast.dispatcher_a.is_active = False
    cast.dispatcher_a.save(update_fields=["is_active"])
    assert me(api, raw).status_code == 401
    assert not ApiToken.objects.filter(user=cast.dispatcher_a).exists()


def test_saving_the_user_otherwise_keeps_the_tokens(api, cast):
    raw = sign_in(api)["token"]
    cast.dispatcher_a.email = "d@example.org"
    cast.dispatcher_a.save()
    assert me(api, raw).status_code == 200


def test_people_list_and_revoke_their_own_tokens_only(api, cast):
    phone, script = sign_in(api, name="手机")["token"], sign_in(api, name="脚本")
    theirs, _raw = token_issue(cast.dispatcher_b, name="别人的")
    api.credentials(HTTP_AUTHORIZATION=f"Token {phone}")
    listed = api.get(TOKENS).json()
    assert [(t["name"], t["current"]) for t in listed] == [("脚本", False), ("手机", True)]
    assert "token" not in listed[0] and "digest" not in listed[0]
    assert api.delete(f"{TOKENS}{theirs.token_key}/").status_code == 404  # not theirs to see, nor to revoke
    assert ApiToken.objects.filter(pk=theirs.pk).exists()
    assert api.delete(f"{TOKENS}{script['key']}/").status_code == 204
    assert me(api, script["token"]).status_code == 401
    assert me(api, phone).status_code == 200
    assert api.post(f"{TOKENS}revoke-all/").json() == {"revoked": 1}
    assert me(api, phone).status_code == 401


def test_issuing_beyond_the_limit_retires_the_oldest(cast, settings):
    oldest, _ = token_issue(cast.worker_a)
    for _n in range(19):
        token_issue(cast.worker_a)
    token_issue(cast.worker_a)
    assert ApiToken.objects.filter(user=cast.worker_a).count() == 20
    assert not ApiToken.objects.filter(pk=oldest.pk).exists()


def test_an_account_with_two_step_verification_needs_a_current_code(api, cast):
    device = TOTPDevice.objects.create(user=cast.commander, name="phone", confirmed=True)
    body = {"username": "commander", "password": PASSWORD}
    assert api.post(URL, body).json() == {"otp": ["请输入身份验证器应用中的验证码。"]}
    assert set(api.post(URL, {**body, "otp": "000000"}).json()) == {"otp"}
    assert not ApiToken.objects.filter(user=cast.commander).exists()
    TOTPDevice.objects.get(pk=device.pk).throttle_reset()  # a wrong code rests the device for a second
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert api.post(URL, {**body, "otp": code}).status_code == 200


def test_an_account_that_must_have_two_step_verification_gets_no_token_without_it(api, cast, settings):
    settings.OTP_REQUIRED = True
    response = api.post(URL, {"username": "commander", "password": PASSWORD})
    assert response.status_code == 403
    assert not ApiToken.objects.filter(user=cast.commander).exists()
    assert api.post(URL, {"username": "worker_a", "password": PASSWORD}).status_code == 200  # not required of them


def test_the_tokens_page_lists_and_revokes(client, cast):
    token, _raw = token_issue(cast.worker_a, name="巡查手机")
    client.force_login(cast.worker_a)
    page = client.get("/accounts/tokens/").content.decode()
    assert "巡查手机" in page and token.token_key in page and token.digest not in page
    response = client.post("/accounts/tokens/", {"revoke": token.token_key}, follow=True)
    assert "已吊销" in response.content.decode()
    assert not ApiToken.objects.filter(pk=token.pk).exists()
