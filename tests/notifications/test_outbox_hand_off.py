"""A transaction that stands many witnesses down at once (a court's revised list vacating its
hearings) hands their texts to the workers once it commits, first and in tasks of SEND_BATCH,
and the invites after them: no stand-down text waits behind another booking's calendar
invites, and a storm is a handful of tasks, not one per booking."""

import pytest
from django.db import transaction

from bookings import services
from notifications import tasks
from notifications.models import Channel, Kind, Message
from tests.factories import SuiteFactory, WitnessFactory
from tests.helpers import book

pytestmark = pytest.mark.django_db


@pytest.fixture
def handed_over(monkeypatch):
    """The tasks handed to Celery, in order: each the channels of the messages it carries."""
    tasks_made: list[list[int]] = []
    monkeypatch.setattr(tasks.send_messages, "delay", tasks_made.append)
    return tasks_made


def channels(tasks_made):
    by_id = dict(Message.objects.values_list("pk", "channel"))
    return [[by_id[pk] for pk in task] for task in tasks_made]


def test_thirty_stand_downs_in_one_transaction_go_as_two_tasks_of_texts_then_the_invites(
    clock, hearing, sussex, handed_over, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        bookings = [
            book(
                hearing,
                WitnessFactory(force=sussex),
                SuiteFactory(force=sussex, contact_email=f"suite{n}@sussex.police.example"),
            )
            for n in range(30)
        ]
    handed_over.clear()

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for booking in bookings:
            services.booking_cancel(actor=None, booking=booking, reason="Trial vacated.")

    made = channels(handed_over)
    assert [len(task) for task in made] == [25, 5, 25, 25, 10]
    assert made[0] + made[1] == [Channel.SMS] * 30  # every stand-down text first
    assert {c for task in made[2:] for c in task} == {Channel.EMAIL}  # the 60 CANCEL invites


def test_a_rolled_back_savepoint_takes_its_texts_with_it_and_the_rest_still_go(
    clock, hearing, sussex, handed_over, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        kept, undone = (
            book(hearing, WitnessFactory(force=sussex), SuiteFactory(force=sussex))
            for _ in range(2)
        )
    handed_over.clear()

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        try:
            with transaction.atomic():
                services.booking_cancel(actor=None, booking=undone, reason="Trial vacated.")
                raise RuntimeError("the caller changes its mind")
        except RuntimeError:
            pass
        services.booking_cancel(actor=None, booking=kept, reason="Trial vacated.")

    text = Message.objects.get(booking=kept, channel=Channel.SMS, kind=Kind.STAND_DOWN)
    invite = Message.objects.get(booking=kept, channel=Channel.EMAIL, kind=Kind.STAND_DOWN)
    assert handed_over == [[text.pk], [invite.pk]]
    assert not Message.objects.filter(booking=undone, kind=Kind.STAND_DOWN).exists()
