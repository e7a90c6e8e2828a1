"""Settings, read from the environment (twelve-factor).

Development (the default) runs on SQLite with an in-process broker and needs nothing set.
Production (`DJANGO_ENV=production`, as docker-compose runs it) requires a secret key and
allowed hosts and turns on every transport-security setting `check --deploy` asks for.
`DATABASE_URL` and `REDIS_URL` switch to PostgreSQL and Redis in either mode.
"""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
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

# --- Notifications: SMS (Twilio), email invites, reminders, the witness page -----------------
# The service's public address: SMS links and the URL Twilio signs its webhooks with (set it to
# the address Twilio calls when behind a proxy).
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
_twilio_default = (lambda value: env.NOTSET) if PRODUCTION else (lambda value: value)
TWILIO_ACCOUNT_SID = env.str(
    "TWILIO_ACCOUNT_SID", default=_twilio_default("AC00000000000000000000000000000000")
)
TWILIO_AUTH_TOKEN = env.str(
    "TWILIO_AUTH_TOKEN", default=_twilio_default("dev-auth-token-for-the-fake-twilio")
)
TWILIO_MESSAGING_SERVICE_SID = env.str(
    "TWILIO_MESSAGING_SERVICE_SID", default=_twilio_default("MG00000000000000000000000000000000")
)
# Empty means api.twilio.com; development and tests point the SDK at the fake Twilio server.
TWILIO_API_BASE_URL = env.str(
    "TWILIO_API_BASE_URL", default="" if PRODUCTION else "http://127.0.0.1:8020"
)
TWILIO_TIMEOUT_SECONDS = env.float("TWILIO_TIMEOUT_SECONDS", default=10)
WITNESS_CARE_PHONE = env.str("WITNESS_CARE_PHONE", default="01632 960000")
SMS_MAX_SEGMENTS = 2
MESSAGE_MAX_ATTEMPTS = env.int("MESSAGE_MAX_ATTEMPTS", default=8)
REMINDER_AHEAD_WORKING_DAYS = env.int("REMINDER_AHEAD_WORKING_DAYS", default=2)
REMINDER_AHEAD_AT = env.str("REMINDER_AHEAD_AT", default="10:00")
REMINDER_ON_DAY_AT = env.str("REMINDER_ON_DAY_AT", default="08:00")
QUIET_HOURS = (
    env.str("QUIET_HOURS_START", default="21:00"),
    env.str("QUIET_HOURS_END", default="08:00"),
)
WITNESS_LINK_DAYS_AFTER_HEARING = env.int("WITNESS_LINK_DAYS_AFTER_HEARING", default=7)
ICAL_UID_DOMAIN = env.str("ICAL_UID_DOMAIN", default="evidence-suites.example")
OUTBOX_SWEEP_SECONDS = env.int("OUTBOX_SWEEP_SECONDS", default=30)
CELERY_BEAT_SCHEDULE = {
    "sweep-outbox": {
        "task": "notifications.tasks.sweep_outbox",
        "schedule": OUTBOX_SWEEP_SECONDS,
    },
    "anonymise-witnesses": {
        "task": "bookings.tasks.anonymise_witnesses",
        "schedule": crontab(minute=30, hour=2),
    },
    "purge-idempotency-keys": {
        "task": "accounts.tasks.purge_idempotency_keys",
        "schedule": crontab(minute=15),
    },
    "purge-expired-api-tokens": {
        "task": "accounts.tasks.purge_expired_api_tokens",
        "schedule": crontab(minute=20),
    },
    # Monday 07:00 in London (CELERY_TIMEZONE): last week's hours saved, to each force.
    "weekly-hours-saved": {
        "task": "reports.tasks.send_weekly_summaries",
        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
    },
}

# --- Court lists (court_lists: the courts' published daily lists) ---------------------------
# A list larger than this is refused (413), whichever way it comes: pushed, imported or dropped
# in the inbox. A national list of one court's day is about 100 kB.
COURT_LIST_MAX_BYTES = env.int("COURT_LIST_MAX_BYTES", default=5 * 1024 * 1024)
# A folder beat sweeps every minute for lists delivered as files (court_lists.inbox says how to
# drop one there); empty: no folder is swept. A relative path is under the project's folder
# (`make run` uses var/court-lists/inbox).
COURT_LISTS_INBOX = env.str("COURT_LISTS_INBOX", default="")
if COURT_LISTS_INBOX and not os.path.isabs(COURT_LISTS_INBOX):
    COURT_LISTS_INBOX = str(BASE_DIR / COURT_LISTS_INBOX)
# A file changed this recently may still be being written: it waits for the next sweep.
COURT_LISTS_INBOX_SETTLE_SECONDS = env.int("COURT_LISTS_INBOX_SETTLE_SECONDS", default=5)
CELERY_BEAT_SCHEDULE["sweep-court-list-inbox"] = {
    "task": "court_lists.tasks.sweep_court_list_inbox",
    "schedule": 60,
}

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username or client before any password is checked.
    "accounts.backends.SignInLockoutBackend",
    "accounts.backends.StaffBackend",
]
LOGIN_URL = "/sign-in/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/sign-in/"

# --- Sign-in: lockout, sessions, two-factor, API tokens (README, "Security") ----------------
# Lockout (django-axes) on the staff sign-in, the admin sign-in and POST /api/v1/auth/token/:
# SIGN_IN_FAILURE_LIMIT wrong passwords (or two-factor codes) for one username, or from one
# client address, lock that username or address out for SIGN_IN_COOLOFF_MINUTES, counted again
# from each attempt made while locked out. An admin lifts a lockout early by deleting its
# "Access attempt" in /admin/ (or `manage.py axes_reset_username USERNAME`).
AXES_FAILURE_LIMIT = env.int("SIGN_IN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("SIGN_IN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# The client address as TRUSTED_PROXY_COUNT allows (never a header the client wrote itself).
AXES_CLIENT_IP_CALLABLE = "core.net.client_ip"
# Kept in the database (not the cache), so a lockout holds across processes and restarts, and
# each test's transaction isolates its own attempts.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# A success does not wipe the failures: clearing them by address would let anyone with an
# account of their own reset the count of guesses made from their address at other accounts.
AXES_RESET_ON_SUCCESS = False
# Every sign-in recorded: successes (AccessLog), failures and lockouts (AccessFailureLog,
# AccessAttempt); lockouts are also logged by accounts.lockout.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"

# Sessions end SESSION_IDLE_MINUTES after their last request and SESSION_ABSOLUTE_HOURS after
# signing in, however busy (accounts.middleware counts both); the absolute limit is also the
# session's own expiry, in the database and the browser.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_ABSOLUTE_HOURS = env.int("SESSION_ABSOLUTE_HOURS", default=10)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_HOURS * 3600

# Two-factor sign-in (django-otp: an authenticator app, with one-use recovery codes). Anyone
# enrolled (`createuser ... --otp`) gives a code; the roles listed here must be enrolled to
# sign in at all. Admins by default in production; nobody in development, so the demo sign-ins
# need only a password.
OTP_REQUIRED_ROLES = env.list("OTP_REQUIRED_ROLES", default=["admin"] if PRODUCTION else [])
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Evidence suites")
# The admin never shows an authenticator secret or a recovery code: createuser prints them once.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# API tokens (django-rest-knox): only a hash is stored, and each expires API_TOKEN_TTL_HOURS
# after it was issued. The expiry does not slide with use (AUTO_REFRESH off), so a copied token
# is good for a bounded time however busy its thief keeps it; clients sign in again for a new one.
API_TOKEN_TTL_HOURS = env.int("API_TOKEN_TTL_HOURS", default=10)
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=API_TOKEN_TTL_HOURS),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",  # API.md: clients send `Authorization: Token <token>`
}

# --- Audit log (README, "Security") ---------------------------------------------------------
# Every staff write (API, staff pages, admin, management commands), every sign-in and every read
# of a witness's personal data is an accounts.AuditEntry: django-auditlog's log entry with the
# user agent added. The models below are audited on every save() and delete(); services that
# write with a queryset update() record their change through accounts.audit.record.
AUDITLOG_LOGENTRY_MODEL = "accounts.AuditEntry"
# auditlog's own migrations would still create its unused LogEntry table (swapped out above),
# whose key to django_content_type then stops PostgreSQL truncating the database between tests.
MIGRATION_MODULES = {"auditlog": None}
# Before and after kept as JSON values (null, numbers, text), not as their str().
AUDITLOG_STORE_JSON_CHANGES = True
# Time stamps that move on every save are left out, so a save that changes nothing records
# nothing; secrets (password hashes, feed token hashes) and last sign-in times never go in.
_AUDIT_UNCHANGING = ["updated_at"]
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    "evidence_suites.Force",
    {"model": "evidence_suites.Suite", "exclude_fields": _AUDIT_UNCHANGING},
    "evidence_suites.OpeningHours",
    "evidence_suites.Closure",
    {"model": "bookings.Court", "exclude_fields": _AUDIT_UNCHANGING},
    {"model": "bookings.Hearing", "exclude_fields": _AUDIT_UNCHANGING},
    {"model": "bookings.Witness", "exclude_fields": _AUDIT_UNCHANGING},
    {"model": "bookings.Booking", "exclude_fields": _AUDIT_UNCHANGING},
    "bookings.AttentionFlag",
    {
        "model": "bookings.FeedToken",
        "exclude_fields": ["token_hash", "last_fetched_at", "last_user_agent"],
    },
    {"model": "reports.Assumption", "exclude_fields": _AUDIT_UNCHANGING},
    "reports.ReportRecipient",
    {"model": "accounts.User", "exclude_fields": ["password", "last_login"]},
)
# Audit entries are kept six years (the Limitation Act 1980's period for most claims), longer
# than witnesses' personal data (RETENTION_DAYS): a witness's name and contact details inside
# them are blanked when the witness is anonymised; the entries stay. A system check refuses a
# period not longer than RETENTION_DAYS.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=6 * 365)
CELERY_BEAT_SCHEDULE["purge-audit-log"] = {
    "task": "accounts.tasks.purge_audit_log",
    "schedule": crontab(minute=45, hour=2),
}

# --- Time and language ----------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
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

# --- REST API -------------------------------------------------------------------------------
# Request bodies nested deeper than this (arrays and objects) are a 400 (core/parsers.py).
JSON_MAX_DEPTH = env.int("JSON_MAX_DEPTH", default=32)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser"],  # finite numbers, JSON_MAX_DEPTH
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.errors.api_exception_handler",
    # DRF's throttles, keyed on core.net.client_ip (see TRUSTED_PROXY_COUNT).
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttling.AnonRateThrottle",
        "core.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON", default="120/min"),
        "user": env.str("THROTTLE_USER", default="2000/min"),
        "sign_in": env.str("THROTTLE_SIGN_IN", default="10/min"),
        # The staff sign-in page and the witness's page (core.throttling.PageRateThrottle).
        "sign_in_page": env.str("THROTTLE_SIGN_IN_PAGE", default="10/min"),
        "witness_page": env.str("THROTTLE_WITNESS_PAGE", default="30/min"),
    },
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
    "UNAUTHENTICATED_USER": None,
    # Our throttles ask core.net.client_ip; this keeps any of DRF's own from trusting
    # X-Forwarded-For either (None would take it whole, whoever wrote it; 0 is REMOTE_ADDR).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Remote evidence suites API",
    "DESCRIPTION": (
        "Books community video suites for police officers and witnesses giving evidence to "
        "magistrates' courts over a live link. Every 4xx uses one error shape: "
        '`{"code", "detail", "fields"}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from this app, not a CDN: staff networks often block CDNs.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "BookingStatusEnum": "bookings.models.BookingStatus",
        "HearingStatusEnum": "bookings.models.HearingStatus",
        "WitnessTypeEnum": "bookings.models.WitnessType",
        "OutcomeEnum": "bookings.models.Outcome",
        "RoleEnum": "accounts.models.Role",
        "ListChangesPolicyEnum": "bookings.models.ListChangesPolicy",
        "ListTypeEnum": "court_lists.models.ListType",
        "ListLanguageEnum": "court_lists.models.ListLanguage",
        "ListSensitivityEnum": "court_lists.models.Sensitivity",
        "ListReadOutcomeEnum": "court_lists.models.ReadOutcome",
        "ListChangeKindEnum": "court_lists.models.ChangeKind",
        "ListChangeStateEnum": "court_lists.models.ChangeState",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.schema.confidential_whereabouts",
    ],
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

# --- Content Security Policy -----------------------------------------------------------------
# Scripts only from this site or inline with the page's nonce; nothing may frame the pages.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # GOV.UK Frontend and Swagger UI set style attributes from script.
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# --- Production hardening (what `check --deploy` asks for) ----------------------------------
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
