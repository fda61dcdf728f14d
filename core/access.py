"""The access generation: one cache-wide token that changes whenever anybody's access changes.

Scopes and model permissions are cached across requests together with the generation they were computed in, so
a grant, a withdrawal, a group change or a role-permission change (any of which calls
``new_access_generation``) makes every cached answer stale at once, with nothing to enumerate. A request reads the
generation and the user's cached answers in one round trip.
"""
import uuid
from contextvars import ContextVar, Token

from django.core.cache import cache

GENERATION_KEY = "access:generation"

# A request reads the generation once and keeps it (and the one it starts itself, if it changes someone's access):
# it lasts milliseconds, and every answer it gives about access then comes from one generation, for one cache round
# trip. Outside a request (a task, the shell, a test calling a service) each read asks the cache.
_request_generation: ContextVar[dict | None] = ContextVar("request_access_generation", default=None)


def request_started() -> Token:
    return _request_generation.set({})


def request_finished(token: Token) -> None:
    _request_generation.reset(token)


def _kept_by_the_request() -> str | None:
    return (_request_generation.get() or {}).get("generation")


def _kept_for_the_request(generation: str) -> str:
    kept = _request_generation.get()
    if kept is not None and generation:
        kept["generation"] = generation
    return generation


def new_access_generation(**signal_kwargs) -> None:
    """Start a new generation (usable directly as a signal receiver)."""
    cache.set(GENERATION_KEY, _kept_for_the_request(uuid.uuid4().hex), None)


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
    kept = _kept_by_the_request()
    if kept:
        return kept
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(GENERATION_KEY) or ""
    return _kept_for_the_request(generation)


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
        generation = (_kept_by_the_request() or _kept_for_the_request(found.get(GENERATION_KEY) or "")
                      or access_generation())
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
