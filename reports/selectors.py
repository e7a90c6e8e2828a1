"""The hours-saved report and management information, computed by the database.

Counted: police officers who attended the suite on the day (checked in), whatever the hearing
then did: at court they would have spent the time anyway. Per booking, the saving is the
in-person counterfactual (low / central / high) minus the time the remote booking really took
(release − arrival where recorded, otherwise a default). Each group's sums come from one
aggregate query, whatever the number of bookings: a fixed number of queries per report.

Officers booked on a rest day (a scheduler overrode their dates to avoid) are counted too, in
the same aggregate, and the report's notes say why: each costs the force overtime.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncMonth

from bookings.models import Booking, BookingStatus, Outcome, WitnessType
from core.clock import LONDON
from evidence_suites.models import Force, Suite

from .assumptions import DEFAULTS, REST_DAY_OVERTIME
from .models import Assumption, AssumptionKey

GROUPS = {
    "force": ("witness__force_id", "witness__force__name"),
    "suite": ("suite_id", "suite__name"),
    "court": ("hearing__court_id", "hearing__court__name"),
    "month": ("month", None),
}
RANGE = ("low", "central", "high")
COUNTERFACTUAL_KEYS = {
    "low": AssumptionKey.COUNTERFACTUAL_LOW,
    "central": AssumptionKey.COUNTERFACTUAL_CENTRAL,
    "high": AssumptionKey.COUNTERFACTUAL_HIGH,
}

EXCLUSION_REASONS = {
    "not_a_police_officer": "Civilian, vulnerable or expert witness: not police time",
    "cancelled": "Cancelled before the day",
    "did_not_attend": "The officer did not attend (no show, or stood down before arriving)",
    "attendance_not_recorded": "No arrival recorded yet",
}


@dataclass(frozen=True)
class Period:
    starts: date
    ends: date  # inclusive

    @property
    def window(self) -> tuple[datetime, datetime]:
        return (
            datetime.combine(self.starts, time.min, tzinfo=LONDON),
            datetime.combine(self.ends + timedelta(days=1), time.min, tzinfo=LONDON),
        )


def in_period(bookings: QuerySet[Booking], period: Period) -> QuerySet[Booking]:
    start, end = period.window
    return bookings.filter(starts_at__gte=start, starts_at__lt=end)


def attended_officers(bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    return bookings.filter(
        witness__witness_type=WitnessType.POLICE_OFFICER,
        checked_in_at__isnull=False,
        status__in=[BookingStatus.CHECKED_IN, BookingStatus.COMPLETED],
    )


def assumptions_by_force() -> tuple[dict[int | None, dict[str, Assumption]], list[Assumption]]:
    """Each force's figures: its own where set, else the national ones. One query."""
    rows = list(Assumption.objects.select_related("force").order_by("key", "force_id"))
    national = {a.key: a for a in rows if a.force_id is None}
    # A national figure deleted by mistake falls back to the published one, never to an error.
    for figure in DEFAULTS:
        if figure["key"] not in national:
            national[figure["key"]] = Assumption(force=None, **figure)
            rows.append(national[figure["key"]])
    rows.sort(key=lambda a: (a.key, a.force_id or 0))
    per_force: dict[int | None, dict[str, Assumption]] = defaultdict(lambda: dict(national))
    per_force[None] = national
    for row in rows:
        if row.force_id is not None:
            per_force[row.force_id][row.key] = row
    return per_force, rows


def _hours(duration: timedelta | None) -> Decimal:
    if not duration:
        return Decimal(0)
    return Decimal(duration.total_seconds()) / Decimal(3600)


def _money(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _round_hours(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def hours_saved(*, bookings: QuerySet[Booking], period: Period, group_by: str) -> dict:
    """The report: rows per group, totals, exclusions with reasons, and every assumption with
    its source."""
    group_field, label_field = GROUPS[group_by]
    scoped = in_period(bookings, period)
    counted = attended_officers(scoped)
    if group_by == "month":
        counted = counted.annotate(month=TruncMonth("starts_at", tzinfo=LONDON))
    value_fields = [group_field, "witness__force_id"] + ([label_field] if label_field else [])
    timed = Q(released_at__isnull=False)
    aggregates = (
        counted.values(*value_fields)
        .annotate(
            counted=Count("id"),
            timed=Count("id", filter=timed),
            remote=Sum(
                ExpressionWrapper(
                    F("released_at") - F("checked_in_at"), output_field=DurationField()
                ),
                filter=timed,
            ),
            rest_day=Count("id", filter=Q(overrides_rest_day=True)),
        )
        .order_by(group_field)
    )
    per_force, all_assumptions = assumptions_by_force()

    groups: dict = {}
    for row in aggregates:
        figures = per_force[row["witness__force_id"]]
        key = row[group_field]
        if isinstance(key, datetime):
            key = key.astimezone(LONDON).strftime("%Y-%m")
        group = groups.setdefault(
            key,
            {
                "key": key,
                "label": row[label_field] if label_field else key,
                "bookings_counted": 0,
                "remote_hours": Decimal(0),
                "hours_saved": dict.fromkeys(RANGE, Decimal(0)),
                "value_gbp": dict.fromkeys(RANGE, Decimal(0)),
                "times_not_recorded": 0,
                "rest_day_overrides": 0,
            },
        )
        untimed = row["counted"] - row["timed"]
        remote = _hours(row["remote"]) + untimed * figures[AssumptionKey.DEFAULT_REMOTE].value
        group["bookings_counted"] += row["counted"]
        group["times_not_recorded"] += untimed
        group["remote_hours"] += remote
        group["rest_day_overrides"] += row["rest_day"]
        cost = figures[AssumptionKey.COST_PER_HOUR].value
        for level in RANGE:
            saved = row["counted"] * figures[COUNTERFACTUAL_KEYS[level]].value - remote
            group["hours_saved"][level] += saved
            group["value_gbp"][level] += saved * cost

    rows = [_rounded(group) for group in groups.values()]
    totals = _rounded(
        {
            "bookings_counted": sum(g["bookings_counted"] for g in groups.values()),
            "times_not_recorded": sum(g["times_not_recorded"] for g in groups.values()),
            "rest_day_overrides": sum(g["rest_day_overrides"] for g in groups.values()),
            "remote_hours": sum((g["remote_hours"] for g in groups.values()), Decimal(0)),
            "hours_saved": {
                level: sum((g["hours_saved"][level] for g in groups.values()), Decimal(0))
                for level in RANGE
            },
            "value_gbp": {
                level: sum((g["value_gbp"][level] for g in groups.values()), Decimal(0))
                for level in RANGE
            },
        }
    )
    excluded = _exclusions(scoped)
    totals["bookings_excluded"] = sum(excluded.values())
    totals["excluded"] = [
        {"reason": reason, "description": EXCLUSION_REASONS[reason], "bookings": count}
        for reason, count in excluded.items()
    ]
    return {
        "from": period.starts.isoformat(),
        "to": period.ends.isoformat(),
        "group_by": group_by,
        "rows": rows,
        "totals": totals,
        "assumptions": [_assumption(a) for a in all_assumptions],
        "notes": [_rest_day_note(totals["rest_day_overrides"])],
        "method": (
            "Counts police officers who attended the suite on the day (checked in). Hours saved "
            "per booking = in-person court attendance (low, central, high) − time at the suite "
            "(release − arrival, or the default when not recorded). Value = hours × cost per "
            "officer hour. A force's own figures are used where it has set them. Officers "
            "booked on a rest day are counted as well: see the notes."
        ),
    }


def _rounded(group: dict) -> dict:
    out = dict(group)
    out["remote_hours"] = _round_hours(group["remote_hours"])
    out["hours_saved"] = {k: _round_hours(v) for k, v in group["hours_saved"].items()}
    out["value_gbp"] = {k: _money(v) for k, v in group["value_gbp"].items()}
    return out


def _exclusions(scoped: QuerySet[Booking]) -> dict[str, int]:
    officer = Q(witness__witness_type=WitnessType.POLICE_OFFICER)
    counts = scoped.aggregate(
        not_a_police_officer=Count("id", filter=~officer),
        cancelled=Count("id", filter=officer & Q(status=BookingStatus.CANCELLED)),
        did_not_attend=Count(
            "id",
            filter=officer & Q(status=BookingStatus.COMPLETED, checked_in_at__isnull=True),
        ),
        attendance_not_recorded=Count("id", filter=officer & Q(status=BookingStatus.CONFIRMED)),
    )
    return {reason: counts[reason] for reason in EXCLUSION_REASONS}


def _rest_day_note(bookings: int) -> dict:
    """Why the report counts the officers booked on a rest day, with the rule's source."""
    figure = REST_DAY_OVERTIME
    hours = figure["value"]
    if bookings:
        counted = (
            f"{bookings} of the officers counted {'was' if bookings == 1 else 'were'} booked on "
            "a rest day: a scheduler overrode their dates to avoid."
        )
    else:
        counted = "No officer counted was booked on a rest day."
    return {
        "key": figure["key"],
        "label": figure["label"],
        "bookings": bookings,
        "text": (
            f"{counted} A booking on an officer's rest day costs the force overtime even though "
            f"the evidence is given by video: at least {hours:g} hours at time and a half when "
            "the officer had less than 15 days' notice, or another rest day owed when they had "
            "more. The hours saved are not reduced for it."
        ),
        "value": float(hours),
        "unit": figure["unit"],
        "source": figure["source"],
        "source_url": figure["source_url"],
    }


def _assumption(row: Assumption) -> dict:
    return {
        "key": row.key,
        "label": row.get_key_display(),
        "force": row.force.code if row.force_id else None,
        "value": float(row.value),
        "unit": row.unit,
        "kind": row.kind,
        "year": row.year,
        "source": row.source,
        "source_url": row.source_url,
    }


# --- Management information ------------------------------------------------------------------


def _open_hours_by_suite(suites: list[Suite], period: Period) -> dict[int, Decimal]:
    """Hours each suite was open in the period, from its weekly hours (closures not removed)."""
    weekdays = defaultdict(int)
    day = period.starts
    while day <= period.ends:
        weekdays[day.weekday()] += 1
        day += timedelta(days=1)
    hours: dict[int, Decimal] = defaultdict(Decimal)
    for suite in suites:
        for opening in suite.opening_hours.all():
            span = datetime.combine(date.min, opening.closes) - datetime.combine(
                date.min, opening.opens
            )
            hours[suite.pk] += _hours(span) * weekdays[opening.weekday]
    return hours


def management_information(*, bookings: QuerySet[Booking], period: Period) -> dict:
    """Per suite: utilisation (booked hours / open hours), no-show rate, SMS delivery rate, and
    the share of witnesses who confirmed."""
    from notifications.models import Channel, Status

    scoped = in_period(bookings, period)
    active = ~Q(status=BookingStatus.CANCELLED)
    per_suite = (
        scoped.values("suite_id", "suite__name")
        .annotate(
            bookings=Count("id", filter=active),
            booked=Sum(
                ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField()),
                filter=active,
            ),
            with_outcome=Count("id", filter=Q(status=BookingStatus.COMPLETED)),
            no_shows=Count("id", filter=Q(outcome=Outcome.NO_SHOW)),
            confirmed_by_witness=Count("id", filter=active & Q(witness_confirmed_at__isnull=False)),
        )
        .order_by("suite__name")
    )
    sms = scoped.values("suite_id").annotate(
        sent=Count(
            "messages",
            filter=Q(messages__channel=Channel.SMS)
            & ~Q(messages__status__in=[Status.PENDING, Status.SENDING, Status.SUPPRESSED]),
            distinct=True,
        ),
        delivered=Count(
            "messages",
            filter=Q(messages__channel=Channel.SMS, messages__status=Status.DELIVERED),
            distinct=True,
        ),
    )
    sms_by_suite = {row["suite_id"]: row for row in sms}
    suites = list(
        Suite.objects.filter(pk__in=[row["suite_id"] for row in per_suite]).prefetch_related(
            "opening_hours"
        )
    )
    open_hours = _open_hours_by_suite(suites, period)

    def rate(part, whole):
        return round(float(part) / float(whole), 3) if whole else None

    rows = []
    for row in per_suite:
        booked = _hours(row["booked"])
        opened = open_hours.get(row["suite_id"], Decimal(0))
        text = sms_by_suite.get(row["suite_id"], {"sent": 0, "delivered": 0})
        rows.append(
            {
                "suite": row["suite_id"],
                "label": row["suite__name"],
                "bookings": row["bookings"],
                "booked_hours": _round_hours(booked),
                "open_hours": _round_hours(opened),
                "utilisation": rate(booked, opened),
                "no_show_rate": rate(row["no_shows"], row["with_outcome"]),
                "sms_sent": text["sent"],
                "sms_delivery_rate": rate(text["delivered"], text["sent"]),
                "witness_confirmed_rate": rate(row["confirmed_by_witness"], row["bookings"]),
            }
        )
    return {"from": period.starts.isoformat(), "to": period.ends.isoformat(), "rows": rows}


def forces_with_recipients() -> QuerySet[Force]:
    return (
        Force.objects.filter(report_recipients__isnull=False)
        .distinct()
        .prefetch_related("report_recipients")
    )
