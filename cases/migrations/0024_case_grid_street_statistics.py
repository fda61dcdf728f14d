"""A case's grid fixes its street: extended statistics tell PostgreSQL so. Without them the planner multiplies the
two filters' selectivities (a street dispatcher's list of one grid: the street's scope AND the grid), expects a few
dozen rows where there are thousands, and ANDs two bitmaps of the street's tens of thousands of cases instead of
reading the grid's newest cases along (grid, -id)."""
from django.db import migrations

CREATE = """
CREATE STATISTICS IF NOT EXISTS case_grid_street_stats (dependencies) ON grid_id, street_id FROM cases_case;
ANALYZE cases_case;
"""
DROP = "DROP STATISTICS IF EXISTS case_grid_street_stats;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0023_handler_list_indexes")]
    operations = [migrations.RunPython(create, drop)]
