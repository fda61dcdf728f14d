"""Department stations become street units: a street's own sections (科室) take small-cycle cases beside the
department stations, in the same table, under the same ``serve_station`` permission."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("grids", "0001_initial"), ("cases", "0001_initial")]  # its Case.station still names the old model

    operations = [
        migrations.RenameModel("DepartmentStation", "StreetUnit"),
        migrations.AddField(
            model_name="streetunit",
            name="kind",
            field=models.CharField(
                choices=[("station", "Department station"), ("section", "Street section")],
                default="station",
                max_length=8,
                verbose_name="kind",
            ),
        ),
        migrations.AddField(
            model_name="streetunit",
            name="section",
            field=models.CharField(
                blank=True,
                choices=[
                    ("urban_management", "Urban management and construction section"),
                    ("public_safety", "Safety and public order office"),
                    ("community_building", "Community building section"),
                    ("social_affairs", "Social affairs section"),
                    ("work_safety", "Work safety section"),
                    ("economy", "Economic development section"),
                    ("environment", "Environmental protection section"),
                ],
                help_text="Which of the street's sections this is; empty for a department station.",
                max_length=24,
                verbose_name="section",
            ),
        ),
        migrations.AlterField(
            model_name="streetunit",
            name="department",
            field=models.ForeignKey(
                blank=True,
                help_text="The department whose station this is; empty for a street section.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="stations",
                to="grids.department",
                verbose_name="department",
            ),
        ),
        migrations.AlterField(
            model_name="streetunit",
            name="street",
            field=models.ForeignKey(
                limit_choices_to={"level": 2},
                on_delete=django.db.models.deletion.PROTECT,
                related_name="units",
                to="grids.grid",
                verbose_name="street/town",
            ),
        ),
        migrations.AddField(
            model_name="streetunit",
            name="in_service",
            field=models.BooleanField(
                default=True, help_text="A unit out of service takes no new cases; those it holds stay.",
                verbose_name="in service"),
        ),
        migrations.AlterModelOptions(
            name="streetunit",
            options={
                "ordering": ["street__code", "-kind", "department_id", "section"],
                "permissions": [("serve_station", "Handles the cases of this station")],
                "verbose_name": "street handling unit",
                "verbose_name_plural": "street handling units",
            },
        ),
        migrations.AddConstraint(
            model_name="streetunit",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "section")), fields=("section", "street"), name="one_section_per_street"
            ),
        ),
        migrations.AddConstraint(
            model_name="streetunit",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("department__isnull", False), ("kind", "station"), ("section", "")),
                    models.Q(
                        models.Q(("department__isnull", True), ("kind", "section")),
                        models.Q(("section", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="street_unit_station_or_section",
            ),
        ),
    ]
