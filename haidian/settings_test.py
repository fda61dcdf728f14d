"""Settings for the test suite: the real ones, minus HTTPS redirects and slow hashing."""
import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-haidian-grid-0123456789-abcdefghijklmnopqrstuvwxyz")
# The suite keeps both cores busy (a browser among them): a 1 s read from Redis once timed out there, and /healthz
# answered 500 in a test of a healthy stack. Redis down is refused at once whatever the timeout.
os.environ.setdefault("HEALTH_REDIS_TIMEOUT", "5")

from .settings import *  # noqa: E402,F403

HTTPS = False
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Files on the filesystem; the tests of object storage switch to S3_STORAGE (from S3_* in the environment, as
# .ci/run sets them) themselves.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001", "django_ratelimit.E003"]  # tests use a per-process cache
# Tasks queued by on_commit go to an in-memory broker; tests run tasks with .apply() or, for the
# real thing, through Redis in tests/cases/test_celery.py, where a worker process of its own is told its broker.
CELERY_BROKER_URL = os.environ.get("TEST_CELERY_BROKER_URL", "memory://")
# A test runs in a transaction the replica cannot see: reads stay on the primary, except in tests/core/test_replica.py,
# which switches the replica on and commits what it reads there.
DATABASE_READ_REPLICA = None
