"""The notifications partitioned by month (``core.partitions``), on PostgreSQL; nothing elsewhere.

They grow faster than the case trail: every member of a unit is told of a case assigned to it, and the demo writes
17 notifications a case against 4.8 events. The table of today is renamed, a partitioned table with the same columns
takes its name, partitions are made for every month it holds and three ahead, plus a default one, the rows are copied
over and the old table is dropped; then the key, the indexes and the foreign keys are made again under their names.
Beat makes the coming months every night and, with ``NOTIFICATION_KEEP_MONTHS`` set, drops those past it.
"""
from django.db import migrations

from core.notifications import NOTIFICATIONS

TABLE = "core_notification"
COLUMNS = ("id, user_id, kind, subject, target_type_id, target_id, message, created_at, read_at, mail_pending, "
           "mail_attempts, emailed_at")
# What both shapes of the table have: the indexes of core 0002 and 0004 and the foreign keys.
SHARED = f"""
CREATE INDEX {TABLE}_user_id_6e341aac ON {TABLE} (user_id);
CREATE INDEX {TABLE}_target_type_id_00a2bd77 ON {TABLE} (target_type_id);
CREATE INDEX {TABLE}_unread_idx ON {TABLE} (user_id, read_at);
CREATE INDEX {TABLE}_target_idx ON {TABLE} (target_type_id, target_id);
CREATE INDEX {TABLE}_outbox_idx ON {TABLE} (id) WHERE mail_pending;
ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_user_id_6e341aac_fk_auth_user_id FOREIGN KEY (user_id)
    REFERENCES auth_user (id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_target_type_id_00a2bd77_fk_django_co FOREIGN KEY (target_type_id)
    REFERENCES django_content_type (id) DEFERRABLE INITIALLY DEFERRED;
"""
JOB = "notifications by month"


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_notification_kind_follow_up"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = NOTIFICATIONS.migration_operations(
        columns=COLUMNS, partitioned_sql=SHARED, plain_sql=SHARED, job=JOB, task="core.keep_notifications_by_month")
