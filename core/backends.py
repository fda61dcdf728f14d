from django.contrib.auth.backends import ModelBackend

from core.access import cache_access, cached_access

PERMISSIONS_SECONDS = 300


class CachedModelBackend(ModelBackend):
    """Django's model permissions, kept in the cache between requests: every API call checks
    them, and they change only when roles or groups do (which starts a new access generation)."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            permissions = cached_access(user_obj, "perms")
            if permissions is None:
                permissions = super().get_all_permissions(user_obj)
                cache_access(user_obj, "perms", permissions, PERMISSIONS_SECONDS)
            user_obj._perm_cache = permissions
        return user_obj._perm_cache
