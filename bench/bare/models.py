from django.db import models


class Note(models.Model):
    """One table, the fields of a report, nothing else."""

    title = models.CharField(max_length=120)
    description = models.TextField(max_length=4000)
    lat = models.FloatField()
    lng = models.FloatField()
    address = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)


def ensure_table() -> None:
    """The bench's own table, created in place (the bench app has no migrations of the platform's)."""
    from django.db import connection

    if Note._meta.db_table not in connection.introspection.table_names():
        with connection.schema_editor() as editor:
            editor.create_model(Note)
