"""Sessions (core.sessions): Django's database sessions, read through a query prepared once per process."""
import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_session_is_honoured_until_it_expires_and_an_unknown_one_never(client, cast):
    client.force_login(cast.dispatcher_a)
    assert client.get(reverse("cases:inbox")).status_code == 200
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(session_key=key).update(expire_date=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert client.get(reverse("cases:inbox")).url.startswith(reverse(settings.LOGIN_URL))
    client.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32
    assert client.get(reverse("cases:inbox")).url.startswith(reverse(settings.LOGIN_URL))
    client.force_login(cast.worker_a)  # another person, another session: each reads its own
    assert client.get(reverse("cases:inbox")).status_code == 200
    assert client.session["_auth_user_id"] == str(cast.worker_a.pk)
