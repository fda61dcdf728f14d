"""Case serials from one sequence per day (``cases_serial_YYYYMMDD``), made on the day's first case: drawing one locks
no row, so the case's transaction draws it and stays the only commit of an intake. A day counted before this
migration goes on from its counter row."""
from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION cases_next_serial(serial_day date) RETURNS bigint AS $$
DECLARE
    name text := 'cases_serial_' || to_char(serial_day, 'YYYYMMDD');
BEGIN
    RETURN nextval(name);
EXCEPTION WHEN undefined_table THEN
    -- The day's first case: one session makes the sequence, the others wait for it here.
    PERFORM pg_advisory_xact_lock(hashtext(name));
    EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I START WITH %s', name,
                   coalesce((SELECT last FROM cases_casecounter WHERE day = serial_day), 0) + 1);
    RETURN nextval(name);
END;
$$ LANGUAGE plpgsql;
"""
DROP = """
DROP FUNCTION IF EXISTS cases_next_serial(date);
DO $$
DECLARE
    sequence record;
BEGIN
    FOR sequence IN SELECT relname FROM pg_class WHERE relkind = 'S' AND relname LIKE 'cases\\_serial\\_%' LOOP
        -- back to the counter rows: each day goes on from where its sequence stood
        INSERT INTO cases_casecounter (day, last)
        SELECT to_date(substr(sequence.relname, 14), 'YYYYMMDD'), last_value FROM pg_sequences
        WHERE sequencename = sequence.relname AND last_value IS NOT NULL
        ON CONFLICT (day) DO UPDATE SET last = EXCLUDED.last;
        EXECUTE format('DROP SEQUENCE %I', sequence.relname);
    END LOOP;
END $$;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0020_attachment_thumbnail_case_export")]

    operations = [migrations.RunPython(create, drop)]
