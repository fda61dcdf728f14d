import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections

from core.access import cache_access, cached_access
from core.prepared import PreparedQuery

PERMISSIONS_SECONDS = 300

# Asked on every signed-in page and API call (the session's user): built and compiled once per process, with the
# staff profile every page reads (the menu's name, the role) brought along in the same query.
users_by_id = PreparedQuery(lambda _key, *, user_id: get_user_model()._default_manager.filter(pk=user_id)
                            .select_related("staff_profile"))


@functools.cache
def _permissions_sql() -> str:
    """A user's model permissions, their own and their groups', in one query (Django's backend asks two, each built
    by the ORM: together half of a cold request's access checks)."""
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    permission, content_type = quote(Permission._meta.db_table), quote(ContentType._meta.db_table)
    own = quote(get_user_model().user_permissions.through._meta.db_table)
    membership = quote(get_user_model().groups.through._meta.db_table)
    granted = quote(Group.permissions.through._meta.db_table)
    return (f"SELECT ct.app_label, p.codename FROM {permission} p JOIN {content_type} ct ON ct.id = p.content_type_id "
            f"WHERE p.id IN (SELECT permission_id FROM {own} WHERE user_id = %s UNION "
            f"SELECT g.permission_id FROM {granted} g JOIN {membership} m ON m.group_id = g.group_id "
            "WHERE m.user_id = %s)")


class CachedModelBackend(ModelBackend):
    """Django's model permissions, kept in the cache between requests: every API call checks
    them, and they change only when roles or groups do (which starts a new access generation)."""

    def get_user(self, user_id):
        found = users_by_id(None, user_id=user_id)
        return found[0] if found and self.user_can_authenticate(found[0]) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            permissions = cached_access(user_obj, "perms")
            if permissions is None:
                permissions = self._read_permissions(user_obj)
                cache_access(user_obj, "perms", permissions, PERMISSIONS_SECONDS)
            user_obj._perm_cache = permissions
        return user_obj._perm_cache

    def _read_permissions(self, user_obj) -> set[str]:
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj)
        # From the primary, as the scope is (grids.selectors): cached for the access generation, a read from a lagging
        # replica would keep a withdrawn permission until the next.
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(_permissions_sql(), [user_obj.pk, user_obj.pk])
            return {f"{app_label}.{codename}" for app_label, codename in cursor.fetchall()}
