"""The access generation: one cache-wide token that changes whenever anybody's access changes.

Scopes and model permissions are cached across requests under keys that carry the generation, so
a grant, a withdrawal, a group change or a role-permission change (any of which calls
``new_access_generation``) makes every cached answer stale at once, with nothing to enumerate.
"""
import uuid

from django.core.cache import cache

GENERATION_KEY = "access:generation"


def new_access_generation(**signal_kwargs) -> None:
    """Start a new generation (usable directly as a signal receiver)."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def access_generation() -> str:
    return cache.get(GENERATION_KEY) or ""


def generation_key(kind: str, user) -> str:
    """The cache key of one user's cached ``kind`` (scope, permissions) in the current generation. The generation is
    read once per user object, i.e. once per request, like the scope and permissions kept on it."""
    generation = getattr(user, "_access_generation", None)
    if generation is None:
        generation = user._access_generation = access_generation()
    return f"access:{kind}:{generation}:{user.pk}"
