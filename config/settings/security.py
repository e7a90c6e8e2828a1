"""Sign-in, lockout, sessions, two-factor, API tokens, the audit log, the Content Security
Policy and production hardening (README, "Security")."""

from datetime import timedelta

from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF

from .base import PRODUCTION, env
from .notifications import CELERY_BEAT_SCHEDULE

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
    "bookings.Unavailability",
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
