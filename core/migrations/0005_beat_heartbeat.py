from django.core.management import call_command
from django.db import migrations

# As core.health and core.tasks name them today; frozen here, as a migration must be.
HEARTBEAT_TABLE = "core_heartbeat"
HEARTBEAT_TASK = "core.beat_heartbeat"
SCHEDULE_NAME = "beat heartbeat"


def create_heartbeat_table(apps, schema_editor):
    # A table of Django's database cache (not a model): createcachetable knows its columns.
    call_command("createcachetable", HEARTBEAT_TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop_heartbeat_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(HEARTBEAT_TABLE)}")


def schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=SCHEDULE_NAME, defaults={"task": HEARTBEAT_TASK, "interval": every_minute})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SCHEDULE_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0004_notification_outbox"), ("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [
        migrations.RunPython(create_heartbeat_table, drop_heartbeat_table),
        migrations.RunPython(schedule, unschedule),
    ]
