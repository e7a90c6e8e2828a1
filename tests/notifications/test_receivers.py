"""Bookings announces its events (bookings.events); notifications must act on every one, or a
witness is not told. A new event without a receiver fails here."""

from django.dispatch import Signal

from bookings import events


def test_every_booking_event_has_a_notifications_receiver():
    signals = {name: value for name, value in vars(events).items() if isinstance(value, Signal)}
    assert signals, "bookings.events declares no events"
    unheard = [name for name, signal in signals.items() if not signal.has_listeners()]
    assert unheard == []
