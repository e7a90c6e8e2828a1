"""The SMS opt-out ledger: a number that replied STOP gets no more texts until it replies START
(Twilio's own refusal, error 21610, counts as a STOP). The ledger keeps the number, not the
witness: a new witness with that number is opted out too."""

from __future__ import annotations

from django.utils import timezone

from bookings.models import Witness

from .models import Channel, Message, SmsOptOut
from .withdrawal import withdraw

OPTED_OUT = "The number replied STOP, so no texts are sent to it."


def opted_out_numbers(phones: set[str]) -> set[str]:
    """The numbers among `phones` that have replied STOP (the opt-out ledger), in one query."""
    if not phones:
        return set()
    ledger = SmsOptOut.objects.filter(phone__in=phones, is_opted_out=True)
    return set(ledger.values_list("phone", flat=True))


def is_opted_out(phone: str) -> bool:
    return phone in opted_out_numbers({phone})


def said_stop(witness, phone: str) -> bool:
    """Whether the witness's record, or the ledger for `phone`, says they replied STOP."""
    return witness.sms_opt_out or is_opted_out(phone)


def will_be_texted(witness) -> bool:
    """Whether texts about the witness's bookings go to them: they have a mobile number, and
    neither their record nor the ledger says that number replied STOP."""
    number = witness.sms_number
    return bool(number) and not said_stop(witness, number)


def opt_out_set(*, phone: str, opted_out: bool, keyword: str) -> None:
    """`phone` said STOP (`opted_out`) or START: the ledger and every witness with that number
    say so, and after a STOP the texts still waiting for them will not go."""
    SmsOptOut.objects.update_or_create(
        phone=phone,
        defaults={"is_opted_out": opted_out, "keyword": keyword, "changed_at": timezone.now()},
    )
    Witness.objects.filter(phone=phone).update(sms_opt_out=opted_out, updated_at=timezone.now())
    if opted_out:
        # Texts go to the witness's number as it is when they are sent: those waiting for
        # every witness who has this number now.
        withdraw(
            Message.objects.filter(channel=Channel.SMS, booking__witness__phone=phone), OPTED_OUT
        )
