"""Plain helpers the tests share (fixtures are in tests/conftest.py): a signed-in browser and the
words on its page, the API's one error shape, bookings made through the services, the texts a
witness's phone received and what they say, every value in the database, and waiting for another
thread or process."""

import json
import re
import time
from datetime import datetime, timedelta
from html import unescape

import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bookings import services
from bookings.models import Booking, Outcome
from notifications.models import Channel, Kind, Message
from tests.factories import HearingFactory, SuiteFactory, WitnessFactory, london

# --- The staff pages ---------------------------------------------------------------------------


def signed_in(user, **client_options) -> Client:
    """A browser signed in as `user`. `raise_request_exception=False` makes a server error a
    500 page to look at rather than the exception."""
    client = Client(**client_options)
    client.force_login(user)
    return client


def text(response) -> str:
    """The page's words as a person reads them: tags stripped and spaces collapsed, without
    scripts, styles or SVG (an icon has no words; a chart's are its title and description, and
    its numbers stand in the table under it)."""
    html = response.content.decode()
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def queries_for(client, url: str) -> int:
    """How many database queries `client`'s GET of `url` costs (it must answer 200)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def move_form(booking, suite, start: str, end: str) -> dict:
    """The move page's form that moves `booking` to `suite` from `start` to `end` ("14:00")
    on Wednesday 24 March 2027."""
    return {
        "reschedule-version": booking.version,
        "reschedule-date_day": "24",
        "reschedule-date_month": "3",
        "reschedule-date_year": "2027",
        "reschedule-start_time": start,
        "reschedule-end_time": end,
        "reschedule-suite": suite.pk,
    }


# --- The API -----------------------------------------------------------------------------------


def at(hour: int, minute: int = 0, day: int = 24) -> str:
    """A London wall-clock time in March 2027 (GMT), as the API wants it: with its offset."""
    return london(2027, 3, day, hour, minute).isoformat()


def post_booking(api, payload: dict, **overrides):
    """POST /api/v1/bookings/ as `api`: `payload` (`booking_payload`) with `overrides`, as JSON."""
    return api.post("/api/v1/bookings/", {**payload, **overrides}, format="json")


def book_through_api(api, **body) -> Booking:
    """A booking made by POSTing `body` as `api` (it must be a 201), as the database has it."""
    response = post_booking(api, body)
    assert response.status_code == 201, response.content
    return Booking.objects.get(pk=response.json()["id"])


def instant(value: str) -> datetime:
    """A time the API gave, as an aware datetime to compare."""
    return datetime.fromisoformat(value)


def assert_error(response, status: int, code: str, *, fields=()) -> dict:
    """The one error shape: `code` and `detail` always, `fields` only when fields are at fault
    (and then at least the `fields` named, each with its messages)."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) <= {"code", "detail", "fields"}, body
    assert body["code"] == code, body
    assert isinstance(body["detail"], str) and body["detail"].strip(), body
    if fields:
        assert set(fields) <= set(body.get("fields", {})), body
        for messages in body["fields"].values():
            assert messages and all(isinstance(m, str) and m for m in messages), body
    else:
        assert "fields" not in body, body
    return body


# --- Bookings ----------------------------------------------------------------------------------


def book(hearing, witness, suite, **details) -> Booking:
    """A booking made through the services, by nobody in particular (`actor=None`)."""
    return services.booking_create(
        actor=None, hearing=hearing, witness=witness, suite=suite, **details
    )


def attend(hearing, witness, suite, *, arrive, release=None, outcome=Outcome.GAVE_EVIDENCE):
    """Book two days ahead, then record the day as the suite staff would: arrived at `arrive`,
    and released at `release` with `outcome` if it is given."""
    with time_machine.travel(hearing.starts_at - timedelta(days=2), tick=False):
        booking = book(hearing, witness, suite)
    with time_machine.travel(arrive, tick=False):
        booking = services.booking_check_in(actor=None, booking=booking, at=arrive)
    if release is not None:
        with time_machine.travel(release, tick=False):
            booking = services.booking_complete(
                actor=None, booking=booking, outcome=outcome, released_at=release
            )
    return booking


def attend_many(court, force, count: int) -> None:
    """`count` officers of `force` each at a suite of their own for one hearing at `court` on
    Wednesday 3 March 2027: arrived at 09:50, released at 11:00 having given evidence."""
    hearing = HearingFactory(
        court=court, starts_at=london(2027, 3, 3, 10), ends_at=london(2027, 3, 3, 13)
    )
    for _ in range(count):
        attend(
            hearing,
            WitnessFactory(force=force),
            SuiteFactory(force=force),
            arrive=london(2027, 3, 3, 9, 50),
            release=london(2027, 3, 3, 11),
        )


# --- Texts to a witness ------------------------------------------------------------------------


def sms_received(fake, phone) -> list[dict]:
    """The texts the (fake) provider accepted for `phone`, oldest first, as it reports them."""
    return [
        m
        for m in reversed(fake.messages())
        if m["direction"] == "outbound-api" and m["to"] == str(phone)
    ]


def texts_to(fake, phone) -> list[str]:
    """What `phone` received, oldest first: the words the witness reads."""
    return [m["body"] for m in sms_received(fake, phone)]


def texts_by_phone(fake) -> dict[str, list[str]]:
    """Every text the provider accepted for sending, by recipient, oldest first."""
    sent: dict[str, list[str]] = {}
    for message in reversed(fake.messages()):
        if message["direction"] == "outbound-api":
            sent.setdefault(message["to"], []).append(message["body"])
    return sent


def witness_text(booking, kind: str) -> str:
    """What the outbox will text (or texted) the booking's witness about `kind`, as staff see
    it: the link, if any, masked."""
    return Message.objects.get(booking=booking, kind=kind, channel=Channel.SMS).body


def assert_booked(text: str, *, on: str, suite: str) -> None:
    """The confirmation as the witness reads it: the day and time (`on`, "Wed 24 Mar at 10:00")
    and the suite they are booked at."""
    expected = f"You are booked to give evidence by video link on {on} at {suite}."
    assert text.startswith(expected), text


def assert_stood_down(text: str, *, on: str, suite: str | None = None) -> None:
    """The stand-down as the witness reads it: not needed for the booking on that day and time
    (`on`, "Wed 24 Mar at 10:00"), at that suite if given, and not to come."""
    expected = f"You are no longer needed to give evidence on {on} at "
    assert text.startswith(f"{expected}{suite}." if suite else expected), text
    assert "Please do not attend." in text, text


def assert_texts_say_when_and_where(booking, *, day: str, time: str, suite: str) -> None:
    """The outbox holds the witness's confirmation and both reminders, each naming the day
    (`day`, "Wed 24 Mar"; the one on the day says "Today"), the time and the suite."""
    assert_booked(witness_text(booking, Kind.CONFIRMATION), on=f"{day} at {time}", suite=suite)
    ahead = witness_text(booking, Kind.REMINDER_AHEAD)
    assert ahead.startswith(
        f"Reminder: you are giving evidence by video link on {day} at {time} at {suite}."
    ), ahead
    on_the_day = witness_text(booking, Kind.REMINDER_ON_DAY)
    assert on_the_day.startswith(
        f"Today you are giving evidence by video link at {time} at {suite}."
    ), on_the_day


# --- The database ------------------------------------------------------------------------------


def every_value() -> list[tuple[str, str, str]]:
    """(table, column, value as text) for every non-null value of every column of every table in
    the database, Django's and third-party apps' tables included."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [
                column.name
                for column in connection.introspection.get_table_description(cursor, table)
            ]
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if value is None:
                        continue
                    if isinstance(value, memoryview | bytes):
                        value = bytes(value).decode(errors="replace")
                    elif isinstance(value, dict | list):
                        value = json.dumps(value)
                    found.append((table, column, str(value)))
    return found


# --- Waiting for another thread or process -----------------------------------------------------


def wait_until(
    condition, *, timeout: float = 10.0, interval: float = 0.05, what: str = "", detail=None
):
    """Poll until `condition()` is true; on giving up, say what was awaited and `detail()`."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            found = f"\n{detail()}" if detail else ""
            raise AssertionError(f"gave up after {timeout}s waiting for {what or condition}{found}")
        time.sleep(interval)


def wait_until_blocked(what: str, waiting: int = 1) -> None:
    """Until `waiting` other connections wait for a lock this test's transaction holds. SQLite
    cannot say; there the request is simply given time to reach its BEGIN IMMEDIATE."""
    if connection.vendor != "postgresql":
        time.sleep(0.5)
        return

    def blocked():
        with connection.cursor() as cursor:
            # inside a transaction the activity view is a snapshot unless cleared
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
            return cursor.fetchone()[0] >= waiting

    wait_until(blocked, timeout=10, what=what)
