"""The case trail refuses TRUNCATE too (UPDATE and DELETE are refused since 0002). Maintenance that must empty it
(the benchmarks' generator, a test database's flush) says so first: ``SET haidian.allow_truncate = 'on'``."""
from django.db import migrations

FORBID = """
CREATE OR REPLACE FUNCTION cases_event_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('haidian.allow_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'case events are append-only (TRUNCATE refused)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER cases_event_no_truncate
    BEFORE TRUNCATE ON cases_caseevent
    FOR EACH STATEMENT EXECUTE FUNCTION cases_event_no_truncate();
"""
ALLOW = """
DROP TRIGGER IF EXISTS cases_event_no_truncate ON cases_caseevent;
DROP FUNCTION IF EXISTS cases_event_no_truncate();
"""


def forbid(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORBID, params=None)


def allow(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW, params=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0011_reference_history")]

    operations = [migrations.RunPython(forbid, allow)]
