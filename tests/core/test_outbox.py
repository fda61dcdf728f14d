"""The mail outbox: what a notification promises is mailed once, whatever the broker or the mail server does."""
import smtplib
import socket
import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection, connections, transaction

from core.models import Notification
from core.notifications import MAX_MAIL_ATTEMPTS, Notice, deliver_outbox, notify, outbox_depth


class RefusingBackend(EmailBackend):
    """A mail server that refuses one domain and takes the rest (the way a real one refuses a bad address)."""

    def send_messages(self, messages):
        for message in messages:
            if any(address.endswith("@refused.example") for address in message.to):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"no such user")})
        return super().send_messages(messages)


class SlowBackend(EmailBackend):
    """A mail server that takes its time, so two delivery runs overlap."""

    def send_messages(self, messages):
        time.sleep(0.05)
        return super().send_messages(messages)


def person(username, email=""):
    return get_user_model().objects.create_user(username=username, email=email)


def tell(*users, message="新任务"):
    return notify([Notice(kind=Notification.Kind.ASSIGNED, users=users, message=message, subject="C-1")])


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the probe is closed


@pytest.mark.django_db
def test_only_people_with_an_address_enter_the_outbox_and_nothing_is_mailed_inside_the_change(
        django_capture_on_commit_callbacks):
    mailed, unmailed = person("a", "a@example.org"), person("b")
    with django_capture_on_commit_callbacks() as kicks:
        tell(mailed, unmailed)
        assert not mail.outbox
    assert len(kicks) == 1
    assert set(Notification.objects.filter(mail_pending=True).values_list("user__username", flat=True)) == {"a"}
    assert outbox_depth() == 1


@pytest.mark.django_db
def test_a_change_that_rolls_back_mails_nobody():
    user = person("a", "a@example.org")
    with pytest.raises(RuntimeError), transaction.atomic():
        tell(user)
        raise RuntimeError("the change failed")
    assert deliver_outbox() == 0
    assert not mail.outbox and outbox_depth() == 0


@pytest.mark.django_db
def test_delivery_mails_each_notification_once():
    user = person("a", "a@example.org")
    tell(user, message="第一条")
    tell(user, message="第二条")
    assert deliver_outbox() == 2
    assert deliver_outbox() == 0  # beat's next run finds nothing
    assert sorted(m.body for m in mail.outbox) == ["第一条", "第二条"]
    assert all(m.to == ["a@example.org"] for m in mail.outbox)
    assert outbox_depth() == 0
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 2


@pytest.mark.django_db
def test_an_unreachable_mail_server_delays_mail_and_loses_none(settings):
    user = person("a", "a@example.org")
    tell(user)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    for _ in range(MAX_MAIL_ATTEMPTS + 2):  # an outage, however long, is not counted against the message
        assert deliver_outbox() == 0
    assert Notification.objects.get().mail_attempts == 0 and outbox_depth() == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the server is back
    assert deliver_outbox() == 1
    assert [m.to for m in mail.outbox] == [["a@example.org"]]


@pytest.mark.django_db
def test_a_refused_address_is_retried_then_given_up_without_holding_back_the_others(settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    tell(person("bad", "bad@refused.example"), person("good", "good@example.org"))
    assert deliver_outbox() == 1
    assert [m.to for m in mail.outbox] == [["good@example.org"]]
    for _ in range(MAX_MAIL_ATTEMPTS):
        deliver_outbox()
    refused = Notification.objects.get(user__username="bad")
    assert (refused.mail_pending, refused.mail_attempts, refused.emailed_at) == (False, MAX_MAIL_ATTEMPTS, None)
    assert outbox_depth() == 0 and len(mail.outbox) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks (CI runs it there)")
@pytest.mark.django_db(transaction=True)
def test_two_delivery_runs_at_once_send_each_message_once(settings):
    settings.EMAIL_BACKEND = f"{__name__}.SlowBackend"
    users = [person(f"u{n}", f"u{n}@example.org") for n in range(20)]
    tell(*users)
    sent = []

    def run():
        sent.append(deliver_outbox(batch=5))
        connections.close_all()

    runs = [threading.Thread(target=run) for _ in range(2)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join()
    assert sum(sent) == 20 and all(sent)  # both runs worked, on different rows
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    assert outbox_depth() == 0
