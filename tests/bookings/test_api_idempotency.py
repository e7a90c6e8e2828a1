"""Idempotent creates (API.md, "Conventions"): a booking sent again with the same
`Idempotency-Key` and body gets the first response again and books once; another body is a
409; a key whose first attempt failed can be used again; keys are their user's own."""

import pytest

from accounts.models import Role
from bookings.models import Booking, BookingStatus
from tests.factories import UserFactory
from tests.helpers import assert_error, post_booking

pytestmark = pytest.mark.django_db

BOOKINGS = "/api/v1/bookings/"


# --- Idempotency-Key --------------------------------------------------------------------------


def test_the_same_key_and_body_replays_the_first_response_and_books_once(
    api, clock, booking_payload
):
    # given
    first = api.post(
        BOOKINGS, booking_payload, format="json", headers={"Idempotency-Key": "abc-123"}
    )
    assert first.status_code == 201, first.content

    # when: the client did not hear back and sends the very same request again
    again = api.post(
        BOOKINGS, booking_payload, format="json", headers={"Idempotency-Key": "abc-123"}
    )

    # then
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert again["Content-Type"].startswith("application/json")
    assert "Idempotent-Replayed" not in first
    assert Booking.objects.count() == 1


def test_the_same_body_with_its_fields_in_another_order_is_the_same_request(
    api, clock, booking_payload
):
    reordered = dict(reversed(list(booking_payload.items())))
    first = api.post(BOOKINGS, booking_payload, format="json", headers={"Idempotency-Key": "k"})

    again = api.post(BOOKINGS, reordered, format="json", headers={"Idempotency-Key": "k"})

    assert again.status_code == first.status_code == 201, again.content
    assert again.json() == first.json()
    assert Booking.objects.count() == 1


def test_the_same_key_with_another_body_is_a_409_and_books_nothing_more(
    api, clock, booking_payload, other_officer
):
    api.post(BOOKINGS, booking_payload, format="json", headers={"Idempotency-Key": "abc-123"})

    response = api.post(
        BOOKINGS,
        {**booking_payload, "witness": other_officer.pk},
        format="json",
        headers={"Idempotency-Key": "abc-123"},
    )

    assert_error(response, 409, "idempotency_key_reused")
    assert Booking.objects.count() == 1


def test_a_key_whose_first_attempt_clashed_can_be_used_again_once_the_slot_is_free(
    api, clock, booking_payload, other_officer
):
    # given: Brighton is taken, so the first attempt with the key clashes
    blocking = post_booking(api, booking_payload, witness=other_officer.pk).json()
    refused = api.post(
        BOOKINGS, booking_payload, format="json", headers={"Idempotency-Key": "retry-me"}
    )
    assert_error(refused, 409, "suite_unavailable")

    # when: the other booking is cancelled and the client retries with the same key
    api.post(f"{BOOKINGS}{blocking['id']}/cancel/", {"reason": "Moved"}, format="json")
    retried = api.post(
        BOOKINGS, booking_payload, format="json", headers={"Idempotency-Key": "retry-me"}
    )

    # then: the retry is a real attempt, not a replay of the failure
    assert retried.status_code == 201, retried.content
    assert "Idempotent-Replayed" not in retried
    assert (
        Booking.objects.filter(status=BookingStatus.CONFIRMED).get().witness_id
        == (booking_payload["witness"])
    )


def test_a_key_whose_first_attempt_was_invalid_can_be_used_again(api, clock, booking_payload):
    bad = api.post(
        BOOKINGS,
        {**booking_payload, "starts_at": "2027-03-24T10:00:00"},
        format="json",
        headers={"Idempotency-Key": "fix-and-retry"},
    )
    assert bad.status_code == 400

    fixed = api.post(
        BOOKINGS, booking_payload, format="json", headers={"Idempotency-Key": "fix-and-retry"}
    )

    assert fixed.status_code == 201, fixed.content
    assert Booking.objects.count() == 1


def test_keys_belong_to_the_user_who_sent_them(
    api, api_as, clock, booking_payload, other_officer, worthing, sussex
):
    colleague = api_as(UserFactory(username="sussex.other", role=Role.SCHEDULER, force=sussex))
    mine = api.post(BOOKINGS, booking_payload, format="json", headers={"Idempotency-Key": "k"})

    theirs = colleague.post(
        BOOKINGS,
        {**booking_payload, "witness": other_officer.pk, "suite": worthing.pk},
        format="json",
        headers={"Idempotency-Key": "k"},
    )

    assert mine.status_code == theirs.status_code == 201, theirs.content
    assert Booking.objects.count() == 2


def test_an_overlong_idempotency_key_is_a_400(api, clock, booking_payload):
    response = api.post(
        BOOKINGS, booking_payload, format="json", headers={"Idempotency-Key": "k" * 256}
    )

    assert_error(response, 400, "invalid_idempotency_key")
    assert Booking.objects.count() == 0
