from django.db import migrations, models


def schedule(apps, schema_editor):
    """A running export whose worker fell silent is marked failed within five minutes of being found lost."""
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_five_minutes, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.update_or_create(name="reap lost case exports",
                                          defaults={"task": "cases.reap_exports", "interval": every_five_minutes})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name="reap lost case exports").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0025_street_created_index"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="caseexport",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(schedule, unschedule),
    ]
