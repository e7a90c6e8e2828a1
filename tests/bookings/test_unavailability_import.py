"""Importing dates to avoid: an officer's duty roster (.ics) through
`POST /api/v1/witnesses/{id}/unavailability/import/`, and a force's CSV through
`POST /api/v1/unavailability/import/`. Each file adds its periods, or, with any fault, nothing,
naming the line or row; the same file twice adds nothing. The sample files are in rosters/."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings import unavailability_import
from bookings.models import Unavailability
from bookings.unavailability_import import MAX_BYTES
from tests.factories import WitnessFactory
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

ROSTERS = Path(__file__).parent / "rosters"


def sample(name: str) -> bytes:
    return (ROSTERS / name).read_bytes()


def send_roster(client, witness, body: bytes, content_type="text/calendar"):
    url = f"/api/v1/witnesses/{witness.pk}/unavailability/import/"
    return client.post(url, data=body, content_type=content_type)


def send_csv(client, body: bytes, query: str = ""):
    return client.post(f"/api/v1/unavailability/import/{query}", data=body, content_type="text/csv")


def periods(witness) -> list[tuple[str, str, str, str]]:
    """The witness's periods as a scheduler reads them: UTC times, reason, note."""
    return [
        (
            f"{p.starts_at.astimezone(UTC):%Y-%m-%d %H:%M}",
            f"{p.ends_at.astimezone(UTC):%Y-%m-%d %H:%M}",
            p.reason,
            p.note,
        )
        for p in Unavailability.objects.filter(witness=witness).order_by("starts_at")
    ]


def calendar(*events: str) -> bytes:
    return (
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Test//EN\n" + "".join(events) + "END:VCALENDAR\n"
    ).encode()


# --- An officer's roster ------------------------------------------------------------------------


def test_a_duty_roster_adds_leave_a_night_shift_and_a_course_as_london_keeps_them(api, officer):
    # when: the scheduler imports the officer's roster, exported from Outlook
    response = send_roster(api, officer, sample("duty-roster.ics"))

    # then: three periods; the cancelled rest day and the free briefing are skipped
    assert response.status_code == 200, response.json()
    assert response.json() == {"created": 3, "skipped": 2, "errors": {}}
    assert periods(officer) == [
        # 22:00 GMT to 07:00 BST: the clocks went forward in the night, so eight hours
        ("2027-03-27 22:00", "2027-03-28 06:00", "night_shift", "Night shift (Brighton response)"),
        ("2027-03-30 08:30", "2027-03-30 16:30", "course", "Public order refresher"),
        # 1 to 3 April, whole London days: BST midnight to BST midnight
        ("2027-03-31 23:00", "2027-04-03 23:00", "annual_leave", "Annual leave"),
    ]
    assert {p.source for p in Unavailability.objects.all()} == {"roster"}


def test_the_same_roster_twice_adds_nothing(api, officer):
    send_roster(api, officer, sample("duty-roster.ics"))
    before = periods(officer)

    response = send_roster(api, officer, sample("duty-roster.ics"))

    assert response.json() == {"created": 0, "skipped": 5, "errors": {}}
    assert periods(officer) == before


def test_a_free_busy_export_adds_its_busy_periods_and_not_its_free_one(api, officer):
    response = send_roster(api, officer, sample("free-busy.ics"))

    assert response.json() == {"created": 4, "skipped": 1, "errors": {}}
    assert periods(officer) == [
        ("2027-04-05 07:00", "2027-04-05 17:00", "other", ""),
        ("2027-04-06 00:00", "2027-04-07 00:00", "other", ""),
        ("2027-04-07 00:00", "2027-04-08 00:00", "other", ""),
        ("2027-04-08 13:00", "2027-04-08 15:00", "other", ""),
    ]


@pytest.mark.parametrize(
    ("file", "line", "says"),
    [
        ("broken.ics", "line 10", "cannot be read as iCalendar"),
        ("ends-before-it-starts.ics", "line 10", "before it starts"),
        ("repeating.ics", "line 4", "repeating event"),
    ],
)
def test_a_roster_with_a_fault_is_refused_naming_the_line_and_nothing_is_kept(
    api, officer, file, line, says
):
    response = send_roster(api, officer, sample(file))

    body = assert_error(response, 400, "invalid_roster", fields=[line])
    assert list(body["fields"]) == [line]
    assert says in body["fields"][line][0]
    assert "BEGIN line" in body["detail"]
    assert periods(officer) == []  # the good event before the bad one is not kept either


EVENT = "BEGIN:VEVENT\nUID:{uid}\n{times}\nEND:VEVENT\n"


@pytest.mark.parametrize(
    ("times", "says"),
    [
        ("SUMMARY:No times at all", "no start"),
        ("DTSTART:21010401T090000Z\nDTEND:21010401T170000Z", "between the years 2000 and 2100"),
        ("DTSTART;TZID=Atlantis/Poseidonis:20270401T090000\nDURATION:PT8H", "time zone"),
        ("DTSTART:20270401T090000Z\nDURATION:-PT1H", "before it starts"),
        ("DTSTART;VALUE=DATE:20270401\nDTEND:20270402T090000Z", "cannot be read"),
    ],
)
def test_an_event_the_service_cannot_place_refuses_the_roster_at_its_line(
    api, officer, times, says
):
    good = EVENT.format(uid="good", times="DTSTART:20270401T090000Z\nDTEND:20270401T100000Z")
    body = calendar(good, EVENT.format(uid="bad", times=times))

    response = send_roster(api, officer, body)

    fields = assert_error(response, 400, "invalid_roster", fields=["line 9"])["fields"]
    assert says in fields["line 9"][0], fields
    assert periods(officer) == []


@pytest.mark.parametrize(
    ("body", "line"),
    [
        (b"", "line 1"),
        (b"Name,Starts\nPond,2027-04-01\n", "line 1"),
        (b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nEND:VCALENDAR\n", "line 2"),  # never ended
        (b"BEGIN:VCALENDAR\nEND:VCALENDAR\nEND:VEVENT\n", "line 3"),
        (b"BEGIN:VCALENDAR\nSUMMARY:\xff\xfe\nEND:VCALENDAR\n", "line 2"),  # not UTF-8
    ],
)
def test_a_file_that_is_not_a_calendar_is_refused_naming_the_line(api, officer, body, line):
    assert_error(send_roster(api, officer, body), 400, "invalid_roster", fields=[line])


def test_floating_times_are_read_as_london_time_and_words_give_the_reason(api, officer):
    body = calendar(
        EVENT.format(
            uid="a",
            times="SUMMARY:RD\nCATEGORIES:Rest day\nDTSTART:20270405T070000\nDTEND:20270405T150000",
        ),
        EVENT.format(uid="b", times="SUMMARY:Sick leave\nDTSTART;VALUE=DATE:20270406"),
    )

    assert send_roster(api, officer, body).json()["created"] == 2

    assert periods(officer) == [
        ("2027-04-05 06:00", "2027-04-05 14:00", "rest_day", "RD"),  # 07:00 BST
        ("2027-04-05 23:00", "2027-04-06 23:00", "sick", "Sick leave"),  # one whole day
    ]


def test_a_uid_too_long_or_with_control_characters_still_keeps_the_roster_once(api, officer):
    odd = EVENT.format(uid="a\x00b", times="SUMMARY:Rest\x00day\nDTSTART;VALUE=DATE:20270405")
    long = EVENT.format(uid="u" * 300, times="DTSTART;VALUE=DATE:20270406")

    assert send_roster(api, officer, calendar(odd, long)).json()["created"] == 2
    assert send_roster(api, officer, calendar(odd, long)).json()["created"] == 0

    assert [note for *_, note in periods(officer)] == ["Rest day", ""]


def test_a_roster_is_for_the_witness_own_force_only(api_as, kent_scheduler, court_user, officer):
    assert_error(
        send_roster(api_as(kent_scheduler), officer, sample("duty-roster.ics")), 404, "not_found"
    )
    assert_error(
        send_roster(api_as(court_user), officer, sample("duty-roster.ics")),
        403,
        "permission_denied",
    )
    assert periods(officer) == []


def test_a_roster_sent_as_something_else_or_too_large_is_refused(api, officer):
    assert_error(
        send_roster(api, officer, b'{"roster": 1}', content_type="application/json"),
        415,
        "unsupported_media_type",
    )
    huge = calendar(EVENT.format(uid="x", times="SUMMARY:" + "x" * MAX_BYTES))
    assert_error(send_roster(api, officer, huge), 413, "import_too_large", fields=["file"])
    assert periods(officer) == []


# --- A force's CSV ------------------------------------------------------------------------------


@pytest.fixture
def pond(sussex):
    return WitnessFactory(force=sussex, full_name="Amelia Pond", collar_number="4127")


@pytest.fixture
def williams(sussex):
    return WitnessFactory(force=sussex, full_name="Rory Williams", collar_number="5310")


def test_a_forces_csv_adds_each_officers_periods_by_collar_number(api, pond, williams):
    response = send_csv(api, sample("sussex-dates.csv"))

    assert response.json() == {"created": 3, "skipped": 0, "errors": {}}
    assert periods(pond) == [
        ("2027-03-27 22:00", "2027-03-28 06:00", "night_shift", ""),
        # 1 to 3 April as dates: the whole of each London day
        ("2027-03-31 23:00", "2027-04-03 23:00", "annual_leave", "Family holiday"),
    ]
    assert periods(williams) == [("2027-03-29 23:00", "2027-03-30 23:00", "rest_day", "")]
    assert {p.source for p in Unavailability.objects.all()} == {"csv"}


def test_a_csv_with_one_bad_row_adds_nothing_and_names_the_row(api, pond, williams):
    response = send_csv(api, sample("one-bad-row.csv"))

    body = assert_error(response, 400, "invalid_csv", fields=["row 2"])
    assert body["fields"] == {"row 2": ["No officer of Sussex Police has collar number 9999."]}
    assert "counted from 1, the first row under the header" in body["detail"]
    assert Unavailability.objects.count() == 0


def test_the_same_csv_twice_adds_nothing_and_a_repeated_row_counts_once(api, pond, williams):
    twice = sample("sussex-dates.csv") + b"4127,2027-04-01,2027-04-03,Annual leave,Family holiday\n"
    assert send_csv(api, twice).json() == {"created": 3, "skipped": 1, "errors": {}}

    response = send_csv(api, sample("sussex-dates.csv"))

    assert response.json() == {"created": 0, "skipped": 3, "errors": {}}
    assert Unavailability.objects.count() == 3


@pytest.mark.parametrize(
    ("row", "says"),
    [
        ("4127,2027-04-02,2027-04-01,rest_day,", "ends_at must be after starts_at."),
        ("4127,2027-04-01T09:00:00,2027-04-01T17:00:00,rest_day,", "with its offset"),
        ("4127,2027-04-01,2101-01-01,rest_day,", "between the years 2000 and 2100"),
        ("4127,2027-04-01,2027-04-01,holiday,", "The reason must be one of"),
        (",2027-04-01,2027-04-01,rest_day,", "The collar number is missing."),
        ("4127,2027-04-01,2027-04-01,rest_day", "The header has 5 columns; this row has 4."),
    ],
)
def test_a_row_the_service_cannot_read_is_named(api, pond, row, says):
    body = b"collar_number,starts_at,ends_at,reason,note\n" + row.encode() + b"\n"

    fields = assert_error(send_csv(api, body), 400, "invalid_csv", fields=["row 1"])["fields"]

    assert any(says in message for message in fields["row 1"]), fields
    assert Unavailability.objects.count() == 0


def test_a_csv_without_its_header_is_refused(api, pond):
    response = send_csv(api, b"4127,2027-04-01,2027-04-03,annual_leave,\n")

    assert_error(response, 400, "invalid_csv", fields=["header"])


def test_another_forces_officers_are_unknown_collar_numbers(api_as, kent_scheduler, pond):
    response = send_csv(api_as(kent_scheduler), sample("sussex-dates.csv"))

    fields = assert_error(response, 400, "invalid_csv", fields=["row 1"])["fields"]
    assert fields["row 1"] == ["No officer of Kent Police has collar number 4127."]


def test_an_admin_names_the_force(api_as, admin_user, sussex, pond, williams):
    admin = api_as(admin_user)
    assert_error(
        send_csv(admin, sample("sussex-dates.csv")), 400, "force_required", fields=["force"]
    )
    assert_error(
        send_csv(admin, sample("sussex-dates.csv"), "?force=999999"),
        400,
        "unknown_force",
        fields=["force"],
    )

    response = send_csv(admin, sample("sussex-dates.csv"), f"?force={sussex.pk}")

    assert response.json()["created"] == 3


def test_a_scheduler_imports_only_their_own_forces_officers(api, kent, pond):
    response = send_csv(api, sample("sussex-dates.csv"), f"?force={kent.pk}")

    assert_error(response, 400, "other_force", fields=["force"])


# --- Any roster, twice ------------------------------------------------------------------------

START = datetime(2027, 1, 1, tzinfo=UTC)
an_event = st.fixed_dictionaries(
    {
        "uid": st.sampled_from(["a", "b", "c", "d", "e", "f"]),
        "start": st.integers(min_value=0, max_value=365 * 24 * 4),  # quarter hours into 2027
        "length": st.integers(min_value=-8, max_value=4 * 24 * 3),
        "kind": st.sampled_from(["utc", "london", "floating", "day"]),
        "status": st.sampled_from(
            ["", "STATUS:CANCELLED\n", "TRANSP:TRANSPARENT\n", "STATUS:TENTATIVE\n"]
        ),
        "summary": st.sampled_from(["Rest day", "Nights", "Annual leave", "Court", ""]),
    }
)


def event_text(event: dict) -> str:
    starts = START + timedelta(minutes=15 * event["start"])
    ends = starts + timedelta(minutes=15 * event["length"])
    if event["kind"] == "day":
        last = ends + timedelta(days=1)
        days = f"DTSTART;VALUE=DATE:{starts:%Y%m%d}\nDTEND;VALUE=DATE:{last:%Y%m%d}"
    else:
        form, zone = {
            "utc": ("%Y%m%dT%H%M%SZ", ""),
            "london": ("%Y%m%dT%H%M%S", ";TZID=Europe/London"),
            "floating": ("%Y%m%dT%H%M%S", ""),
        }[event["kind"]]
        days = f"DTSTART{zone}:{starts:{form}}\nDTEND{zone}:{ends:{form}}"
    head = f"BEGIN:VEVENT\nUID:{event['uid']}\nSUMMARY:{event['summary']}\n{event['status']}"
    return f"{head}{days}\nEND:VEVENT\n"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(an_event, max_size=8))
def test_any_roster_imported_twice_leaves_exactly_the_periods_of_the_first_import(officer, events):
    Unavailability.objects.all().delete()  # each example starts afresh
    data = calendar(*(event_text(event) for event in events))
    try:
        first = unavailability_import.import_roster(actor=None, witness=officer, data=data)
    except unavailability_import.ImportRefused as refusal:
        # ending before it starts is the only fault these rosters can have; nothing is kept
        assert all("before it starts" in m for ms in refusal.errors.values() for m in ms)
        assert periods(officer) == []
        return
    after_first = periods(officer)

    second = unavailability_import.import_roster(actor=None, witness=officer, data=data)

    assert periods(officer) == after_first
    assert len(after_first) == first.created
    assert (second.created, second.skipped) == (0, first.created + first.skipped)
