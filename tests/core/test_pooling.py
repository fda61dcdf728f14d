"""Behind PgBouncer in transaction mode (CI runs the tests marked postgres or pooled through it, DATABASE_POOLED=1),
each transaction may get another server session: nothing may outlive its transaction there."""
import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import connection

from grids.models import Grid


@pytest.mark.pooled
def test_a_queryset_read_in_chunks_outside_a_transaction_survives_transactions_in_between(django_db_setup,
                                                                                           django_db_blocker):
    """An export reads its rows in chunks while other queries run: with a server-side cursor (which lives in the
    server session) the next chunk would be asked of a session that never heard of it."""
    with django_db_blocker.unblock():
        assert not connection.in_atomic_block  # autocommit: every query its own transaction
        seen = 0
        for _permission in Permission.objects.iterator(chunk_size=20):
            seen += 1
            if seen % 20 == 0:
                Grid.objects.exists()
        assert seen == Permission.objects.count() > 40


def test_pooled_connections_keep_nothing_in_the_server_session():
    pooled = settings.DATABASE_POOLED and connection.vendor == "postgresql"
    assert connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS", False) == pooled
    options = connection.settings_dict.get("OPTIONS", {})
    if pooled:
        assert options["prepare_threshold"] is None and "options" not in options  # PgBouncer refuses startup options
