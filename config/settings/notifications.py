"""Texts, invites, reminders, the witness page, the court lists and the beat schedule."""

import os

from celery.schedules import crontab

from .base import BASE_DIR, PRODUCTION, env

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
# The most parts a text to a witness may take (a part: 160 GSM-7 characters, or 70 UCS-2; 153
# or 67 once split); over it, each language's optional last sentence is dropped, English's
# first (notifications.texts, docs/welsh.md "Length"). English or Welsh alone: 2. Both, Welsh
# first: 4, which holds both languages and the link with any suite name the model allows.
SMS_MAX_SEGMENTS = 2
SMS_MAX_SEGMENTS_BILINGUAL = 4
# A Welsh letter GSM-7 lacks in a suite's name (ŵ, ŷ, â...) makes a text with Welsh in it go as
# UCS-2, a part holding less than half as much: 4 parts cannot hold both languages then, so
# such texts have budgets of their own (English texts drop those accents and stay at 2).
SMS_MAX_SEGMENTS_WELSH_UCS2 = 5
SMS_MAX_SEGMENTS_BILINGUAL_UCS2 = 9
MESSAGE_MAX_ATTEMPTS = env.int("MESSAGE_MAX_ATTEMPTS", default=8)
REMINDER_AHEAD_WORKING_DAYS = env.int("REMINDER_AHEAD_WORKING_DAYS", default=2)
REMINDER_AHEAD_AT = env.str("REMINDER_AHEAD_AT", default="10:00")
REMINDER_ON_DAY_AT = env.str("REMINDER_ON_DAY_AT", default="08:00")
QUIET_HOURS = (
    env.str("QUIET_HOURS_START", default="21:00"),
    env.str("QUIET_HOURS_END", default="08:00"),
)
# Working days are Monday to Friday but England and Wales's bank holidays, by their rules
# (notifications.schedule.bank_holidays); a one-off bank holiday, or a usual one moved away, is
# named here (ISO dates, comma-separated), e.g. EXTRA_BANK_HOLIDAYS=2026-06-08.
EXTRA_BANK_HOLIDAYS = env.list("EXTRA_BANK_HOLIDAYS", default=[])
NOT_BANK_HOLIDAYS = env.list("NOT_BANK_HOLIDAYS", default=[])
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
    # 15:00 in London on working days: courts whose bookings for the next sitting day have no
    # video link are chased, one email each (the task skips bank holidays).
    "chase-court-video-links": {
        "task": "notifications.tasks.chase_court_video_links",
        "schedule": crontab(minute=0, hour=15, day_of_week="mon-fri"),
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
# `make run`'s demo only: the folder where seed_demo leaves a court's revised list, due a few
# minutes after seeding, for beat to move into COURT_LISTS_INBOX when it is due
# (demo/court_lists.py). Empty (the default): no list is left, and beat has no such task.
DEMO_COURT_LISTS_PENDING = env.str("DEMO_COURT_LISTS_PENDING", default="")
if DEMO_COURT_LISTS_PENDING and not os.path.isabs(DEMO_COURT_LISTS_PENDING):
    DEMO_COURT_LISTS_PENDING = str(BASE_DIR / DEMO_COURT_LISTS_PENDING)
if DEMO_COURT_LISTS_PENDING:
    CELERY_BEAT_SCHEDULE["deliver-demo-court-lists"] = {
        "task": "demo.tasks.deliver_demo_court_lists",
        "schedule": 30,
    }
