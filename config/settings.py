"""Sambandh settings: one file, read from the environment, safe defaults for development.

SQLite (WAL) is the embedded default; set DATABASE_URL=postgres://... for PostgreSQL.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
# Development gets a fixed throwaway key; production must set SECRET_KEY (checked below).
_DEV_SECRET = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET)
PRODUCTION = env_bool("SAMBANDH_PRODUCTION", False)
if PRODUCTION and SECRET_KEY == _DEV_SECRET:
    raise RuntimeError("SECRET_KEY must be set when SAMBANDH_PRODUCTION is on")

ALLOWED_HOSTS = [
    h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "ninja",
    "sambandh.core",
    "sambandh.events",
    "sambandh.web",
    "sambandh.accounts",
    "sambandh.mfa",
    "sambandh.contacts",
    "sambandh.sales",
    "sambandh.currencies",
    "sambandh.activities",
    "sambandh.customfields",
    "sambandh.search",
    "sambandh.bulk",
    "sambandh.exports",
    "sambandh.consents",
    "sambandh.emails",
    "sambandh.administration",
    "sambandh.notifications",
    "sambandh.attachments",
    "sambandh.recyclebin",
    "sambandh.privacy",
    "sambandh.dedupe",
    "sambandh.imports",
    "sambandh.panels",
    "sambandh.history",
    "sambandh.home",
    "sambandh.security",
    # After the apps: our registration/ templates (password reset, the invitation's set-password
    # page) must win over the admin's.
    "django.contrib.admin",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "sambandh.core.audit_context.AuditContextMiddleware",
    "config.middleware.ApiEnvelopeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sambandh.accounts.middleware.UserPreferencesMiddleware",
    "sambandh.mfa.middleware.MfaRequiredMiddleware",
    # A record page, panel or API read that showed a sensitive field: one "read" audit row.
    "sambandh.history.sensitive.SensitiveReadMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle timeout and lifetime of sessions, their list, login audit, 429 on a locked login.
    "sambandh.security.middleware.SessionSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

# The REST API's own, lean stack (config/handlers.py): bearer tokens, no sessions or CSRF.
API_MIDDLEWARE = [
    # Outermost: no API answer, whichever layer wrote it, is kept by a browser or proxy (the read
    # lane adds the same headers).
    "sambandh.security.middleware.ApiNoStoreMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside the envelope: the language Accept-Language asks for is still active while the
    # envelope words a 405.
    "sambandh.accounts.middleware.PreferencesResetMiddleware",
    # Source "api" and the client's IP on every audit row the request writes.
    "sambandh.core.audit_context.AuditContextMiddleware",
    "sambandh.history.sensitive.SensitiveReadMiddleware",
    "config.middleware.ApiEnvelopeMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.template.context_processors.csp",
                "sambandh.web.context_processors.shell",
                "sambandh.notifications.context_processors.notifications",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

# --- database ---------------------------------------------------------------
DATA_DIR = Path(os.environ.get("SAMBANDH_DATA_DIR", BASE_DIR / "var"))
DEFAULT_SQLITE = f"sqlite:///{DATA_DIR / 'sambandh.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", DEFAULT_SQLITE), conn_max_age=600, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            "PRAGMA mmap_size=134217728; PRAGMA cache_size=-64000; PRAGMA busy_timeout=20000;"
        ),
    }
else:
    # psycopg prepares a statement after this many runs on a connection, but only for cursors
    # that bind on the server: the compiled hot-path reads (sambandh/core/compiled.py), never
    # the ORM's. PG_PREPARE_THRESHOLD=off turns it off (a pooler that cannot keep prepared
    # statements: PgBouncer before 1.21 in transaction mode).
    _prepare = os.environ.get("PG_PREPARE_THRESHOLD", "5").strip().lower()
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = (
        None if _prepare in {"off", "none", ""} else int(_prepare)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- background tasks (Django's tasks API, database backend) -----------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# The event log (sambandh/events): off only to measure what it costs (bench/bench_create.py).
EVENTS_ENABLED = os.environ.get("EVENTS_ENABLED", "1") not in {"0", "false", "off"}
# How long a worker holds a claimed handler run or job slot before another may take it over
# (its worker is then presumed dead). Longer than the slowest handler or job.
EVENTS_LEASE_SECONDS = int(os.environ.get("EVENTS_LEASE_SECONDS", "300"))
# Finished task rows, succeeded handler runs and job runs are purged after this many days.
EVENTS_KEEP_DAYS = int(os.environ.get("EVENTS_KEEP_DAYS", "30"))
# How long a deleted record stays in the recycle bin before the nightly job purges it.
RECYCLE_BIN_DAYS = int(os.environ.get("RECYCLE_BIN_DAYS", "30"))
# Modules imported at start-up that subscribe handlers or declare jobs beyond the apps' own.
EVENTS_EXTRA_MODULES = [m for m in os.environ.get("EVENTS_EXTRA_MODULES", "").split(",") if m]

# --- auth --------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Django's model backend behind the lockout (sambandh/security/backends.py).
AUTHENTICATION_BACKENDS = ["sambandh.security.backends.LockoutModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # 30,000 passwords from breaches (zxcvbn's list), checked offline.
    {"NAME": "sambandh.security.validators.BreachedPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home:index"
LOGOUT_REDIRECT_URL = "login"

# Brute-force protection (sambandh/security, docs/security.md): after LOGIN_FAILURE_LIMIT wrong
# passwords for one account from one address within LOGIN_FAILURE_WINDOW seconds, that account
# is locked for that address for LOGIN_LOCKOUT_SECONDS; after LOGIN_ADDRESS_FAILURE_LIMIT for
# any accounts, the whole address is.
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_WINDOW = int(os.environ.get("LOGIN_FAILURE_WINDOW", "900"))
LOGIN_LOCKOUT_SECONDS = int(os.environ.get("LOGIN_LOCKOUT_SECONDS", "900"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "50"))
# Password reset requests per address, and mails per email, within PASSWORD_RESET_WINDOW.
PASSWORD_RESET_WINDOW = int(os.environ.get("PASSWORD_RESET_WINDOW", "900"))
PASSWORD_RESET_ADDRESS_LIMIT = int(os.environ.get("PASSWORD_RESET_ADDRESS_LIMIT", "10"))
PASSWORD_RESET_EMAIL_LIMIT = int(os.environ.get("PASSWORD_RESET_EMAIL_LIMIT", "3"))
# Reverse proxies in front of the app that append to X-Forwarded-For (0: none; the client's
# address is then the connection's). Read for lockouts, the session list and the audit trail.
CLIENT_IP_PROXY_HOPS = int(os.environ.get("CLIENT_IP_PROXY_HOPS", "0"))

# Sessions (sambandh/security): stored with who, from where and when last seen, so users can
# list and revoke theirs. A session ends after SESSION_IDLE_TIMEOUT seconds without a request
# (sliding) and SESSION_MAX_AGE seconds after its login in any case.
SESSION_ENGINE = "sambandh.security.session_store"
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(30 * 60)))
SESSION_MAX_AGE = int(os.environ.get("SESSION_MAX_AGE", str(12 * 3600)))
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Multi-factor authentication (sambandh/mfa): after MFA_MAX_FAILURES wrong codes within
# MFA_FAILURE_WINDOW seconds, a user's second step refuses every code for MFA_LOCK_SECONDS.
MFA_MAX_FAILURES = int(os.environ.get("MFA_MAX_FAILURES", "5"))
MFA_FAILURE_WINDOW = int(os.environ.get("MFA_FAILURE_WINDOW", "900"))
MFA_LOCK_SECONDS = int(os.environ.get("MFA_LOCK_SECONDS", "900"))
# The name authenticator apps show beside the account.
MFA_ISSUER = os.environ.get("MFA_ISSUER", "Sambandh")

# --- email (Django 6.1 MAILERS) --------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Sambandh <noreply@localhost>")
if os.environ.get("EMAIL_URL", "").strip():
    # smtp://user:pass@host:port, smtp+tls://, smtps://, console://, locmem:// (config/email_url.py)
    from config.email_url import parse_email_url

    MAILERS = {"default": parse_email_url(os.environ["EMAIL_URL"])}
elif os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
                "timeout": 20,
            },
        }
    }
else:
    # Development: mail is printed on the console instead of sent.
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# --- i18n, time ----------------------------------------------------------------
from django.conf.locale import LANG_INFO  # noqa: E402

# Django ships no Gujarati: this makes it a language Django knows (its name, its direction), for
# the language negotiation and {% get_language_info %}; locale_django/gu holds Django's strings.
LANG_INFO.setdefault(
    "gu", {"bidi": False, "code": "gu", "name": "Gujarati", "name_local": "ગુજરાતી"}
)
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("te", _("Telugu")),
    ("gu", _("Gujarati")),
    ("hi", _("Hindi")),
    ("es", _("Spanish")),
    ("pt-br", _("Portuguese (Brazil)")),
    ("fr", _("French")),
    ("de", _("German")),
    ("ja", _("Japanese")),
    ("ar", _("Arabic")),
]
# locale/: the project's catalogues (makemessages writes them). locale_django/: translations of
# Django's own strings for a language Django does not ship (Gujarati); a separate folder, so that
# makemessages never prunes them, ranked after ours and before Django's (the first path wins).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_django"]
USE_I18N = True
# The switcher's choice for someone not signed in (a signed-in user's is stored on the user).
LANGUAGE_COOKIE_NAME = "sambandh_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SECURE = PRODUCTION
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_CURRENCY = os.environ.get("DEFAULT_CURRENCY", "USD")
# Lists sort names in the viewer's language's collation where it is not CLDR's root order
# (contacts/collation.py); false keeps everyone on the indexed root order, for very large lists.
TAILORED_NAME_SORT = env_bool("TAILORED_NAME_SORT", True)
# Exchange rates: a feed in the ECB's eurofxref-daily.xml format, fetched daily (empty: none), e.g.
# https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml
RATES_PROVIDER_URL = os.environ.get("RATES_PROVIDER_URL", "")
# API rate limit per token (sambandh/security/api_limits.py): at most API_RATE_LIMIT requests in
# each window of API_RATE_WINDOW seconds, then 429 with Retry-After; 0 turns it off.
API_RATE_LIMIT = int(os.environ.get("API_RATE_LIMIT", "1200"))
API_RATE_WINDOW = int(os.environ.get("API_RATE_WINDOW", "60"))
# Outbound HTTP (sambandh/core/outbound.py) refuses private, loopback, link-local and metadata
# addresses. Comma-separated hosts or networks it may reach all the same (a feed inside the
# office network: "rates.internal,10.1.2.0/24"); empty by default.
OUTBOUND_ALLOW_HOSTS = [
    entry.strip()
    for entry in os.environ.get("OUTBOUND_ALLOW_HOSTS", "").split(",")
    if entry.strip()
]

# --- static ------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it, even before collectstatic
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

# --- uploaded files (sambandh/attachments) ---------------------------------------
# Stored through STORAGES["default"] (this folder unless another backend is configured) and
# served only by views that check who may see the record: never expose MEDIA_ROOT directly.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
MEDIA_URL = "/media/"
# The largest file that may be attached, in bytes (25 MiB by default).
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(25 * 1024 * 1024)))
# Imports (sambandh/imports): the largest file an import takes (API 413, CLI exit 2 beyond it).
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(200 * 1024 * 1024)))
# The most the files of one email sent from a record may come to together (20 MiB by default).
EMAIL_ATTACHMENTS_MAX_BYTES = int(
    os.environ.get("EMAIL_ATTACHMENTS_MAX_BYTES", str(20 * 1024 * 1024))
)

# --- security ----------------------------------------------------------------
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    # No <base> may move where the page's relative links and scripts point.
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# HTTPS (docs/running.md): a production site behind TLS sets these; `check --deploy` then
# answers no warning. SECURE_PROXY_SSL_HEADER names the header a trusted reverse proxy sets,
# as "X-Forwarded-Proto: https" (only when that proxy strips the header from clients).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
_proxy_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip()
if _proxy_header:
    _name, _sep, _value = _proxy_header.partition(":")
    if not _sep or not _name.strip() or not _value.strip():
        raise RuntimeError(
            'SECURE_PROXY_SSL_HEADER must read "Header-Name: value", '
            'e.g. "X-Forwarded-Proto: https"'
        )
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _name.strip().upper().replace("-", "_"),
        _value.strip(),
    )
# Oversized input is refused before it reaches a form or schema.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("MAX_REQUEST_BYTES", str(2 * 1024 * 1024)))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# --- API -----------------------------------------------------------------------
NINJA_PAGINATION_MAX_LIMIT = 200
API_DEFAULT_LIMIT = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
