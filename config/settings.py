"""Settings for the PAR dashboard, read from environment variables.

Development defaults are safe to run locally (SQLite, DEBUG on, a throwaway key).
Set DEBUG=0 for production; production-only settings then apply and the missing
variables are reported clearly.
"""

import datetime
import os
import re
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from accounts.client_address import trusted_proxies_parse
from config.storage import EVIDENCE_STORAGE, evidence_storage_setting

BASE_DIR = Path(__file__).resolve().parent.parent
SHARED_DIR = Path(os.environ.get("SHARED_DIR", BASE_DIR.parent / "shared"))


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean environment variable, refusing values that are not clearly yes or no."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no).")


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated list from the environment."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG=0.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG=0.")
# Origins (scheme://host[:port]) allowed to POST forms, e.g. https://cchc.example.gov.vn; needed only when
# the site is reached under a name or port other than the one the browser's Origin header carries.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
for _origin in CSRF_TRUSTED_ORIGINS:
    if not _origin.startswith(("https://", "http://")):
        raise ImproperlyConfigured(
            f"CSRF_TRUSTED_ORIGINS entry {_origin!r} needs its scheme, e.g. https://{_origin.removeprefix('//')}."
        )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "django_filters",
    "django_tables2",
    "provinces",
    "indicators",
    "reports",
    "accounts",
    "appraisal",
    "simple_history",
    # django-axes and django-q2 under translated names (config/apps.py).
    "config.apps.AxesConfig",
    # The open data and integration API (/api/v1/, issue 17).
    "rest_framework",
    "drf_spectacular",
    "corsheaders",
    "api",
    "config.apps.BackgroundJobsConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # CORS headers for /api/v1/ reads only (CORS_* below); before CommonMiddleware, as its docs ask.
    "corsheaders.middleware.CorsMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages gzipped (BREACH-mitigated) on the wire; after WhiteNoise, before anything that writes the body.
    "config.middleware.PageGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "config.limits.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Staff ?preview=1: unpublished values of their scope on the public pages (docs/roles-and-publication.md).
    "reports.preview.PreviewMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    # A number too large for the database (admin lookups from the query string) answers 400, not 500.
    "config.middleware.NumberOverflowMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0" if DEBUG else "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The background worker writes while the pages read: in WAL mode readers never wait for a writer (a
    # 200,000-row import would otherwise lock the progress page), and writers wait their turn up to 30 s.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 30}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese first; English available. Numbers read 1.746 and 99,7 in Vietnamese.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# `collectstatic` writes here; WhiteNoise serves it in production (hashed names cached for a year, gzip/brotli).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
    # Appraisal evidence (appraisal.models.Evidence.file): local files by default, S3-compatible storage
    # with APPRAISAL_EVIDENCE_STORAGE=s3 and the APPRAISAL_EVIDENCE_S3_* variables (config/storage.py).
    EVIDENCE_STORAGE: evidence_storage_setting(os.environ),
}

# Uploaded files (appraisal evidence) through the default storage; MEDIA_URL is never routed, so nothing
# here is public: evidence is downloaded only through the appraisal module's permission-checked view.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
APPRAISAL_EVIDENCE_MAX_BYTES = int(os.environ.get("APPRAISAL_EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))

LOGIN_URL = "admin:login"

# Staff accounts (see accounts/ and README "Roles and publication"). Failed logins are counted per
# username *and* address, so one person's typos behind an office's shared address lock out only that
# username there, for AXES_COOLOFF_TIME; the admin shows the lockout message.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# No "AXES: BEGIN …" banner on every manage.py call; failed logins are still logged with the lockout parameters.
AXES_VERBOSE = env_bool("AXES_VERBOSE", False)
# Attempts made while locked out are refused without being counted, so they cannot keep a lockout going.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The client's address: X-Forwarded-For is believed only from the reverse proxies listed in TRUSTED_PROXIES
# (comma-separated addresses or networks, e.g. 127.0.0.1 for nginx on the same machine; docs/deploying.md).
AXES_CLIENT_IP_CALLABLE = "accounts.client_address.client_address"
try:
    TRUSTED_PROXIES = trusted_proxies_parse(os.environ.get("TRUSTED_PROXIES", ""))
except ValueError as error:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}.") from None
# Staff sessions end after 8 hours or when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Caches: public pages (reports.cache) are kept per URL, language and data generation; the generation
# (indicators.signals) must be shared by every server process so that a write invalidates everywhere:
# Redis when REDIS_URL is set, otherwise pages in each process's memory and the generation in a file.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    _redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "cchc"}
    CACHES = {"default": _redis, "generation": _redis}
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 2000}},
        "generation": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("CACHE_GENERATION_DIR", Path(tempfile.gettempdir()) / "cchc-data-generation"),
        },
    }
# How long a public page stays cached at most (writes invalidate it at once anyway); 0 switches the cache off.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "3600"))

# Imports and the admin upload: refuse oversized requests with a clear message.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
# Any request body (an upload with its form) larger than this is refused with 413 before it is read.
MAX_REQUEST_BYTES = int(os.environ.get("MAX_REQUEST_BYTES", str(IMPORT_MAX_BYTES + 1024 * 1024)))
# Uploaded files wait here between the admin's preview and confirm steps.
IMPORT_UPLOAD_DIR = Path(os.environ.get("IMPORT_UPLOAD_DIR", Path(tempfile.gettempdir()) / "cchc-imports"))
# Uploads left there longer than this (an abandoned preview) are deleted by `manage.py cleanimportuploads`.
IMPORT_UPLOAD_MAX_AGE_HOURS = int(os.environ.get("IMPORT_UPLOAD_MAX_AGE_HOURS", "24"))
# Resource limits of one import file (docs/import-format.md): rows read (empty ones too), columns, characters
# in one cell, and the size an XLSX unpacks to; a file over any of them is refused at the first excess.
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "200000"))
IMPORT_MAX_COLUMNS = int(os.environ.get("IMPORT_MAX_COLUMNS", "300"))
IMPORT_MAX_CELL_CHARS = int(os.environ.get("IMPORT_MAX_CELL_CHARS", "2000"))
IMPORT_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("IMPORT_MAX_UNCOMPRESSED_BYTES", str(120 * 1024 * 1024)))
# Files with more data rows than this are previewed and imported by the background worker, not the request.
IMPORT_BACKGROUND_ROWS = int(os.environ.get("IMPORT_BACKGROUND_ROWS", "5000"))
# The background worker: django-q2 with its database ("ORM") broker, so it needs no other service (SQLite or
# PostgreSQL); `make run` and `make serve` start it (`manage.py qcluster`). IMPORT_JOBS_SYNC=1 runs jobs inside the
# request instead (tests, or a machine without the worker).
IMPORT_JOBS_SYNC = os.environ.get("IMPORT_JOBS_SYNC", "0") == "1"
Q_CLUSTER = {
    "name": "cchc",
    "orm": "default",
    "workers": int(os.environ.get("Q_WORKERS", "1")),
    "timeout": 3600,  # a 200,000-row import takes minutes, never an hour
    "retry": 3660,
    "max_attempts": 1,  # an import is never retried behind the user's back
    "catch_up": False,
    "save_limit": 200,
    "label": "Background jobs",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# The API (api/, docs/api.md). Reads are public and need no token; writes need a staff member's API token.
# Throttle rates as N/second, N/minute, N/hour or N/day: per address for anonymous clients, per user for tokens.
_RATE = r"^\d+/(s|sec|second|m|min|minute|h|hour|d|day)$"
API_THROTTLE_ANON = os.environ.get("API_THROTTLE_ANON", "120/minute")
API_THROTTLE_TOKEN = os.environ.get("API_THROTTLE_TOKEN", "1200/minute")
for _name in ("API_THROTTLE_ANON", "API_THROTTLE_TOKEN"):
    if not re.match(_RATE, globals()[_name]):
        raise ImproperlyConfigured(f"{_name}={globals()[_name]!r} is not a rate such as 120/minute.")
API_PAGE_SIZE = int(os.environ.get("API_PAGE_SIZE", "100"))
API_MAX_PAGE_SIZE = int(os.environ.get("API_MAX_PAGE_SIZE", "1000"))
# Largest number of rows accepted in one write request (all or nothing).
API_MAX_WRITE_ROWS = int(os.environ.get("API_MAX_WRITE_ROWS", "2000"))
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "api.renderers.CsvRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.negotiation.StrictFormatNegotiation",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttles.AnonymousThrottle", "api.throttles.TokenThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.problem_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Chỉ số CCHC — PAR Dashboard API",
    "DESCRIPTION": "Public figures of Vietnam's administrative-reform indicators, and staff writes. See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.batch_limits_hook"],
}
# Open data: any site may read the API from a browser (GET only); writes are never allowed cross-origin.
CORS_URLS_REGEX = r"^/api/v1/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["accept", "accept-language", "if-none-match", "if-modified-since"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Link"]

# Headers sent in development too, so a page that breaks them breaks on the developer's machine first.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: scripts only from the site's own files (figures travel as JSON in
# <script type="application/json">, drawn by static/reports/charts.js), never inline. plotly.js writes
# its own <style> element and style attributes while drawing, hence 'unsafe-inline' for styles only;
# its PNG download draws the SVG through data: and blob: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers probe the health check over plain http inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SILENCED_SYSTEM_CHECKS = []
    if not SECURE_HSTS_PRELOAD:
        # Entering the browsers' preload list binds the whole domain and every subdomain to HTTPS for
        # months and is hard to undo: the owner of the domain opts in (SECURE_HSTS_PRELOAD=1), not a default.
        SILENCED_SYSTEM_CHECKS.append("security.W021")
    if env_bool("BEHIND_TLS_PROXY", False):
        # The proxy terminates TLS and says so in X-Forwarded-Proto; it must overwrite that header
        # from clients, or a client could claim https. See docs/deploying.md.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        if not SECURE_SSL_REDIRECT:
            # The proxy itself redirects http to https (SECURE_SSL_REDIRECT=0 says so).
            SILENCED_SYSTEM_CHECKS.append("security.W008")


# Honest statistics (issue 15). An average computed from the figures we hold is called national only when it
# covers at least this many provinces: 20 of the 63 (years up to 2024), 12 of the 34 (from 2025); below that it
# is "the mean of the n provinces with a figure". No correlation is shown over fewer than CORRELATION_MIN_UNITS.
NATIONAL_AVERAGE_MIN_UNITS = {
    63: int(os.environ.get("NATIONAL_AVERAGE_MIN_UNITS_63", "20")),
    34: int(os.environ.get("NATIONAL_AVERAGE_MIN_UNITS_34", "12")),
}
CORRELATION_MIN_UNITS = int(os.environ.get("CORRELATION_MIN_UNITS", "8"))
# The yearly report's charts are drawn on the server by plotly's kaleido with this Chromium (issue 15).
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
