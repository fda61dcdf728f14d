from rest_framework.permissions import DjangoModelPermissions


class RoleModelPermissions(DjangoModelPermissions):
    """A login and the role's model permission, reads included (DRF lets any reader through).

    Which rows the user then sees is the selectors' business: this only says whether the
    role may touch the kind of object at all.
    """

    def _queryset(self, view):
        # Only the model matters here; a view's scoped get_queryset would run its scope queries
        # before the role is even known to be allowed.
        if getattr(view, "queryset", None) is not None:
            return view.queryset
        return super()._queryset(view)

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }
