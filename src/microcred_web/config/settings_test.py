"""Settings for the test suite: same as production except fast hashing and captured e-mail."""

from __future__ import annotations

import os

from microcred_web.config.env import VAR_DIR
from microcred_web.config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Events written as they happen, so a test sees them right after its request; the queued
# writer of production has its own tests (tests/web/analytics/test_event_writer.py).
MICROCRED_EVENTS_FLUSH_SECONDS = 0.0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# A file-based SQLite test database: the live server's request threads then open their own
# connections instead of sharing the in-memory one across threads (which races at teardown).
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-microcred-{os.getpid()}.sqlite3")}  # noqa: F405

# Skill vectors: per test process, and never computed behind a test's back (a test that wants
# them calls skills.suggesting.vectors_refresh itself).
SKILL_VECTORS_DIR = VAR_DIR / f"test-skill-vectors-{os.getpid()}"
SKILL_VECTORS_AUTO = False

# Bearer tokens are read from the database on every request in tests, so a test that changes a
# token row sees the change at once; the per-process cache has its own tests
# (tests/web/ob3/test_token_cache.py), which turn it on.
MICROCRED_OAUTH_TOKEN_CACHE_SECONDS = 0.0

# Existing tests sign administrators and issuers in with a password only (or force_login):
# the second-factor requirement is off here; tests/web/mfa turns it on for its own tests.
MICROCRED_MFA_REQUIRED_ROLES = []
