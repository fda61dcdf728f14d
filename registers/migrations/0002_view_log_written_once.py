"""On PostgreSQL the database itself refuses to change or delete a row of the personal-data view log."""
from django.db import migrations

FORBID = """
CREATE OR REPLACE FUNCTION registers_view_log_written_once() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the personal-data view log is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER registers_personaldataview_written_once BEFORE UPDATE OR DELETE ON registers_personaldataview
    FOR EACH ROW EXECUTE FUNCTION registers_view_log_written_once();
"""
ALLOW = """
DROP TRIGGER IF EXISTS registers_personaldataview_written_once ON registers_personaldataview;
DROP FUNCTION IF EXISTS registers_view_log_written_once();
"""


def forbid_changes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORBID, params=None)


def allow_changes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW, params=None)


class Migration(migrations.Migration):
    dependencies = [("registers", "0001_initial")]

    operations = [migrations.RunPython(forbid_changes, allow_changes)]
