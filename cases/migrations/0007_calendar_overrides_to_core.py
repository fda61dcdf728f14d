"""The calendar overrides move to the platform's one working calendar, ``core.CalendarDay``."""
from django.db import migrations


def copy_overrides_to_core(apps, schema_editor):
    CalendarOverride = apps.get_model("cases", "CalendarOverride")
    CalendarDay = apps.get_model("core", "CalendarDay")
    for row in CalendarOverride.objects.all():
        # The running totals of later days are recounted by the next calendar_sync.
        CalendarDay.objects.update_or_create(
            day=row.date, defaults={"override": row.is_workday, "is_workday": row.is_workday, "note": row.note})


def copy_overrides_back(apps, schema_editor):
    CalendarOverride = apps.get_model("cases", "CalendarOverride")
    CalendarDay = apps.get_model("core", "CalendarDay")
    CalendarOverride.objects.bulk_create(
        CalendarOverride(date=day.day, is_workday=day.override, note=day.note)
        for day in CalendarDay.objects.filter(override__isnull=False))


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0006_street_light_index"),
        ("core", "0001_calendar"),
    ]

    operations = [
        migrations.RunPython(copy_overrides_to_core, copy_overrides_back),
        migrations.DeleteModel(name="CalendarOverride"),
    ]
