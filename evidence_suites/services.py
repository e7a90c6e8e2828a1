"""Writes for forces, suites, opening hours and closures: one function per use case."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time

from auditlog.context import disable_auditlog
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from accounts import audit
from core.errors import Conflict, DomainError
from core.languages import Language

from .models import Closure, Force, OpeningHours, Suite

#: What the suite writes set: the suite's own fields (its opening hours are set apart).
SUITE_FIELDS = frozenset(
    field.name for field in Suite._meta.concrete_fields if field.editable and not field.primary_key
)


@dataclass(frozen=True)
class Period:
    weekday: int
    opens: time
    closes: time


def check_opening_periods(periods: Iterable[Period]) -> list[Period]:
    """Each period opens before it closes and no two periods of one weekday overlap."""
    ordered = sorted(periods, key=lambda p: (p.weekday, p.opens))
    errors: list[str] = []
    for period in ordered:
        if period.opens >= period.closes:
            errors.append(
                f"{period.opens:%H:%M}-{period.closes:%H:%M}: a suite must open before it closes."
            )
    for earlier, later in itertools.pairwise(ordered):
        if earlier.weekday == later.weekday and later.opens < earlier.closes:
            errors.append(
                f"Weekday {later.weekday}: {earlier.opens:%H:%M}-{earlier.closes:%H:%M} and "
                f"{later.opens:%H:%M}-{later.closes:%H:%M} overlap."
            )
    if errors:
        raise DomainError(
            "invalid_opening_hours",
            "The opening hours are not consistent.",
            fields={"opening_hours": errors},
        )
    return ordered


def _replace_opening_hours(suite: Suite, periods: Iterable[Period]) -> None:
    ordered = check_opening_periods(periods)
    before = [str(hours) for hours in suite.opening_hours.all()]
    # The audit log has the week's hours before and after, on the suite: one entry, not one
    # per period deleted and none for those made (bulk_create sends no signal).
    with disable_auditlog():
        suite.opening_hours.all().delete()
    made = OpeningHours.objects.bulk_create(
        OpeningHours(suite=suite, weekday=p.weekday, opens=p.opens, closes=p.closes)
        for p in ordered
    )
    after = [str(hours) for hours in made]
    if before != after:
        audit.record(suite, changes={"opening_hours": (before or None, after)})


@transaction.atomic
def force_create(
    *, code: str, name: str, default_witness_language: str = Language.ENGLISH
) -> Force:
    if Force.objects.filter(code=code).exists() or Force.objects.filter(name=name).exists():
        raise Conflict("force_exists", "A force with this code or name already exists.")
    return Force.objects.create(
        code=code, name=name, default_witness_language=default_witness_language
    )


#: What an admin may change of a force: its code stays its own (users and imports name it).
FORCE_CHANGES = frozenset({"name", "default_witness_language"})


@transaction.atomic
def force_update(*, force: Force, **fields) -> Force:
    """Change a force's name, or the language a new witness of the force is written to in when
    they have not said. Witnesses already entered keep the language they have: each took the
    default of the day, or said."""
    unknown = set(fields) - FORCE_CHANGES
    if unknown:
        raise TypeError(f"Unknown force fields: {sorted(unknown)}")
    force = Force.objects.select_for_update().get(pk=force.pk)
    if "name" in fields and Force.objects.filter(name=fields["name"]).exclude(pk=force.pk).exists():
        raise Conflict(
            "force_exists", "A force with this name already exists.", fields={"name": ["Taken."]}
        )
    for name, value in fields.items():
        setattr(force, name, value)
    force.save()
    return force


@transaction.atomic
def suite_create(*, opening_hours: Iterable[Period] = (), **fields) -> Suite:
    """A new suite, with its weekly opening hours (Europe/London wall-clock times)."""
    unknown = set(fields) - SUITE_FIELDS
    if unknown:
        raise TypeError(f"Unknown suite fields: {sorted(unknown)}")
    if Suite.objects.filter(code=fields["code"]).exists():
        raise Conflict(
            "suite_exists", "A suite with this code already exists.", fields={"code": ["Taken."]}
        )
    suite = Suite.objects.create(**fields)
    _replace_opening_hours(suite, opening_hours)
    return suite


@transaction.atomic
def suite_update(*, suite: Suite, opening_hours: Iterable[Period] | None = None, **fields) -> Suite:
    """Change a suite's details; opening hours, when given, replace the week's hours.

    Bookings already made are not moved by a change of hours: a suite manager who shortens
    the hours sees the bookings outside them on the attention list instead.
    """
    unknown = set(fields) - SUITE_FIELDS
    if unknown:
        raise TypeError(f"Unknown suite fields: {sorted(unknown)}")
    if "code" in fields and Suite.objects.filter(code=fields["code"]).exclude(pk=suite.pk).exists():
        raise Conflict(
            "suite_exists", "A suite with this code already exists.", fields={"code": ["Taken."]}
        )
    for name, value in fields.items():
        setattr(suite, name, value)
    suite.save()
    if opening_hours is not None:
        _replace_opening_hours(suite, opening_hours)
    return suite


@transaction.atomic
def suite_delete(*, suite: Suite) -> None:
    """Delete a suite that was never booked; a suite with bookings is deactivated instead."""
    try:
        suite.delete()
    except ProtectedError:
        raise Conflict(
            "suite_has_bookings",
            "This suite has bookings, so it is kept for the record. Set is_active to false "
            "to stop new bookings.",
        ) from None


@transaction.atomic
def closure_create(*, suite: Suite, starts_at: datetime, ends_at: datetime, reason: str) -> Closure:
    """Close a suite for a period. Two closures of one suite may not overlap."""
    starts_at, ends_at = starts_at.astimezone(UTC), ends_at.astimezone(UTC)
    if ends_at <= starts_at:
        raise DomainError(
            "invalid_window",
            "A closure must end after it starts.",
            fields={"ends_at": ["Must be after starts_at."]},
        )
    if not reason.strip():
        raise DomainError(
            "reason_required", "Say why the suite is closed.", fields={"reason": ["Required."]}
        )
    overlapping = Closure.objects.filter(suite=suite, starts_at__lt=ends_at, ends_at__gt=starts_at)
    if overlapping.exists():
        raise Conflict(
            "closure_overlaps",
            "This closure overlaps another closure of the same suite; change that one instead.",
        )
    try:
        with transaction.atomic():
            return Closure.objects.create(
                suite=suite, starts_at=starts_at, ends_at=ends_at, reason=reason.strip()
            )
    except IntegrityError as error:
        if "closure_no_overlap" in str(error):
            raise Conflict(
                "closure_overlaps",
                "This closure overlaps another closure of the same suite.",
            ) from None
        raise


@transaction.atomic
def closure_delete(*, closure: Closure) -> None:
    closure.delete()
