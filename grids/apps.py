from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridsConfig(AppConfig):
    name = "grids"
    verbose_name = _("Grids and staff")

    def ready(self):
        from django.db.models.signals import post_migrate, post_save

        from . import geometry, roles
        from .models import Grid

        post_migrate.connect(roles.sync_role_groups_after_migrate, dispatch_uid="grids.sync_role_groups")
        post_save.connect(geometry.forget_index, sender=Grid)
