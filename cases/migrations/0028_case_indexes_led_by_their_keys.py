"""The case's foreign keys that lead a composite index lose their own single-column index (the composite answers a
look-up by the key as well, and every case written updates seven indexes fewer), and a street's list narrowed to a
category gets an index of its own. Only the indexes are dropped: Django's AlterField would also drop and re-validate
each foreign key, a scan of the whole table per key."""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# column → the index Django made for it (the name is the same on every database)
FOREIGN_KEY_INDEXES = {
    "assignee_id": "cases_case_assignee_id_28343c2e",
    "category_id": "cases_case_category_id_c6dc5a5a",
    "department_id": "cases_case_department_id_c5b7309d",
    "grid_id": "cases_case_grid_id_af7609ce",
    "reporter_id": "cases_case_reporter_id_7d7d0c2b",
    "station_id": "cases_case_station_id_2ca2ef54",
    "street_id": "cases_case_street_id_be226825",
}


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0027_duplicate_lookup_by_box'),
        ('grids', '0005_alter_staffprofile_role'),
        ('patrols', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(
                [f'DROP INDEX IF EXISTS "{index}"' for index in FOREIGN_KEY_INDEXES.values()],
                reverse_sql=[f'CREATE INDEX "{index}" ON "cases_case" ("{column}")'
                             for column, index in FOREIGN_KEY_INDEXES.items()],
            )],
            state_operations=[
            migrations.AlterField(
                model_name='case',
                name='assignee',
                field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='assigned_cases', to=settings.AUTH_USER_MODEL, verbose_name='assignee'),
            ),
            migrations.AlterField(
                model_name='case',
                name='category',
                field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='cases.category', verbose_name='category'),
            ),
            migrations.AlterField(
                model_name='case',
                name='department',
                field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='grids.department', verbose_name='department'),
            ),
            migrations.AlterField(
                model_name='case',
                name='grid',
                field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='grids.grid', verbose_name='grid'),
            ),
            migrations.AlterField(
                model_name='case',
                name='reporter',
                field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reported_cases', to=settings.AUTH_USER_MODEL, verbose_name='reporter'),
            ),
            migrations.AlterField(
                model_name='case',
                name='station',
                field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='grids.streetunit', verbose_name='department station'),
            ),
            migrations.AlterField(
                model_name='case',
                name='street',
                field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='grids.grid', verbose_name='street/town'),
            ),
            ],
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['street', 'category', '-id'], name='case_street_category_idx'),
        ),
    ]
