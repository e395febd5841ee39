"""Django settings for microcred. Everything an operator sets comes from the environment."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from microcred_web.config.env import BASE_DIR, VAR_DIR, env_bool, env_list, stored_secret

SECRET_KEY = stored_secret("SECRET_KEY", "secret_key")
# Encrypts issuer signing keys at rest (AES-256-GCM); keep it out of the database and backups.
MICROCRED_KEY_ENCRYPTION_KEY = stored_secret(
    "MICROCRED_KEY_ENCRYPTION_KEY", "key_encryption_key", nbytes=32
)
# Earlier KEKs still accepted for unsealing during a rotation (comma-separated; kek_rotate).
MICROCRED_PREVIOUS_KEY_ENCRYPTION_KEYS = env_list("MICROCRED_PREVIOUS_KEY_ENCRYPTION_KEYS", [])
DEBUG = env_bool("DEBUG", default=False)
# Credential events (views, shares, downloads, verifications) older than this are pruned.
MICROCRED_ANALYTICS_RETENTION_DAYS = int(
    os.environ.get("MICROCRED_ANALYTICS_RETENTION_DAYS", "395")
)
# Public verification API: requests per second per client (token bucket, per worker process).
MICROCRED_VERIFY_RATE = float(os.environ.get("MICROCRED_VERIFY_RATE", "10"))
MICROCRED_VERIFY_BURST = float(os.environ.get("MICROCRED_VERIFY_BURST", "30"))
# Seconds the verifier reuses a credential's revocation/suspension state (0: every request).
MICROCRED_VERIFY_STATUS_TTL = float(os.environ.get("MICROCRED_VERIFY_STATUS_TTL", "2"))
# Approximate bytes the verifier's per-process caches may hold together (decision 0023).
MICROCRED_VERIFY_CACHE_BYTES = int(os.environ.get("MICROCRED_VERIFY_CACHE_BYTES", str(32 << 20)))
# Credential events are queued and written by a thread of each process this often (seconds);
# a killed process loses at most this much analytics. 0: one INSERT per event, committed
# before the response (docs/decisions/0016).
MICROCRED_EVENTS_FLUSH_SECONDS = float(os.environ.get("MICROCRED_EVENTS_FLUSH_SECONDS", "0.2"))
# Events a process keeps queued while the database is unavailable; later ones are dropped.
# Webhooks: receivers on private addresses / plain http only for on-premises set-ups.
MICROCRED_WEBHOOKS_ALLOW_PRIVATE = env_bool("MICROCRED_WEBHOOKS_ALLOW_PRIVATE", default=False)
MICROCRED_WEBHOOKS_ALLOW_HTTP = env_bool("MICROCRED_WEBHOOKS_ALLOW_HTTP", default=False)
# Single sign-on: identity providers on a private network / over plain http (docs/sso.md)
MICROCRED_SSO_ALLOW_PRIVATE = env_bool("MICROCRED_SSO_ALLOW_PRIVATE", default=False)
MICROCRED_SSO_ALLOW_HTTP = env_bool("MICROCRED_SSO_ALLOW_HTTP", default=False)
# Roles that must sign in with a second factor (TOTP); "none" turns the requirement off for the
# whole instance (an organisation may also relax it: docs/mfa.md).
MICROCRED_MFA_REQUIRED_ROLES = [
    role for role in env_list("MICROCRED_MFA_REQUIRED_ROLES", ["admin", "issuer"]) if role != "none"
]
# Extra rules for password sign-in: callables (user) -> refusal message or None
MICROCRED_PASSWORD_SIGN_IN_CHECKS = ["microcred_web.sso.password_policy.password_sign_in_refusal"]
# LTI platforms on a private network / over plain http (an on-premises LMS; tests on loopback)
MICROCRED_LTI_ALLOW_PRIVATE = env_bool("MICROCRED_LTI_ALLOW_PRIVATE", default=False)
MICROCRED_LTI_ALLOW_HTTP = env_bool("MICROCRED_LTI_ALLOW_HTTP", default=False)
MICROCRED_WEBHOOKS_TIMEOUT = float(os.environ.get("MICROCRED_WEBHOOKS_TIMEOUT", "15"))
MICROCRED_WEBHOOKS_DISABLE_AFTER_FAILURES = int(
    os.environ.get("MICROCRED_WEBHOOKS_DISABLE_AFTER_FAILURES", "100")
)
MICROCRED_WEBHOOKS_DISABLE_AFTER_DAYS = float(
    os.environ.get("MICROCRED_WEBHOOKS_DISABLE_AFTER_DAYS", "5")
)
MICROCRED_WEBHOOKS_CONCURRENCY = int(os.environ.get("MICROCRED_WEBHOOKS_CONCURRENCY", "8"))
MICROCRED_WEBHOOKS_RETENTION_DAYS = float(os.environ.get("MICROCRED_WEBHOOKS_RETENTION_DAYS", "30"))
MICROCRED_WEBHOOKS_ROTATION_GRACE_HOURS = float(
    os.environ.get("MICROCRED_WEBHOOKS_ROTATION_GRACE_HOURS", "24")
)
MICROCRED_EVENTS_QUEUE_MAX = int(os.environ.get("MICROCRED_EVENTS_QUEUE_MAX", "100000"))
# OB 3.0 client (a learner connecting an external host): private addresses / plain http only
# for on-premises hosts (and tests on loopback).
MICROCRED_OB3_CLIENT_ALLOW_PRIVATE = env_bool("MICROCRED_OB3_CLIENT_ALLOW_PRIVATE", default=False)
MICROCRED_OB3_CLIENT_ALLOW_HTTP = env_bool("MICROCRED_OB3_CLIENT_ALLOW_HTTP", default=False)
MICROCRED_OB3_CLIENT_TIMEOUT = float(os.environ.get("MICROCRED_OB3_CLIENT_TIMEOUT", "15"))
# Seconds a process reuses a validated OAuth bearer token before reading it again (at most 1:
# a revocation made by another process takes effect within this time; decision 0045).
MICROCRED_OAUTH_TOKEN_CACHE_SECONDS = float(
    os.environ.get("MICROCRED_OAUTH_TOKEN_CACHE_SECONDS", "1")
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Machine translation services the organisations may use (host or host:port, comma-separated);
# self-hosted engines on a private network are allowed only when listed here.
MICROCRED_MT_ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get(
        "MICROCRED_MT_ALLOWED_HOSTS", "api.deepl.com,api-free.deepl.com,libretranslate.com"
    ).split(",")
    if host.strip()
]
MICROCRED_MT_TIMEOUT = float(os.environ.get("MICROCRED_MT_TIMEOUT", "20"))
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [BASE_URL])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # before django_tasks_db: its ``db_worker`` command is replaced by the resilient one
    "microcred_web.common",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "oauth2_provider",
    "microcred_web.accounts",
    "microcred_web.orgs",
    "microcred_web.oauth",
    "microcred_web.notifications",
    "microcred_web.webhooks",
    "microcred_web.sso",
    "microcred_web.mfa",
    "microcred_web.scim",
    "microcred_web.reports",
    "microcred_web.transparency",
    "microcred_web.trustlists",
    "microcred_web.achievements",
    "microcred_web.issuing",
    "microcred_web.learning",
    "microcred_web.analytics",
    "microcred_web.assessments",
    "microcred_web.wallet_protocols",
    "microcred_web.bulk",
    "microcred_web.rendering",
    "microcred_web.awards",
    "microcred_web.wallet",
    "microcred_web.verifier",
    "microcred_web.skills",
    "microcred_web.pathways",
    "microcred_web.api",
    "microcred_web.ob3",
    "microcred_web.ob3client",
    "microcred_web.instance",
    "microcred_web.lti",
    "microcred_web.backups",
    "microcred_web.xapi",
    "microcred_web.calendars",
]

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:sign_in"
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # LTI-launched sessions only: framed by their LMS (see microcred_web/lti/middleware.py)
    "microcred_web.lti.middleware.LtiFrameMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "microcred_web.common.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # the second sign-in step and the record of one's sessions (microcred_web/mfa/middleware.py)
    "microcred_web.mfa.middleware.MfaMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "microcred_web.common.middleware.ApplicationErrorMiddleware",
]

# Hot public endpoints: a request without any cookie is served by the view with only
# LEAN_MIDDLEWARE around it (no session, user, messages, CSRF or URL resolving: see
# common/lean.py); with a cookie it takes the ordinary path. Applied by config/wsgi.py.
LEAN_ROUTES = {"/verify/api": "microcred_web.verifier.views.api"}
LEAN_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "microcred_web.config.urls"
WSGI_APPLICATION = "microcred_web.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "microcred_web.orgs.context_processors.layout",
                "microcred_web.notifications.context_processors.unread",
                "microcred_web.instance.context_processors.operator",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'microcred.sqlite3'}"),
        conn_max_age=60,
        # A kept connection is checked before a request (or task) first uses it: after a
        # database restart the first request reconnects instead of failing with HTTP 500.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # psycopg prepares a statement after this many runs on a connection. Only cursors that
    # bind on the server use it (the per-request analytics INSERT and the verifier's status
    # re-read, see microcred_web.common.db.hot_cursor); Django's own cursors bind on the
    # client and are never prepared. Set it to "off" behind a pooler in transaction mode
    # that cannot keep prepared statements (PgBouncer before 1.21).
    _prepare = os.environ.get("MICROCRED_DB_PREPARE_THRESHOLD", "5").strip().lower()
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = (
        None if _prepare in {"", "off", "none"} else int(_prepare)
    )
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL with synchronous=NORMAL: a commit is written to the WAL but not fsynced; the WAL is
    # synced at checkpoints. A crashed or killed process loses nothing (the commit is in the
    # file); only a power loss or OS crash can lose the last commits, as a suffix of the WAL
    # (never part of a transaction, never a later one without an earlier one), and the
    # database stays consistent. Checkpoints every 10,000 pages (40 MB of WAL) rather than
    # 1,000: a bulk chunk writes ~1,000 pages, and each checkpoint costs two fsyncs.
    # See docs/decisions/0014.
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                " PRAGMA wal_autocheckpoint=10000;"
            ),
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français"), ("es", "Español")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [Path(__file__).resolve().parent.parent / "locale"]
# one unambiguous date form per language ("7 Dec 2026"), see microcred_web/formats
FORMAT_MODULE_PATH = ["microcred_web.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [("vendor/htmx", str(BASE_DIR / "node_modules" / "htmx.org" / "dist"))]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Skill suggestions: stored label vectors, refreshed in the background after framework imports
SKILL_VECTORS_DIR = VAR_DIR / "skill-vectors"
SKILL_VECTORS_AUTO = env_bool("MICROCRED_SKILL_VECTORS_AUTO", True)
SKILL_MODEL_THREADS = int(os.environ.get("MICROCRED_SKILL_MODEL_THREADS", "1"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "microcred <no-reply@localhost>")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Proxies (CIDR list) whose X-Forwarded-For is believed; the client is the right-most hop that
# is not one of them (microcred_web.common.http.client_address). Empty: the TCP peer is the
# client. Behind a TLS proxy, set it, or every client has the proxy's address.
MICROCRED_TRUSTED_PROXIES = env_list("MICROCRED_TRUSTED_PROXIES", [])
for _cidr in MICROCRED_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_cidr, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(f"MICROCRED_TRUSTED_PROXIES: {_error}") from _error
if BASE_URL.startswith("https://"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# OAuth 2.0 authorization server (django-oauth-toolkit) for the OB 3.0 API: authorization code
# with PKCE S256 only, refresh tokens rotated (a replayed one revokes the family), tokens hashed
# at rest, scopes limited to what each client registered (oauth/scopes.py; decision 0037).
OAUTH2_PROVIDER = {
    "SCOPES_BACKEND_CLASS": "microcred_web.oauth.scopes.RegisteredScopes",
    "OAUTH2_SERVER_CLASS": "microcred_web.oauth.server.S256OnlyServer",
    "PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 90 * 24 * 3600,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "REQUEST_APPROVAL_PROMPT": "force",  # the learner sees the consent page every time
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],  # http only on loopback (registration)
}
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"  # noqa: S105
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"  # noqa: S105
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"  # noqa: S105
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
