"""A day's worth of data for the staff pages' reflow and accessibility tests
(test_reflow.py), relative to the real today: every table has rows, and the names, references,
links and details are as long as real ones get.

Made once for the module, through the services where the pages show what they did: bookings
today, tomorrow (not yet confirmed) and last week (no outcome), officers who attended for the
reports, an attention flag with a long detail, a court list change waiting for a decision, a
closure, a witness's dates to avoid, calendar feeds and a court's video link."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from types import SimpleNamespace

import time_machine
from django.utils import timezone

from accounts.models import Role
from bookings import services
from bookings.models import (
    AttentionKind,
    FeedScope,
    Outcome,
    Unavailability,
    UnavailabilityReason,
    WitnessType,
)
from core.clock import LONDON, local
from court_lists.models import (
    ChangeKind,
    CourtList,
    ListLanguage,
    ListType,
    ReadOutcome,
    Sensitivity,
)
from court_lists.models import ListChange as Change
from tests.factories import (
    CourtFactory,
    ForceFactory,
    HearingFactory,
    SuiteFactory,
    UserFactory,
    WitnessFactory,
)

#: The longest word a page must wrap rather than scroll for: a real surname, 35 letters.
LONG_WORD = "Wolfeschlegelsteinhausenbergerdorff"
LONG_DETAIL = (
    "The witness replied that they are on a residential training course in Manchester all "
    f"week and cannot attend; call their sergeant, reference {LONG_WORD}-0123456789abcdef, "
    "before moving the booking."
)
LONG_LINK = (
    "https://join.video.justice.gov.uk/meeting/brighton-and-hove-magistrates-court-room-3"
    "?pwd=4821c0ffee4821c0ffee4821"
)


def _at(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def _hearing(court, day, start: int, end: int, **fields):
    return HearingFactory(court=court, starts_at=_at(day, start), ends_at=_at(day, end), **fields)


def _book(hearing, witness, suite, **details):
    """Booked two days before the hearing (so any day works: a past one too), by nobody."""
    with time_machine.travel(hearing.starts_at - timedelta(days=2), tick=False):
        return services.booking_create(
            actor=None, hearing=hearing, witness=witness, suite=suite, **details
        )


def _attended(hearing, witness, suite):
    """An officer who came, gave evidence and was released: the reports count them."""
    booking = _book(hearing, witness, suite)
    arrived = hearing.starts_at - timedelta(minutes=10)
    with time_machine.travel(arrived, tick=False):
        booking = services.booking_check_in(actor=None, booking=booking, at=arrived)
    released = hearing.starts_at + timedelta(minutes=50)
    with time_machine.travel(released, tick=False):
        return services.booking_complete(
            actor=None, booking=booking, outcome=Outcome.GAVE_EVIDENCE, released_at=released
        )


def _court_list_change(court, hearing, moved_to: datetime):
    """The court's list for the hearing's day, read under "propose": it moves the hearing."""
    content = local(hearing.starts_at).date()
    received = timezone.now() - timedelta(hours=1)
    court_list = CourtList.objects.create(
        court=court,
        list_type=ListType.MAGISTRATES_STANDARD_LIST,
        content_date=content,
        language=ListLanguage.ENGLISH,
        provenance="COMMON_PLATFORM",
        sensitivity=Sensitivity.PUBLIC,
        published_at=received,
        document_version="1.0",
        digest="0" * 64,
        received_at=received,
        outcome=ReadOutcome.PROPOSED,
    )
    return Change.objects.create(
        court_list=court_list,
        kind=ChangeKind.MOVED,
        case_reference=hearing.case_reference,
        hearing=hearing,
        before={"starts_at": hearing.starts_at.isoformat(), "courtroom": hearing.courtroom},
        after={"starts_at": moved_to.isoformat(), "courtroom": "Court 3, annexe, first floor"},
    )


def build_staff_day() -> SimpleNamespace:
    """Sussex's suites and officers around Brighton's court, and a user of each role."""
    today = local(timezone.now()).date()
    sussex = ForceFactory(code="sussex", name="Sussex Police")
    court = CourtFactory(
        code="brighton-mc",
        name="Brighton and Hove Magistrates' Court and Family Court Centre",
        cath_location_id="1234",
    )
    every_day = list(range(7))
    suite = SuiteFactory(
        code="brighton",
        name="Brighton and Hove Central Police Station Video Evidence Suite (Annexe)",
        force=sussex,
        weekdays=every_day,
        kit_notes="Cisco Webex Room Kit Pro, document camera, hearing loop",
        video_endpoint="brighton-central-video-evidence-suite-annexe@video.sussex.police.example",
    )
    other_suite = SuiteFactory(
        code="worthing", name="Worthing Police Station", force=sussex, weekdays=every_day
    )
    users = {
        "admin": UserFactory(username="admin", role=Role.ADMIN, force=None, is_superuser=True),
        "scheduler": UserFactory(username="sussex.scheduler", role=Role.SCHEDULER, force=sussex),
        "suite manager": UserFactory(
            username="sussex.suites", role=Role.SUITE_MANAGER, force=sussex
        ),
        "court user": UserFactory(
            username="brighton.court", role=Role.COURT_USER, force=None, court=court
        ),
    }
    officer = WitnessFactory(
        force=sussex, full_name=f"Hubert Blaine {LONG_WORD}", collar_number="CID-48213-BRIGHTON"
    )
    civilian = WitnessFactory(
        force=sussex, full_name="Amelia Jessica Pond-Williams", witness_type=WitnessType.CIVILIAN
    )
    officers = [WitnessFactory(force=sussex) for _ in range(3)]

    hearing = _hearing(court, today, 10, 13, courtroom="Court 1, annexe, first floor")
    booking = _book(
        hearing,
        officer,
        suite,
        needs_supporter=True,
        needs_intermediary=True,
        interpreter_language="Brazilian Portuguese",
    )
    booking = services.booking_set_video_link(
        actor=users["court user"], booking=booking, video_url=LONG_LINK, video_pin="48213579"
    )
    services.attention_flag_raise(
        booking=booking, kind=AttentionKind.WITNESS_CANNOT_ATTEND, detail=LONG_DETAIL
    )
    _book(_hearing(court, today, 14, 16), civilian, other_suite)

    tomorrow = _hearing(court, today + timedelta(days=1), 10, 12)
    _book(tomorrow, officers[0], suite)
    change = _court_list_change(court, tomorrow, _at(today + timedelta(days=1), 14, 30))
    _book(_hearing(court, today - timedelta(days=6), 10, 12), officers[1], suite)
    for days_ago, witness in ((7, officers[2]), (8, officers[0]), (9, officers[1])):
        _attended(_hearing(court, today - timedelta(days=days_ago), 10, 12), witness, suite)

    Unavailability.objects.create(
        witness=officer,
        starts_at=_at(today + timedelta(days=3), 0),
        ends_at=_at(today + timedelta(days=5), 0),
        reason=UnavailabilityReason.COURSE,
        note=f"Public order training, {LONG_WORD} barracks, residential",
    )
    closure = services.suite_closure_add(
        actor=None,
        suite=suite,
        starts_at=_at(today + timedelta(days=2), 8, 30),
        ends_at=_at(today + timedelta(days=2), 12),
        reason=f"Kit upgrade: the {LONG_WORD} camera mount is replaced",
    )
    label = "The duty sergeants' shared Outlook calendar, Brighton custody"
    feed = services.feed_token_create(
        actor=users["scheduler"], scope=FeedScope.SUITE, subject=suite, label=label
    )
    services.feed_token_create(
        actor=users["suite manager"], scope=FeedScope.SUITE, subject=other_suite, label=label
    )
    services.feed_token_create(
        actor=users["court user"], scope=FeedScope.COURT, subject=court, label=label
    )
    return SimpleNamespace(
        users=users,
        court=court,
        suite=suite,
        hearing=hearing,
        booking=booking,
        civilian=civilian,
        change=change,
        closure=closure,
        feed=feed,
        today=today,
    )
