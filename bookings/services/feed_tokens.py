"""Secret addresses for calendar feeds: made one per subscriber, revoked one at a time, and
noted each time a subscriber's calendar fetches one."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from accounts import audit
from accounts.models import User
from core.errors import Conflict, DomainError
from evidence_suites.models import Suite

from ..feeds import token_hash
from ..models import Court, FeedScope, FeedToken, Witness, WitnessType

FEED_SECRET_BYTES = 32


@transaction.atomic
def feed_token_create(
    *, actor: User | None, scope: str, subject: Court | Suite | Witness, label: str = ""
) -> FeedToken:
    """A new secret address for the calendar feed of a court, a suite or a police officer.

    Each subscriber gets their own, so one can be revoked without breaking the others. Only the
    secret's SHA-256 is stored: the secret is returned once, as `token.secret`, and cannot be
    recovered afterwards (make another token instead). Who may subscribe to what is decided by
    the caller's view of the subject (`selectors.feed_subjects`); the rules here are the feed's
    own: an officer's feed is for a police officer whose details are still held."""
    expected = {FeedScope.COURT: Court, FeedScope.SUITE: Suite, FeedScope.WITNESS: Witness}
    if not isinstance(subject, expected[FeedScope(scope)]):
        raise DomainError(
            "invalid_feed_subject",
            f"A {scope} feed is for a {scope}.",
            fields={"object_id": [f"Not a {scope}."]},
        )
    if scope == FeedScope.WITNESS:
        if subject.witness_type != WitnessType.POLICE_OFFICER:
            raise DomainError(
                "feed_for_officers_only",
                "Only police officers subscribe to a feed of their bookings; other witnesses "
                "are told by SMS.",
                fields={"object_id": ["Not a police officer."]},
            )
        if subject.anonymised_at is not None:
            raise Conflict("witness_anonymised", "This witness's details were anonymised.")
    secret = secrets.token_urlsafe(FEED_SECRET_BYTES)
    token = FeedToken.objects.create(
        scope=scope,
        **{scope: subject},
        token_hash=token_hash(secret),
        label=label.strip(),
        created_by=actor,
    )
    token.secret = secret
    return token


@transaction.atomic
def feed_token_revoke(*, actor: User | None, token: FeedToken) -> FeedToken:
    """The feed address stops working at once (404); other tokens for the same subject don't."""
    revoked = FeedToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token.refresh_from_db(fields=["revoked_at"])
    if revoked:
        audit.record(token, actor=actor, changes={"revoked_at": (None, token.revoked_at)})
    return token


def feed_token_record_fetch(*, token: FeedToken, user_agent: str = "") -> None:
    """Note when a subscriber's calendar last fetched the feed, and which client it was, so
    staff can see subscriptions that have gone quiet. One UPDATE on every fetch (a 304 too),
    deliberately outside a transaction: it is a single statement, and a feed fetch should not
    take the write lock any longer than that."""
    FeedToken.objects.filter(pk=token.pk).update(
        last_fetched_at=timezone.now(), last_user_agent=user_agent[:255]
    )
