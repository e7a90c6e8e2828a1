"""Fixtures for the security tests: data built once per module inside a transaction that is
rolled back at the end (each test still runs in its own savepoint), among them the
authorization matrix's two sides and seven callers (`world`), the app as a WSGI callable that
shares the test's transaction, and per-test throttle counters."""

import contextlib
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.utils import timezone

from accounts.models import Role
from bookings import services
from bookings.models import AttentionFlag, AttentionKind, Unavailability, UnavailabilityReason
from court_lists.compare import Slot
from court_lists.models import ChangeKind, CourtList, ListChange, ReadOutcome
from evidence_suites.models import Closure
from notifications.links import token_hash, witness_link_issue
from notifications.models import Channel, Kind, Message, Status, WitnessLink
from reports.models import Assumption
from tests.factories import (
    CourtFactory,
    ForceFactory,
    HearingFactory,
    SuiteFactory,
    UserFactory,
    WitnessFactory,
    api_token_for,
    london,
)
from tests.security.matrix_bodies import PROVIDER_ID
from tests.security.matrix_rows import HOME_SIDE


@contextlib.contextmanager
def module_data(django_db_blocker):
    """Open a transaction for a whole module's data and roll it back afterwards. Each test's
    own `db` transaction nests inside it as a savepoint, so what one test changes the next one
    does not see, and building the data is paid for once."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def fresh_throttles(settings):
    """A cache of the test's own, so rate limits count only this test's requests."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"security-{uuid.uuid4()}",
        }
    }


@pytest.fixture
def connection_kept_across_requests(db):
    """Django's WSGI handler closes the database connection after each request, which would end
    the transaction the test's data lives in; like Django's test client, keep it open."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


KNOWN_BUG = pytest.StashKey[str]()


def pytest_collection_modifyitems(config, items):
    """An operation a fuzz test knows to fail because of an unfixed bug (`KNOWN_BUGS` in its
    module) is an xfail named after the bug, and a strict one: see below."""
    for item in items:
        known = getattr(item.module, "KNOWN_BUGS", None)
        label = getattr(item, "operation_label", None)
        caller = getattr(getattr(item, "test_function", None), "caller", None)
        if known and label and caller and (caller, label) in known:
            item.stash[KNOWN_BUG] = known[(caller, label)]
            item.add_marker(pytest.mark.xfail(reason=known[(caller, label)]))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Strict xfail by hand: pytest's own `strict=True` makes schemathesis's report hook crash
    the whole run (INTERNALERROR) when the bug is fixed, so an unexpected pass is turned into
    a failure here, after that hook has seen it."""
    report = yield
    bug = item.stash.get(KNOWN_BUG, None)
    if bug and call.when == "call" and report.passed and hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"[XPASS(strict)] Fixed? Take it out of KNOWN_BUGS: {bug}"
    return report


# --- The data: two sides, seven callers, built once for the module ------------------------------


def _side(force, court, place: str, suffix: str, phone: str) -> dict:
    suite = SuiteFactory(code=f"{place}-suite", name=f"{place.title()} Police Station", force=force)
    spare = SuiteFactory(
        code=f"{place}-spare", name=f"{place.title()} Community Centre", force=force
    )
    closure = Closure.objects.create(
        suite=suite,
        starts_at=london(2027, 3, 25, 8),
        ends_at=london(2027, 3, 25, 9),
        reason="Fire drill",
    )
    hearing = HearingFactory(court=court, case_reference=f"47{suffix}0000101")
    free_hearing = HearingFactory(
        court=court,
        case_reference=f"47{suffix}0000202",
        starts_at=london(2027, 3, 24, 14),
        ends_at=london(2027, 3, 24, 16, 30),
    )
    witness = WitnessFactory(force=force, full_name=f"Officer {place.title()}", phone=phone)
    booking = services.booking_create(actor=None, hearing=hearing, witness=witness, suite=suite)
    # A day of the officer's leave, well after the hearings (nothing here books over it).
    unavailability = Unavailability.objects.create(
        witness=witness,
        starts_at=london(2027, 4, 12, 0),
        ends_at=london(2027, 4, 13, 0),
        reason=UnavailabilityReason.ANNUAL_LEAVE,
    )
    flag = AttentionFlag.objects.create(
        booking=booking,
        kind=AttentionKind.WITNESS_CANNOT_ATTEND,
        detail="Replied NO to the text.",
        created_at=timezone.now(),
    )
    # The side's court publishes its lists as CaTH location id = its own id; a list read for
    # the day proposes that its booked hearing is gone.
    court.cath_location_id = str(court.pk)
    court.save()
    court_list = CourtList.objects.create(
        court=court,
        list_type="MAGISTRATES_PUBLIC_LIST",
        content_date=hearing.starts_at.date(),
        language="ENGLISH",
        provenance="COMMON_PLATFORM",
        sensitivity="PUBLIC",
        published_at=london(2027, 3, 23, 16, 45),
        digest="0" * 64,
        received_at=timezone.now(),
        outcome=ReadOutcome.PROPOSED,
    )
    list_change = ListChange.objects.create(
        court_list=court_list,
        kind=ChangeKind.MISSING,
        case_reference=hearing.case_reference,
        hearing=hearing,
        before=Slot(hearing.starts_at, hearing.courtroom).as_json(),
    )
    return {
        "court_list": court_list,
        "list_change": list_change,
        "force": force,
        "court": court,
        "suite": suite,
        "spare_suite": spare,
        "closure": closure,
        "hearing": hearing,
        "free_hearing": free_hearing,
        "witness": witness,
        "booking": booking,
        "flag": flag,
        "unavailability": unavailability,
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    # Hearings' day, 09:45: in time to check a witness in for 10:00.
    with (
        time_machine.travel(london(2027, 3, 24, 9, 45), tick=True),
        module_data(django_db_blocker),
    ):
        sussex = ForceFactory(code="sussex", name="Sussex Police")
        kent = ForceFactory(code="kent", name="Kent Police")
        brighton = CourtFactory(code="brighton-mc", name="Brighton Magistrates' Court")
        maidstone = CourtFactory(code="maidstone-mc", name="Maidstone Magistrates' Court")
        sides = {
            "A": _side(sussex, brighton, "brighton", "SS", "+447700900101"),
            "B": _side(kent, maidstone, "maidstone", "KE", "+447700900202"),
        }
        users = {
            "admin": UserFactory(username="admin", role=Role.ADMIN, force=None),
            "scheduler_a": UserFactory(username="sussex.scheduler", force=sussex),
            "scheduler_b": UserFactory(username="kent.scheduler", force=kent),
            "suite_manager_a": UserFactory(
                username="sussex.suites", role=Role.SUITE_MANAGER, force=sussex
            ),
            "court_user_x": UserFactory(
                username="brighton.court", role=Role.COURT_USER, force=None, court=brighton
            ),
            "court_user_y": UserFactory(
                username="maidstone.court", role=Role.COURT_USER, force=None, court=maidstone
            ),
        }
        tokens = {role: api_token_for(user) for role, user in users.items()}
        # Each user's own calendar feed token (what they may list and revoke).
        feed_tokens = {
            role: services.feed_token_create(
                actor=user,
                scope="court",
                subject=brighton if HOME_SIDE[role] == "A" else maidstone,
            )
            for role, user in users.items()
        }
        revoked = services.feed_token_create(
            actor=users["admin"], scope="suite", subject=sides["A"]["suite"]
        )
        services.feed_token_revoke(actor=users["admin"], token=revoked)

        # The witness's link, as the confirmation text carries it; and one past its expiry.
        sms = Message.objects.get(
            booking=sides["A"]["booking"], kind=Kind.CONFIRMATION, channel=Channel.SMS
        )
        Message.objects.filter(pk=sms.pk).update(status=Status.QUEUED, provider_id=PROVIDER_ID)
        witness_link = witness_link_issue(message=sms).split("/w/")[1].strip("/")
        expired = "expired-link-0000000000"
        WitnessLink.objects.create(
            booking=sides["B"]["booking"],
            token_hash=token_hash(expired),
            expires_at=timezone.now() - timedelta(days=1),
        )
        yield {
            "sides": sides,
            "users": users,
            "tokens": tokens,
            "feed_tokens": feed_tokens,
            "fixed": {
                "assumption": Assumption.objects.filter(force=None).order_by("pk").first().pk,
                # a court feed made by one who may subscribe to it (a token stops working
                # once its maker may not: bookings.feeds.token_works)
                "feed_secret": feed_tokens["court_user_x"].secret,
                "revoked_feed_secret": revoked.secret,
                "unknown_secret": "no-such-secret-000000000000",
                "witness_link": witness_link,
                "expired_witness_link": expired,
                "message": sms.pk,
                "phone": sides["A"]["witness"].phone,
                "availability_query": "starts_at=2027-03-24T14:00:00%2B00:00"
                "&ends_at=2027-03-24T15:00:00%2B00:00",
                "report_query": "from=2027-03-01&to=2027-03-31",
            },
        }
