"""The platform's one working calendar (``core.calendar``); cases and evaluation copy their rows in."""
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name='CalendarDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(unique=True, verbose_name='date')),
                ('is_workday', models.BooleanField(editable=False, verbose_name='is a working day')),
                ('override', models.BooleanField(
                    blank=True, choices=[(True, 'working day'), (False, 'day off')], null=True, verbose_name='override',
                    help_text="Leave empty to follow the State Council's holiday notices (Monday to Friday for years "
                              "they do not cover yet).")),
                ('note', models.CharField(blank=True, max_length=100, verbose_name='note')),
                ('cum_seconds', models.BigIntegerField(
                    default=0, editable=False, verbose_name='office seconds before this day')),
            ],
            options={
                'verbose_name': 'working-calendar day',
                'verbose_name_plural': 'working calendar',
                'ordering': ['day'],
            },
        ),
    ]
