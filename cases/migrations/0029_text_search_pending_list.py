"""The text search's trigram indexes take new cases into a pending list of at most 1 MB instead of the server's 4 MB.

GIN keeps newly inserted rows in an unsorted pending list until it is merged into the index (by vacuum, or by the
insert that finds it full), and every search reads the whole list: at a million cases, 10,000 pending cases made the
bench's text search 1.4 → 9.2 ms in SQL. A quarter of the list bounds that at about 4 ms for the two indexes; an
insert that finds the list full merges a quarter as much, four times as often. Other databases have no such index.
"""
from django.db import migrations

INDEXES = ("case_title_trgm", "case_address_trgm")


def limit(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in INDEXES:
            schema_editor.execute(f"ALTER INDEX {index} SET (gin_pending_list_limit = 1024)", params=None)


def unlimit(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in INDEXES:
            schema_editor.execute(f"ALTER INDEX {index} RESET (gin_pending_list_limit)", params=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0028_case_indexes_led_by_their_keys")]
    operations = [migrations.RunPython(limit, unlimit)]
