"""The residents' share and the managers' shares of the two-way score join the scoring rules: the current
version is followed by a new one with the same weights and parameters and these shares (versions are never
edited; runs computed with the earlier one keep it). A database without rules gets them with its first
version (``seeding``)."""
from django.db import migrations
from django.utils import timezone

SHARES = {
    "street": {"sheets": 80, "residents": 20},
    "station_dual": {"department": 40, "street": 40, "residents": 20},
    "station_vertical": {"department": 80, "residents": 20},
    "station_street": {"street": 80, "residents": 20},
}


def add_shares(apps, schema_editor):
    rule_model = apps.get_model("evaluation", "ScoringRule")
    current = rule_model.objects.order_by("-version").first()
    if current is None or current.two_way_shares:
        return
    rule_model.objects.create(version=current.version + 1, weights=current.weights, parameters=current.parameters,
                              two_way_shares=SHARES, created_at=timezone.now(),
                              note="加入居民民主评议份额及派驻机构双重管理份额")


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0009_supervision")]

    operations = [migrations.RunPython(add_shares, migrations.RunPython.noop)]
