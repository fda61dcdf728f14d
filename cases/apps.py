from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        # checks and metrics register themselves, joint its workflow effects
        from . import checks, joint, metrics, selectors  # noqa: F401
        from .models import Category

        post_save.connect(selectors.forget_categories, sender=Category)
        post_delete.connect(selectors.forget_categories, sender=Category)
