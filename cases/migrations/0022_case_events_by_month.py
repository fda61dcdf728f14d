"""The case trail partitioned by month (``cases.partitions``, ``core.partitions``), on PostgreSQL; nothing elsewhere.

The table of today is renamed, a partitioned table with the same columns takes its name, partitions are made for
every month it holds (in the platform's time zone) and three ahead, plus a default one, the rows are copied over, and
the old table is dropped. A partitioned table's unique keys must contain the partition key: the primary key becomes
(id, created_at) and the per-case sequence number (case, seq, created_at). A case's events stay numbered without gaps
or repeats because each is written under the lock of the case's row (``case_act``, the sweep) and ``verify_events``
checks every trail. No foreign key points at the trail; its own to cases and users are made again, and so are the
append-only triggers of 0002 and 0012 (the row trigger is cloned onto each partition; the TRUNCATE one is put on each).
"""
from django.db import migrations

from cases.partitions import EVENTS

TABLE = "cases_caseevent"
COLUMNS = ("id, case_id, seq, actor_id, actor_label, action, from_status, to_status, from_tier, to_tier, payload, "
           "created_at, prev_hash, hash")
# What both shapes of the table have: the foreign keys, the actor's index and the append-only triggers.
SHARED = f"""
CREATE INDEX {TABLE}_actor_id_3b42ca2c ON {TABLE} (actor_id);
ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_case_id_6c6031ac_fk_cases_case_id FOREIGN KEY (case_id)
    REFERENCES cases_case (id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_actor_id_3b42ca2c_fk_auth_user_id FOREIGN KEY (actor_id)
    REFERENCES auth_user (id) DEFERRABLE INITIALLY DEFERRED;
CREATE TRIGGER cases_event_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION cases_event_append_only();
CREATE TRIGGER cases_event_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION cases_event_no_truncate();
"""
PARTITIONED_KEYS = f"ALTER TABLE {TABLE} ADD CONSTRAINT case_event_seq UNIQUE (case_id, seq, created_at);"
PLAIN_KEYS = f"""
ALTER TABLE {TABLE} ADD CONSTRAINT case_event_seq UNIQUE (case_id, seq);
CREATE INDEX {TABLE}_case_id_6c6031ac ON {TABLE} (case_id);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0021_case_serial_sequences"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = EVENTS.migration_operations(
        columns=COLUMNS, partitioned_sql=PARTITIONED_KEYS + SHARED, plain_sql=PLAIN_KEYS + SHARED,
        job="case trail partitions ahead", task="cases.ensure_event_partitions")
