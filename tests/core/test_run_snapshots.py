"""What a module builds once a run (``built_once_per_run`` in tests/conftest.py, the crawl's site): the first setup
builds it and leaves a snapshot; a later one, on any worker, gets the same rows without building them, and the keys its
database hands out afterwards never repeat one of the snapshot's."""
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from core.models import Notification
from tests.conftest import built_once_per_run, restore_the_seed


def test_a_later_setup_loads_what_the_first_built_and_hands_out_no_key_twice(seeded):
    name = f"test-{uuid.uuid4().hex}"

    def build():
        user = get_user_model().objects.create(username="snapshot_reader")
        for subject in ("C-1", "C-2"):
            Notification.objects.create(user=user, kind=Notification.Kind.COMMENT, subject=subject, message="留言")

    def rows():
        return list(Notification.objects.order_by("pk").values_list("pk", "user__username", "subject"))

    assert built_once_per_run(name, build) is True
    built = rows()
    # Another worker's database: the seeded district alone, its keys not yet as far on.
    restore_the_seed()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence('core_notification', 'id'), 1)")
    assert not Notification.objects.exists()

    assert built_once_per_run(name, lambda: pytest.fail("built a second time")) is False
    assert rows() == built
    later = Notification.objects.create(user=get_user_model().objects.get(username="snapshot_reader"),
                                        kind=Notification.Kind.COMMENT, subject="C-3", message="留言")
    assert later.pk > built[-1][0]
