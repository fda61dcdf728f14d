"""Trigram indexes for the case list's text search (title/address icontains) on PostgreSQL.

Django's icontains compiles to UPPER(col::text) LIKE UPPER(%s); these GIN indexes match that
expression, so a district-wide search no longer scans every case. pg_trgm splits Chinese text
into trigrams as well under a UTF-8 ctype. Other databases keep the plain scan.
"""
from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS case_title_trgm ON cases_case USING gin (UPPER(title::text) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS case_address_trgm ON cases_case USING gin (UPPER(address::text) gin_trgm_ops);
"""
DROP = """
DROP INDEX IF EXISTS case_title_trgm;
DROP INDEX IF EXISTS case_address_trgm;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_append_only_events_and_sweep_schedule")]
    operations = [migrations.RunPython(create, drop)]
