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


def generation_key(kind: str, user_id) -> str:
    """The cache key of one user's cached ``kind`` (scope, permissions) in the current generation."""
    return f"access:{kind}:{access_generation()}:{user_id}"
