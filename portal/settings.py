"""Kakehashi settings: one module, read top to bottom, every deploy-specific value from the environment.

Defaults suit a newcomer's machine: SQLite under var/ and Celery tasks run eagerly in-process.
DATABASE_URL and REDIS_URL switch to PostgreSQL and a real broker with workers.
"""

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from portal.beat import beat_schedule
from portal.env import env_bool, env_int, env_list, env_str
from portal.schema_settings import SPECTACULAR_SETTINGS  # noqa: F401  (the OpenAPI schema's title and names)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)

DEBUG = env_bool("DJANGO_DEBUG", default=False)
# How many reverse proxies of ours stand in front of gunicorn (0: clients connect directly). Only that many
# X-Forwarded-For entries are believed, by the API throttles and the sign-in lock-out alike, and X-Forwarded-Proto
# is believed only behind a proxy. With 0, a client's own X-Forwarded-For header changes nothing (issue 17).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "django_countries",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_guid",
    "axes",
    "portal",
    "programmes",
    "companies",
    "matching",
    "sources",
    "notices",
    "workspace",
    "partners",
    "alerts",
    "web",
]

MIDDLEWARE = [
    "django_guid.middleware.guid_middleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside CommonMiddleware, which redirects a path missing its slash first: an unknown /api/ path is JSON.
    "portal.errors.api_not_found_middleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After LocaleMiddleware: the API reads ?lang= and Accept-Language itself, for its errors too.
    "portal.api.language.api_language_middleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After AuthenticationMiddleware: a signed-out POST's sign-in returns to the page, not to a POST-only action.
    "portal.login_return.login_return_middleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "portal.errors.NumberTooLargeMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "web.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'kakehashi.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The change feed shows an event once every transaction older than it has ended (portal.changes), so a session
    # left idle inside a transaction must not hold it back for long.
    idle_ms = env_int("DATABASE_IDLE_IN_TRANSACTION_SECONDS", 60, minimum=0) * 1000
    # JIT compiles a plan whose estimated cost passes jit_above_cost; the portal's queries are short, and compiling
    # cost 25-160 ms on each of an opportunity run's reads (docs/matching.md, "Figures"), more than they run.
    jit = "" if env_bool("DATABASE_JIT", default=False) else " -c jit=off"
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c idle_in_transaction_session_timeout={idle_ms}{jit}"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True

AUTHENTICATION_BACKENDS = [
    # django-axes counts failed sign-ins and refuses further tries for a while (brute-force limit).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The client's address by the same rule as the API throttles (TRUSTED_PROXY_COUNT, below).
AXES_CLIENT_IP_CALLABLE = "portal.proxies.client_ip"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ja", _("Japanese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# English dates are written day month year ("21 April 2026"), as the curated text writes them (portal/formats/en).
FORMAT_MODULE_PATH = ["portal.formats"]
# django-countries writes a few countries by their ISO short names in the reader's own or a formal form ("Naoero",
# "Bahamas (The)"); people read and look for the common English names. These msgids are in django-countries' own
# Japanese catalogue (ナウル, バハマ), so the Japanese names stay as they were.
COUNTRIES_OVERRIDE = {"NR": _("Nauru"), "BS": _("Bahamas")}
# Deadlines are Japanese deadlines: pages show Japan time and note the viewer's offset.
TIME_ZONE = "Asia/Tokyo"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Celery: with no REDIS_URL every task runs eagerly in-process, so a newcomer needs no broker.
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"  # a host named, so kombu does not warn of its default
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# The cache (API throttle counters, locks) is shared by every process through Redis when there is one. It fails
# open: with Redis down, pages and reads keep serving, un-throttled, instead of erroring.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kakehashi",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing gives up within about a second when Redis is down, so a request answers 503 instead of hanging (issue 6);
# the run is kept as pending and the dispatcher below enqueues it when the queue is back.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
# Runs recorded while the queue was down: enqueued again once they are this old and still not started, and failed
# as stale only after MATCHING_PENDING_RUN_HOURS (running runs whose worker died: MATCHING_STALE_RUN_MINUTES).
MATCHING_DISPATCH_GRACE_SECONDS = env_int("MATCHING_DISPATCH_GRACE_SECONDS", 120, minimum=0)
MATCHING_DISPATCH_EVERY_SECONDS = env_int("MATCHING_DISPATCH_EVERY_SECONDS", 60, minimum=1)
MATCHING_STALE_RUN_MINUTES = env_int("MATCHING_STALE_RUN_MINUTES", 30, minimum=1)
MATCHING_PENDING_RUN_HOURS = env_int("MATCHING_PENDING_RUN_HOURS", 24, minimum=1)
# The dispatcher's beat task lives in matching.dispatch (autodiscovery only finds tasks.py modules).
CELERY_IMPORTS = ["matching.dispatch"]
CELERY_BEAT_SCHEDULE = beat_schedule(dispatch_every_seconds=MATCHING_DISPATCH_EVERY_SECONDS)

REST_FRAMEWORK = {
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.URLPathVersioning",
    "DEFAULT_VERSION": "v1",
    "ALLOWED_VERSIONS": ["v1"],
    "DEFAULT_SCHEMA_CLASS": "portal.api.schema.ErrorResponsesAutoSchema",
    # JSON only in production: the browsable API would be a second, untested HTML interface to the same data, under
    # the session; the schema and the Swagger docs (portal/api/urls.py) stay public (docs/security.md).
    "DEFAULT_PARSER_CLASSES": [
        "portal.api.parsers.NulFreeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        *(["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        # Any other Authorization scheme is a 401, not an anonymous answer.
        "portal.authentication.UnreadSchemeAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.StandardPagination",
    "EXCEPTION_HANDLER": "portal.api.exceptions.exception_handler",
    # Per signed-in user and per anonymous IP; counters live in the default cache.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "120/minute"),
        "user": env_str("API_THROTTLE_USER", "1200/minute"),
    },
}

# Seconds a cached API list answer is kept (portal.api.caching); a write to the data it shows replaces it at once.
# On only with a cache shared by every process (Redis): a write in one worker must be seen by the others.
API_CACHE_SECONDS = env_int("API_CACHE_SECONDS", 60 if REDIS_URL else 0, minimum=0)

# Request bodies (form fields and API JSON; uploaded files are not counted): a profile is a few kilobytes.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 512 * 1024, minimum=1024)

# CSV uploads through the admin larger than this are refused (bigger files go through `manage.py import_companies`).
COMPANY_IMPORT_MAX_BYTES = env_int("COMPANY_IMPORT_MAX_BYTES", 20 * 1024 * 1024, minimum=1)
# Uploads up to this size are imported within the request; larger ones by a worker, with a progress page.
COMPANY_IMPORT_INLINE_BYTES = env_int("COMPANY_IMPORT_INLINE_BYTES", 1024 * 1024, minimum=0)

# Outgoing mail: SMTP whenever EMAIL_HOST is set, otherwise printed to the console (as in `make run`).
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Kakehashi <noreply@kakehashi.invalid>")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
# Absolute links in emails and feeds, and the host of their Message-IDs; the mailto of List-Unsubscribe.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
UNSUBSCRIBE_MAILTO = env_str("UNSUBSCRIBE_MAILTO")
# A server that hangs must not hold a worker (Django's default is to wait for ever).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)

# Records not verified for this many days are listed as stale for consultants.
STALE_AFTER_DAYS = env_int("STALE_AFTER_DAYS", 180, minimum=1)

# Source watching (issue #13, docs/sources.md). Private, loopback and link-local addresses are refused unless
# SOURCES_ALLOW_PRIVATE=1, which only tests and development set.
SOURCES_ALLOW_PRIVATE = env_bool("SOURCES_ALLOW_PRIVATE", False)
SOURCES_CONTACT = env_str("SOURCES_CONTACT", "curation@kakehashi.example")
SOURCES_TIMEOUT_SECONDS = env_int("SOURCES_TIMEOUT_SECONDS", 15, minimum=1)
SOURCES_MAX_BYTES = env_int("SOURCES_MAX_BYTES", 5 * 1024 * 1024, minimum=1)
SOURCES_CHECK_EVERY_DAYS = env_int("SOURCES_CHECK_EVERY_DAYS", 7, minimum=1)
SOURCES_UNREACHABLE_AFTER = env_int("SOURCES_UNREACHABLE_AFTER", 3, minimum=1)
SOURCES_FETCH_THREADS = env_int("SOURCES_FETCH_THREADS", 4, minimum=1)

# Webhooks (issue 15, docs/alerts.md#webhooks): https endpoints on public addresses, checked when created and at
# every delivery, unless WEBHOOK_ALLOW_PRIVATE=1 (tests and development only; it also allows http). An endpoint that
# failed WEBHOOK_DISABLE_AFTER delivery rounds in a row, or its whole lifetime, is disabled and its owner emailed.
WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE", False)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)
WEBHOOK_THREADS = env_int("WEBHOOK_THREADS", 16, minimum=1)
WEBHOOK_DISABLE_AFTER = env_int("WEBHOOK_DISABLE_AFTER", 10, minimum=1)

# Security headers and cookies. Production values are the defaults whenever DEBUG is off; each can be relaxed
# from the environment (the test suite serves plain HTTP, so it turns off the HTTPS redirect and secure cookies).
# X-Forwarded-Proto is set by our TLS proxy; with no proxy in front, a client could send it to pose as HTTPS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts and styles only from our own static files, nothing inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Request ids: taken from X-Request-ID or made up, written into every log line and carried into the Celery
# tasks a request enqueues (django-guid's Celery integration).
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    # Only a UUID is echoed and logged; anything else is replaced by a fresh id (issue 17).
    "VALIDATE_GUID": True,
    "RETURN_HEADER": True,
    "INTEGRATIONS": [],
}
# Added after DJANGO_GUID is defined, so that the integration can be named lazily.
from django_guid.integrations import CeleryIntegration  # noqa: E402

DJANGO_GUID["INTEGRATIONS"] = [CeleryIntegration(use_django_logging=True, log_parent=True)]

LOG_FORMAT = env_str("LOG_FORMAT", "plain" if DEBUG else "json")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} must be 'plain' or 'json'")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "django_guid.log_filters.CorrelationId"},
        "celery_tracing": {"()": "django_guid.integrations.celery.log_filters.CeleryTracing"},
        "request_without_query": {"()": "portal.logfilters.RequestWithoutQuery"},  # secrets ride in ?token=
        "refusal_without_traceback": {"()": "portal.logfilters.RefusalWithoutTraceback"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(correlation_id)s] %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s %(celery_parent_id)s",
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
            "rename_fields": {"asctime": "time", "levelname": "level", "correlation_id": "request_id"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "celery_tracing", "request_without_query", "refusal_without_traceback"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # ERROR: django-guid's warning about a refused X-Request-ID would write the refused value into the log.
    "loggers": {"django_guid": {"level": "ERROR"}, "axes": {"level": "WARNING"}},
}
