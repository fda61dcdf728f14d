import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
URL = "/api/v1/auth/token/"


def test_good_credentials_get_a_token_that_authenticates(api, cast):
    response = api.post(URL, {"username": "dispatcher_a", "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/me/").json()["username"] == "dispatcher_a"
    # The same token again, not a new one per call.
    assert api.post(URL, {"username": "dispatcher_a", "password": PASSWORD}).json()["token"] == token


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
