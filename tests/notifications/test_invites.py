from bookings.services import booking_create, booking_reschedule, booking_cancel
from tests.factories import london


def test_proto(clock, hearing, officer, suite, mailoutbox, django_capture_on_commit_callbacks):
    suite.contact_email = "suite@example.org"
    suite.save()
    with django_capture_on_commit_callbacks(execute=True):
        b = booking_create(
            actor=None,
            hearing=hearing,
            witness=officer,
            suite=suite,
            interpreter_language="Polish",
            needs_intermediary=True,
            notes="defendant John Smith",
        )
    for m in mailoutbox:
        print(m.to, m.subject)
        print(m.message().as_string())
    with django_capture_on_commit_callbacks(execute=True):
        b = booking_cancel(actor=None, booking=b, reason="x")
    print(mailoutbox[-1].message().as_string())
    assert 0
