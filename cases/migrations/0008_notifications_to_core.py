"""Notifications move to the kernel (core.Notification), which points at any object: a case's
notifications keep their case as the target and its number as the subject."""
from django.db import migrations

BATCH = 5000


def copy_notifications(apps, schema_editor):
    Old = apps.get_model("cases", "Notification")
    New = apps.get_model("core", "Notification")
    ContentType = apps.get_model("contenttypes", "ContentType")
    case_type, _created = ContentType.objects.get_or_create(app_label="cases", model="case")
    New._meta.get_field("created_at").auto_now_add = False  # keep when each was sent (this historical model only)
    last_id = 0
    while True:
        rows = list(Old.objects.filter(id__gt=last_id).order_by("id").select_related("case")[:BATCH])
        if not rows:
            return
        New.objects.bulk_create(New(
            user_id=n.user_id, kind=n.kind, message=n.message, created_at=n.created_at, read_at=n.read_at,
            emailed_at=n.emailed_at, subject=n.case.number if n.case_id else "",
            target_type=case_type if n.case_id else None, target_id=n.case_id) for n in rows)
        last_id = rows[-1].id


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_calendar_overrides_to_core"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0002_notification"),
    ]

    operations = [
        migrations.RunPython(copy_notifications, migrations.RunPython.noop),
        migrations.DeleteModel(name="Notification"),
    ]
