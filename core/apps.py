from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Platform core")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import calendar, checks, schema  # noqa: F401 (checks and schema register themselves)
        from .models import CalendarDay

        post_save.connect(calendar.forget_overrides, sender=CalendarDay)
        post_delete.connect(calendar.forget_overrides, sender=CalendarDay)
