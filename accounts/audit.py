"""The audit log (README, "Security"): who wrote or read what, when, each field before and after,
and from where (the Data Protection Act 2018 s.62 asks for logs of collection, alteration,
consultation, disclosure and erasure).

django-auditlog records every save() and delete() of the models AUDITLOG_INCLUDE_TRACKING_MODELS
names, whoever makes it: the API, the staff pages, the admin or a command. This module records
what its signals cannot see, and says who and from where on every entry:

- `record`: a write made with a queryset update() (a vacated hearing, a revoked feed token, a
  booking's compare-and-swap, through the booking's history);
- `record_access`: reads of witnesses' personal data, one entry per witness shown, one INSERT;
- sign-ins, failed sign-ins, lockouts and sign-outs, from Django's and django-axes's signals;
- retention: `entries_anonymise` (with the witness), `entries_purge` (after
  AUDIT_RETENTION_DAYS).

Who: the request's user, read when the entry is written (an API token is checked inside the
view, after every middleware has run), or the command or job that wrote. From where: the
client's address as the trusted proxies saw it (`core.net.client_ip`; a client's own
X-Forwarded-For is never believed) and its user agent.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import sys
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any

from auditlog.cid import get_cid
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.core import checks
from django.core.management.base import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q, QuerySet
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone

from core.net import UNSPECIFIED, client_ip

from .models import AuditEntry, User

Action = AuditEntry.Action
#: What personal data in an entry reads once its witness is anonymised.
ANONYMISED = "(anonymised)"

# The request being handled, or the command running: who the entries written now are from.
_request: ContextVar[Any] = ContextVar("audit_request", default=None)
_acting_as: ContextVar[str | None] = ContextVar("audit_acting_as", default=None)


# --- Who and from where -----------------------------------------------------------------------


def client_details(request) -> dict[str, Any]:
    """Where a request came from, as its audit entries keep it."""
    try:
        address = str(ipaddress.ip_address(client_ip(request)))
    except ValueError:
        address = None
    if address == UNSPECIFIED:  # the request came with no address at all
        address = None
    return {"remote_addr": address, "user_agent": request.headers.get("User-Agent", "")[:255]}


@contextlib.contextmanager
def request_bound(request) -> Iterator[None]:
    """Entries written inside are the request's (accounts.audit_middleware)."""
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


@contextlib.contextmanager
def acting_as(label: str) -> Iterator[None]:
    """Entries written inside, with no signed-in user, are attributed to `label`."""
    token = _acting_as.set(label[:150])
    try:
        yield
    finally:
        _acting_as.reset(token)


class AuditedCommand(BaseCommand):
    """A management command whose writes the audit log attributes to it ('command NAME'),
    run from the shell or with call_command."""

    def execute(self, *args, **options):
        with acting_as(f"command {type(self).__module__.rsplit('.', 1)[-1]}"):
            return super().execute(*args, **options)


def _process_label() -> str:
    """Who wrote, when no person, request or AuditedCommand did: one of Django's own commands
    run by hand (createsuperuser, changepassword, shell) is 'command NAME'; a worker, 'system'."""
    program = os.path.basename(sys.argv[0]) if sys.argv else ""
    if program in ("manage.py", "django-admin") and len(sys.argv) > 1:
        return f"command {sys.argv[1]}"
    return "system"


def _attribute(entry: AuditEntry) -> None:
    request = _request.get()
    if request is not None:
        user = getattr(request, "user", None)
        if entry.actor_id is None and user is not None and user.is_authenticated:
            entry.actor = user
        if entry.remote_addr is None and not entry.user_agent:
            for name, value in client_details(request).items():
                setattr(entry, name, value)
    if entry.actor_id is not None:
        entry.actor_email = entry.actor_email or entry.actor.email or None
        entry.actor_label = entry.actor_label or entry.actor.get_username()
    elif not entry.actor_label:
        entry.actor_label = _acting_as.get() or (
            "anonymous" if request is not None else _process_label()
        )


def _own_fields_only(entry: AuditEntry) -> None:
    """django-auditlog lists a created or deleted record's reverse relations too ("bookings:
    bookings.Booking.None") and its empty fields: its entry keeps the fields that held a value."""
    model = entry.content_type.model_class()
    if entry.action in (Action.CREATE, Action.DELETE) and entry.changes and model is not None:
        own = {field.name for field in model._meta.concrete_fields}
        held = 1 if entry.action == Action.CREATE else 0
        entry.changes = {
            name: pair
            for name, pair in entry.changes.items()
            if name in own and pair[held] not in (None, "")
        }


@receiver(pre_save, sender=AuditEntry)
def _complete_before_saving(sender, instance: AuditEntry, **kwargs) -> None:
    # Every entry saved one at a time, django-auditlog's included (bulk ones: record_access).
    _attribute(instance)
    _own_fields_only(instance)


# --- Writing entries ------------------------------------------------------------------------


class _Encoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, models.Model):
            return o.pk
        try:
            return super().default(o)
        except TypeError:  # a phone number, for one
            return str(o)


def _entry(
    instance: models.Model,
    *,
    action: int,
    changes: dict[str, Any] | None = None,
    actor: User | None = None,
    actor_label: str = "",
    object_repr: str | None = None,
    **details: Any,
) -> AuditEntry:
    pk = instance.pk
    return AuditEntry(
        content_type=ContentType.objects.get_for_model(instance),
        object_pk="" if pk is None else str(pk),
        object_id=pk if isinstance(pk, int) else None,
        object_repr=str(instance) if object_repr is None else object_repr,
        action=action,
        changes=(
            json.loads(
                json.dumps({name: list(pair) for name, pair in changes.items()}, cls=_Encoder)
            )
            if changes
            else None
        ),
        actor=actor,
        actor_label=actor_label[:150],
        additional_data=details or None,
        cid=get_cid(),
        timestamp=timezone.now(),
    )


def record(
    instance: models.Model,
    *,
    action: int = Action.UPDATE,
    changes: dict[str, Any] | None = None,
    actor: User | None = None,
    actor_label: str = "",
    request=None,
    **details: Any,
) -> AuditEntry:
    """One entry for a write (or an event) django-auditlog's signals do not see.

    `changes` is `{field: (before, after)}`; `details` (an `event`, a `via`...) are kept as
    the entry's additional data. Without `actor`, the request's user or the running command."""
    entry = _entry(
        instance, action=action, changes=changes, actor=actor, actor_label=actor_label, **details
    )
    if request is not None:
        for name, value in client_details(request).items():
            setattr(entry, name, value)
    entry.save(force_insert=True)
    return entry


def record_many(
    instances: Iterable[models.Model],
    *,
    changes: dict[str, Any],
    actor: User | None = None,
    actor_label: str = "",
    **details: Any,
) -> None:
    """`record` for many objects that saw the same event (a court's list naming every booking
    it stood down), in one INSERT."""
    entries = [
        _entry(
            instance,
            action=Action.UPDATE,
            changes=changes,
            actor=actor,
            actor_label=actor_label,
            **details,
        )
        for instance in instances
    ]
    for entry in entries:
        _attribute(entry)  # bulk_create sends no pre_save
    if entries:
        AuditEntry.objects.bulk_create(entries)


def record_access(instances: Iterable[models.Model], *, via: str, **details: Any) -> None:
    """A read of personal data (DPA 2018 s.62, "consultation"): one entry per object shown, all
    in one INSERT. `via` says which page or endpoint; what was searched for is never kept (it is
    a name)."""
    entries = [_entry(instance, action=Action.ACCESS, via=via, **details) for instance in instances]
    for entry in entries:
        _attribute(entry)  # bulk_create sends no pre_save
    if entries:
        AuditEntry.objects.bulk_create(entries)


# --- Sign-ins (successes, failures and lockouts; django-axes keeps its own records too) ------


def _sign_in_entry(username: str, event: str, request) -> None:
    username = str(username or "")[:150]
    user = User.objects.filter(username=username).first() if username else None
    # A username nobody has is kept as typed: the entry is about that (non-)account.
    record(user or User(username=username), action=Action.ACCESS, request=request, event=event)


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs) -> None:
    record(user, action=Action.ACCESS, actor=user, request=request, event="signed in")


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record(user, action=Action.ACCESS, actor=user, request=request, event="signed out")


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django has already masked the password in `credentials`; only the username is read.
    _sign_in_entry(credentials.get(User.USERNAME_FIELD), "sign-in failed", request)


@receiver(user_locked_out)
def _locked_out(sender, request, username, **kwargs) -> None:
    _sign_in_entry(username, "locked out", request)


# --- Retention ------------------------------------------------------------------------------


def _blank(entries: QuerySet[AuditEntry], fields: Iterable[str]) -> None:
    fields = set(fields)
    with_values = entries.filter(Q(changes__isnull=False) | Q(serialized_data__isnull=False))
    for entry in with_values.only("pk", "changes", "serialized_data"):
        changes = {
            name: [ANONYMISED, ANONYMISED] if name in fields else values
            for name, values in (entry.changes or {}).items()
        }
        serialized = entry.serialized_data
        if isinstance(serialized, dict) and isinstance(serialized.get("fields"), dict):
            serialized = {
                **serialized,
                "fields": {
                    name: ANONYMISED if name in fields else value
                    for name, value in serialized["fields"].items()
                },
            }
        if changes != (entry.changes or {}) or serialized != entry.serialized_data:
            # Retention is the one writer allowed to change entries (in bulk, never save()).
            AuditEntry.objects.filter(pk=entry.pk).update(
                changes=changes or None, serialized_data=serialized
            )


def _about(model: type[models.Model], pks) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=pks
    )


def entries_anonymise(
    *,
    subject: models.Model,
    fields: Iterable[str],
    related: Iterable[tuple[QuerySet, Iterable[str]]] = (),
) -> None:
    """With the person's record (bookings.services.witnesses_anonymise): the entries about
    `subject` keep what happened, when, by whom, and lose its name and the values of its
    personal `fields`; the entries about each queryset of `related` lose the values of its
    `fields` (a booking's staff notes). The erasure itself is recorded."""
    fields = tuple(fields)
    about_subject = _about(type(subject), [subject.pk])
    about_subject.update(object_repr=ANONYMISED)
    _blank(about_subject, fields)
    for queryset, related_fields in related:
        _blank(_about(queryset.model, queryset.values("pk")), related_fields)
    record(
        subject,
        object_repr=ANONYMISED,
        actor_label="retention",
        event="personal data anonymised",
        fields=list(fields),
    )


def entries_purge(*, now: datetime | None = None) -> int:
    """Entries older than AUDIT_RETENTION_DAYS go (in bulk: the model refuses one by one)."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    deleted, _ = AuditEntry.objects.filter(timestamp__lt=cutoff).delete()
    return deleted


@checks.register(checks.Tags.security)
def check_audit_retention(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if settings.AUDIT_RETENTION_DAYS <= settings.RETENTION_DAYS:
        return [
            checks.Error(
                "AUDIT_RETENTION_DAYS must be longer than RETENTION_DAYS: the audit log has to "
                "outlive the personal data it records reads and changes of.",
                id="audit.E001",
            )
        ]
    return []


# --- Reading the log (the staff audit page; the admin lists it too) --------------------------


def entry_list() -> QuerySet[AuditEntry]:
    """Entries newest first, with what each is about and who acted; the staff audit page
    filters them by record, person and day (web/forms/audit.py)."""
    return AuditEntry.objects.select_related("content_type", "actor").order_by("-timestamp", "-id")
