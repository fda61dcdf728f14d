from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridsConfig(AppConfig):
    name = "grids"
    verbose_name = _("Grids and staff")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

        from core.access import new_access_generation, new_access_generation_if_reach_changed

        from . import geometry, models, roles

        post_migrate.connect(roles.sync_role_groups_after_migrate, dispatch_uid="grids.sync_role_groups")
        post_save.connect(geometry.forget_index, sender=models.Grid)
        for permission_model in (models.GridUserObjectPermission, models.GridGroupObjectPermission,
                                 models.DepartmentUserObjectPermission, models.DepartmentGroupObjectPermission,
                                 models.StationUserObjectPermission, models.StationGroupObjectPermission):
            post_save.connect(new_access_generation, sender=permission_model)
            post_delete.connect(new_access_generation, sender=permission_model)
        User = get_user_model()
        for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
            m2m_changed.connect(new_access_generation, sender=through)
        # Who is told of a case is kept per access generation too (cases.selectors.step_owner_directory): a person's
        # role, activity or address changing starts a new one.
        post_save.connect(new_access_generation, sender=models.StaffProfile)
        post_delete.connect(new_access_generation, sender=models.StaffProfile)
        post_save.connect(new_access_generation_if_reach_changed, sender=User)
