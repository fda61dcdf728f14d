"""The working-calendar table moves to the platform's one working calendar, ``core.CalendarDay``
(the raw SQL of ``indicators.py`` joins the new table)."""
from django.db import migrations


def copy_days_to_core(apps, schema_editor):
    WorkCalendarDay = apps.get_model("evaluation", "WorkCalendarDay")
    CalendarDay = apps.get_model("core", "CalendarDay")
    # A day already copied from cases' overrides keeps the override's status and takes only the total.
    CalendarDay.objects.bulk_create(
        [CalendarDay(day=row.day, is_workday=row.is_workday, cum_seconds=row.cum_seconds)
         for row in WorkCalendarDay.objects.all()],
        batch_size=2000, update_conflicts=True, unique_fields=["day"], update_fields=["cum_seconds"])


def copy_days_back(apps, schema_editor):
    WorkCalendarDay = apps.get_model("evaluation", "WorkCalendarDay")
    CalendarDay = apps.get_model("core", "CalendarDay")
    WorkCalendarDay.objects.bulk_create(
        [WorkCalendarDay(day=row.day, is_workday=row.is_workday, cum_seconds=row.cum_seconds)
         for row in CalendarDay.objects.all()], batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ("evaluation", "0003_round_status_labels"),
        ("core", "0001_calendar"),
    ]

    operations = [
        migrations.RunPython(copy_days_to_core, copy_days_back),
        migrations.DeleteModel(name="WorkCalendarDay"),
    ]
