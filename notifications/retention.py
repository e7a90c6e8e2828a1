"""A witness's messages, inbound texts and page links when retention anonymises the witness."""

from __future__ import annotations

from collections.abc import Callable

from .models import Audience, Channel, InboundSms, Message, WitnessLink


def witness_messages_anonymise(
    *,
    witness_id: int,
    phone: str,
    email: str,
    scrub: Callable[[str], str] = lambda text: text,
    dry_run: bool = False,
) -> dict[str, int]:
    """Retention (bookings.retention, docs/privacy.md): the addresses a witness's messages
    went to, the provider's error text about them (it can quote the number, in any form),
    anything of theirs in what was sent (`scrub`: their name, number, email and the invites'
    "initials ..." phrase), their inbound texts and their page links go; the messages' kinds,
    statuses, error codes and times stay for the delivery figures. The opt-out ledger keeps the
    number: a STOP must be honoured for as long as we text. Returns how many of each changed
    (or, with `dry_run`, would)."""
    anonymised = "(anonymised)"
    changed_messages = 0
    messages = Message.objects.filter(booking__witness_id=witness_id).only(
        "pk", "channel", "audience", "recipient", "subject", "body", "status_detail"
    )
    for message in messages:
        theirs = message.channel == Channel.SMS or message.audience == Audience.WITNESS
        values = {"subject": scrub(message.subject), "body": scrub(message.body)}
        if theirs:
            values["recipient"] = anonymised
            values["status_detail"] = anonymised if message.status_detail else ""
        else:  # a suite's invite: the suite's own address and errors are not personal
            values["status_detail"] = scrub(message.status_detail)
        values = {name: value for name, value in values.items() if getattr(message, name) != value}
        if values:
            changed_messages += 1
            if not dry_run:
                Message.objects.filter(pk=message.pk).update(**values)
    inbound = InboundSms.objects.filter(booking__witness_id=witness_id)
    if phone:
        inbound = inbound | InboundSms.objects.filter(from_number=phone)
    inbound = inbound.exclude(from_number=anonymised, body=anonymised)
    links = WitnessLink.objects.filter(booking__witness_id=witness_id)
    counts = {
        "messages": changed_messages,
        "inbound_texts": inbound.count(),
        "witness_links": links.count(),
    }
    if not dry_run:
        inbound.update(from_number=anonymised, body=anonymised)
        links.delete()
    return counts
