"""Writes for reports: changing an assumption, and sending the weekly summary."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from bookings.models import Booking
from core.clock import local
from evidence_suites.models import Force

from . import selectors
from .models import Assumption
from .renderers import HoursSavedCSVRenderer


@transaction.atomic
def assumption_update(*, actor, assumption: Assumption, **fields) -> Assumption:
    """An operator brings a figure up to date (e.g. this year's cost of an officer hour)."""
    for name, value in fields.items():
        setattr(assumption, name, value)
    assumption.updated_by = actor
    assumption.save()
    return assumption


def weekly_summary_send(*, force: Force, today=None) -> int:
    """Monday's email to a force's report recipients: last week's hours and £ saved with the
    range, the busiest suites, and the CSV. Only that force's officers are counted."""
    today = today or local(timezone.now()).date()
    last_monday = today - timedelta(days=today.weekday() + 7)
    period = selectors.Period(last_monday, last_monday + timedelta(days=6))
    bookings = Booking.objects.filter(witness__force=force)
    report = selectors.hours_saved(bookings=bookings, period=period, group_by="suite")
    recipients = [r.email for r in force.report_recipients.all()]
    if not recipients:
        return 0
    totals = report["totals"]
    top = sorted(report["rows"], key=lambda r: r["hours_saved"]["central"], reverse=True)[:3]
    cost = next(a for a in report["assumptions"] if a["key"] == "cost_per_officer_hour")
    lines = [
        f"{force.name}: officer hours saved by video link suites, "
        f"{period.starts:%d %B} to {period.ends:%d %B %Y}.",
        "",
        f"Hours saved: {totals['hours_saved']['central']:,} "
        f"(range {totals['hours_saved']['low']:,} to {totals['hours_saved']['high']:,}).",
        f"Value: £{totals['value_gbp']['central']:,.0f} "
        f"(range £{totals['value_gbp']['low']:,.0f} to £{totals['value_gbp']['high']:,.0f}) "
        f"at £{cost['value']:.2f} an hour ({cost['year']} prices).",
        f"Officers counted: {totals['bookings_counted']}; bookings not counted: "
        f"{totals['bookings_excluded']}.",
        *(
            [
                f"Officers booked on a rest day: {totals['rest_day_overrides']} (each costs "
                "overtime: see the notes in the CSV)."
            ]
            if totals["rest_day_overrides"]
            else []
        ),
        "",
        "Top suites:",
        *[f"  {row['label']}: {row['hours_saved']['central']:,} hours" for row in top],
        "" if top else "  (no attended bookings last week)",
        "The assumptions and their sources are in the attached CSV and on the report page.",
    ]
    email = EmailMessage(
        subject=f"Hours saved last week: {totals['hours_saved']['central']:,} ({force.name})",
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
    )
    email.attach(
        f"hours-saved-{force.code}-{period.starts:%Y-%m-%d}.csv",
        HoursSavedCSVRenderer().render(report),
        "text/csv",
    )
    email.send()
    return len(recipients)
