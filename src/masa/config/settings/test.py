"""Test settings: the database comes from DATABASE_URL (SQLite in memory when unset)."""

import tempfile

from .base import *  # noqa: F403
from .base import DATABASES, env

if not env("DATABASE_URL"):
    DATABASES["default"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}

# Fast hashing in tests only; the Argon2 choice is asserted separately in tests/core.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

# Static files come from the app finders in tests (no collectstatic), served by the live server.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405

# Close connections after each request so the live server's threads never hold the test database.
DATABASES["default"]["CONN_MAX_AGE"] = 0

# Uploaded return files in tests go to a throwaway folder, never into the project's var/.
MEDIA_ROOT = tempfile.mkdtemp(prefix="masa-test-media-")
