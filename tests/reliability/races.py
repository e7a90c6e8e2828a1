"""What the race tests share: how often each race is run (one lucky interleaving proves
little), and the check that no suite or witness ends up double-booked."""

from django.db.models import Exists, OuterRef

from bookings.models import Booking, BookingStatus

ROUNDS = 5


def double_bookings() -> list[str]:
    """Active bookings that overlap another active booking of the same suite (set-up and
    turnaround included) or of the same witness, asked of the database directly."""
    active = Booking.objects.exclude(status=BookingStatus.CANCELLED)
    others = active.exclude(pk=OuterRef("pk"))
    same_suite = others.filter(
        suite=OuterRef("suite"),
        occupied_from__lt=OuterRef("occupied_until"),
        occupied_until__gt=OuterRef("occupied_from"),
    )
    same_witness = others.filter(
        witness=OuterRef("witness"),
        starts_at__lt=OuterRef("ends_at"),
        ends_at__gt=OuterRef("starts_at"),
    )
    return [
        f"{b.reference} suite {b.suite_id} {b.starts_at:%d %H:%M}, witness {b.witness_id}"
        for b in active.filter(Exists(same_suite) | Exists(same_witness))
    ]
