"""The demo's standing data: forces, suites and a closure, courts, witnesses and sign-ins.

Each row is looked up by its natural key first (force, suite and court codes, a witness's force
and name, a username), so a second run creates nothing; what is new goes through the services,
so it obeys the same rules as the API.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

from django.utils import timezone

from accounts.management.commands.createuser import staff_user_save
from accounts.models import User
from bookings import services
from bookings.models import Court, Witness
from core.clock import at_london
from core.errors import DomainError
from evidence_suites.models import Closure, Force, Suite
from evidence_suites.services import Period, closure_create, force_create, suite_create

from . import data


def _place(row: data.SuiteRow | data.CourtRow) -> dict:
    """A suite's or a court's code, name and whereabouts, as their services take them."""
    return {
        "code": row.code,
        "name": row.name,
        "address": row.address,
        "postcode": row.postcode,
        "latitude": Decimal(row.latitude),
        "longitude": Decimal(row.longitude),
    }


def seed_forces(created: Counter) -> dict[str, Force]:
    forces = {}
    for code, name, language in data.FORCES:
        force = Force.objects.filter(code=code).first()
        if force is None:
            force = force_create(code=code, name=name, default_witness_language=language)
            created["forces"] += 1
        forces[code] = force
    return forces


def seed_suites(forces: dict[str, Force], created: Counter) -> dict[str, Suite]:
    suites = {}
    for row in data.SUITES:
        suite = Suite.objects.filter(code=row.code).first()
        if suite is None:
            hours = [Period(day, *data.OFFICE_HOURS) for day in data.WEEKDAYS]
            if row.saturday_morning:
                hours.append(Period(5, *data.SATURDAY_MORNING))
            suite = suite_create(
                opening_hours=hours,
                **_place(row),
                name_cy=row.name_cy,
                force=forces[row.force],
                capacity=row.capacity,
                turnaround_minutes=row.turnaround_minutes,
                location_confidential=row.location_confidential,
                kit_notes=row.kit_notes,
                accessibility_notes=row.accessibility_notes,
                contact_phone=row.contact_phone,
                contact_email=f"{row.code}.suite@{row.force}.police.example",
            )
            created["suites"] += 1
        suites[row.code] = suite
    return suites


def seed_closure(suites: dict[str, Suite], days: list[date], today: date, created: Counter):
    """One whole-day closure in the coming fortnight, unless one is still to come."""
    code, days_ahead, reason = data.CLOSURE
    suite = suites[code]
    if Closure.objects.filter(suite=suite, reason=reason, ends_at__gt=timezone.now()).exists():
        return
    ahead = [day for day in days if day > today]
    day = ahead[min(days_ahead, len(ahead)) - 1]
    try:
        closure_create(
            suite=suite,
            starts_at=at_london(day, data.OFFICE_HOURS[0]),
            ends_at=at_london(day, data.OFFICE_HOURS[1]),
            reason=reason,
        )
        created["closures"] += 1
    except DomainError:
        pass  # another closure is already there: that one will do


def seed_courts(created: Counter, notes: list[str]) -> dict[str, Court]:
    """The demo courts, each with the CaTH location id its lists are published under and its
    policy for their changes. A court from an earlier demo that has no location id yet is given
    its id and policy, as an admin would; one that has an id keeps it and its policy."""
    courts = {}
    for row in data.COURTS:
        court = Court.objects.filter(code=row.code).first()
        if court is None:
            court = services.court_create(
                **_place(row),
                name_cy=row.name_cy,
                contact_email=row.contact_email,
                contact_phone=row.contact_phone,
                cath_location_id=row.cath_location_id,
                list_changes=row.list_changes,
            )
            created["courts"] += 1
        elif not court.cath_location_id:
            try:
                court = services.court_update(
                    court=court,
                    cath_location_id=row.cath_location_id,
                    list_changes=row.list_changes,
                )
                created["courts given a CaTH location id"] += 1
            except DomainError as refusal:  # another court has the id (an admin gave it)
                notes.append(f"{court.name} has no CaTH location id: {refusal.detail}")
        courts[row.code] = court
    return courts


def seed_witnesses(forces: dict[str, Force], created: Counter) -> list[Witness]:
    witnesses = []
    for row in data.WITNESSES:
        force = forces[row.force]
        witness = Witness.objects.filter(force=force, full_name=row.full_name).first()
        if witness is None:
            witness = services.witness_create(
                full_name=row.full_name,
                witness_type=row.witness_type,
                force=force,
                collar_number=row.collar_number,
                phone=f"+447700900{row.phone_suffix:03d}",
                email=row.email,
                language=row.language,
            )
            created["witnesses"] += 1
        witnesses.append(witness)
    return witnesses


def seed_users(created: Counter) -> None:
    """The demo sign-ins. An existing user is left alone (their password is not reset)."""
    for row in data.USERS:
        if User.objects.filter(username=row.username).exists():
            continue
        staff_user_save(
            username=row.username,
            password=data.DEMO_PASSWORD,
            role=row.role,
            force_code=row.force,
            court_code=row.court,
            email=row.email,
        )
        created["users"] += 1
