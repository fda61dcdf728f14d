"""The access generation: one cache-wide token that changes whenever anybody's access changes.

Scopes and model permissions are cached across requests together with the generation they were computed in, so
a grant, a withdrawal, a group change or a role-permission change (any of which calls
``new_access_generation``) makes every cached answer stale at once, with nothing to enumerate. A request reads the
generation and the user's cached answers in one round trip.
"""
import uuid

from django.core.cache import cache

GENERATION_KEY = "access:generation"


def new_access_generation(**signal_kwargs) -> None:
    """Start a new generation (usable directly as a signal receiver)."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


# A user saved with these fields (or whole, as the admin saves) may have become active or inactive, or have a new
# address: who is told of what (kept per generation) changes.
REACH_FIELDS = frozenset({"is_active", "email"})


def new_access_generation_if_reach_changed(update_fields=None, raw=False, **signal_kwargs) -> None:
    """A user's post_save receiver: a new generation unless only other fields were saved (the last login)."""
    if not raw and (update_fields is None or REACH_FIELDS & set(update_fields)):
        new_access_generation()


def access_generation() -> str:
    """The current generation; a cache that has lost it (flushed, restarted) starts a new one, so that nothing kept
    under an earlier generation, in the cache or in a process, is taken for current."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(GENERATION_KEY) or ""
    return generation


# What is cached per user across requests: each under its own key, stored with the generation it was computed in.
CACHED_KINDS = ("perms", "scope")


def _user_key(kind: str, user) -> str:
    return f"access:{kind}:{user.pk}"


def cached_access(user, kind: str):
    """The user's cached ``kind`` (scope, permissions) if it belongs to the current generation, else None. The first
    call on a user object (once per request) reads the generation and every kind in one round trip."""
    entries = getattr(user, "_access_entries", None)
    if entries is None:
        keys = [GENERATION_KEY, *(_user_key(k, user) for k in CACHED_KINDS)]
        found = cache.get_many(keys)
        generation = found.get(GENERATION_KEY) or access_generation()
        entries = user._access_entries = {"": generation}
        for name, key in zip(CACHED_KINDS, keys[1:], strict=True):
            stored = found.get(key)
            if stored is not None and stored[0] == generation:
                entries[name] = stored[1]
    return entries.get(kind)


def generation_of(user) -> str:
    """The access generation in which this request reads ``user``'s cached answers: what their scope and model
    permissions were computed in."""
    cached_access(user, "scope")
    return user._access_entries[""]


def cache_access(user, kind: str, value, seconds: int) -> None:
    """Keep ``value`` as the user's ``kind`` for the generation read by ``cached_access`` (call that first)."""
    cache.set(_user_key(kind, user), (user._access_entries[""], value), seconds)
