"""The core: the environment and mode, apps and middleware, the database, Redis, Celery,
email, time and language, static files, booking rules, calendar feeds and logging."""

import os
import tempfile
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)
if PRODUCTION:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
else:
    SECRET_KEY = env.str(
        "DJANGO_SECRET_KEY", default="development-only-key-not-for-production-use-0123456789"
    )
    ALLOWED_HOSTS = env.list(
        "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"]
    )
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# How many reverse proxies stand in front of the app (each appends to X-Forwarded-For). Rate
# limits and sign-in lockout key on the client address those proxies saw (core.net); with 0,
# X-Forwarded-For is ignored, since anyone can write it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    # Sign-in that resists guessing, two-factor sign-in, API tokens hashed at rest (README,
    # "Security"); every staff write and every read of a witness's personal data audited.
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "knox",
    "auditlog",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "phonenumber_field",
    "accounts",
    "evidence_suites",
    "bookings",
    "notifications",
    "court_lists",
    "reports",
    "web",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # -- sign-in and session middleware (issue 13, sign-in helper) --
    # Ends a session SESSION_IDLE_MINUTES after its last request, SESSION_ABSOLUTE_HOURS after
    # its sign-in.
    "accounts.middleware.SessionLifetimeMiddleware",
    # request.user.is_verified(): whether this session's sign-in gave a two-factor code.
    "django_otp.middleware.OTPMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in's page into a 429.
    "axes.middleware.AxesMiddleware",
    # -- audit middleware (issue 13, audit helper) --
    # After authentication: audit entries written during a request say who (read when written,
    # so API token users count), the client's address and the user agent.
    "accounts.audit_middleware.AuditContextMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.context.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'evidence_suites.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Every transaction takes the write lock up front (BEGIN IMMEDIATE), so a booking's
    # check-then-insert cannot interleave with another writer's: SQLite's stand-in for the
    # exclusion constraints PostgreSQL enforces.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file, not shared-cache memory, so concurrent connections lock the way
    # they do in production (waiting on the busy timeout instead of failing at once).
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"evidence-suites-test-{os.getpid()}.sqlite3")
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker and cache ----------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    # No Redis on a developer's machine: the broker is a folder that the web, worker and beat
    # processes share, so the worker and scheduler still run as separate processes.
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # Broadcast exchanges (the workers' remote control), kept in var/ with the rest
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# Acknowledged on receipt: every message is an outbox row, so a task lost with a dead worker
# is recovered by the sweep, never by redelivery (and Celery 5.7 exits when Redis drops while
# it holds a late-acknowledged message).
CELERY_TASK_ACKS_LATE = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Worker processes. A task mostly waits (Twilio is 100-300 ms away, then a commit), so the pool
# is twice the machine's cores (at least 2, at most 8); docker-compose and the benchmark use
# this default (docs/benchmarks.md: 2 processes on 2 cores left a third of the CPU idle).
CELERY_WORKER_CONCURRENCY = env.int(
    "CELERY_WORKER_CONCURRENCY", default=min(8, max(2, 2 * (os.cpu_count() or 1)))
)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/London"
# Workers log through Django's LOGGING (and its redaction), not Celery's own root handler.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Email ----------------------------------------------------------------------------------
# smtp://host:port in production (Mailpit in docker-compose). In development each email is
# written to a file in var/mail/, where the invites can be opened.
if env.str("EMAIL_URL", default="") or PRODUCTION:
    vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Evidence suites <bookings@localhost>")
# Seconds each step of talking to the mail server may take. Without it a mail server that
# stops answering holds a worker (and its claims on the outbox) for ever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# --- Time and language ----------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
# Staff pages are English; what a witness gets follows their language (core.languages), Welsh
# from the project's catalogue, compiled by `make install` (docs/welsh.md).
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
PHONENUMBER_DEFAULT_REGION = "GB"
PHONENUMBER_DB_FORMAT = "E164"

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# GOV.UK Frontend and htmx come from npm (`make` runs `npm ci`); app.css is compiled from
# web/styles/app.scss into var/static-build. Directories not built yet are left out.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    (prefix, path)
    for prefix, path in [
        ("govuk", NODE_MODULES / "govuk-frontend" / "dist" / "govuk"),
        ("htmx", NODE_MODULES / "htmx.org" / "dist"),
        ("", VAR_DIR / "static-build"),
    ]
    if path.is_dir()
]
STATICFILES_DIRS = [path if not prefix else (prefix, path) for prefix, path in STATICFILES_DIRS]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Booking rules --------------------------------------------------------------------------
BOOKING_MAX_HOURS = env.int("BOOKING_MAX_HOURS", default=10)
BOOKING_REFERENCE_PREFIX = env.str("BOOKING_REFERENCE_PREFIX", default="VS")
IDEMPOTENCY_KEY_TTL_HOURS = env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=48)
# Witnesses' personal data is anonymised this many days after their last hearing (HMCTS's video
# hearing service uses about three months).
RETENTION_DAYS = env.int("RETENTION_DAYS", default=90)
# Witnesses never booked are anonymised this many days after they were created or last changed.
RETENTION_UNBOOKED_DAYS = env.int("RETENTION_UNBOOKED_DAYS", default=90)

# --- Calendar feeds (/feeds/<token>.ics) ----------------------------------------------------
# The rolling window of bookings a feed holds, in whole days around today (UK time).
FEED_DAYS_BACK = env.int("FEED_DAYS_BACK", default=30)
FEED_DAYS_AHEAD = env.int("FEED_DAYS_AHEAD", default=180)
# A cancelled booking stays in feeds (as STATUS:CANCELLED, so calendars remove it) this long.
FEED_CANCELLED_DAYS = env.int("FEED_CANCELLED_DAYS", default=14)

# --- Logging --------------------------------------------------------------------------------
# Every record goes through the one console handler, whose filter redacts query strings,
# tracebacks, phone numbers, email addresses and link secrets (core/logging.py says how).
# `json` writes one JSON object per line (structlog) for a log collector; `plain` is for people.
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"console": {"()": "core.logging.console_formatter", "log_format": LOG_FORMAT}},
    "filters": {"redact": {"()": "core.logging.RedactingFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "console",
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own defaults (a console handler when DEBUG, mail to ADMINS otherwise) would
        # see each record before the redacting handler: listed here, they are removed and
        # Django's records reach the console handler like everyone else's.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "INFO"},
        # The SDK logs every request's line and headers at INFO: ten lines per text.
        "twilio.http_client": {"level": "WARNING"},
        # django-axes says "BEGIN version ..." at INFO in every process, every command; its
        # lockouts are logged by accounts.receivers at WARNING.
        "axes": {"level": "WARNING"},
        # runserver's request log, through the same redaction as everything else
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
