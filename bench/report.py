"""The hours-saved report over every booking in the table (a million at full scale).

Ours: `reports.selectors.hours_saved`, in-process, for an admin (who sees every booking), over
the whole span of the data, grouped by force. (The API caps a request at three years; the data
spans a little more, so the selector is called directly.) The limit: the one GROUP BY the
report needs, as raw SQL through psycopg: per force, the officers counted, how many have a
release time and the sum of their time at the suite, and the four exclusion counts. The
report's groups and sums must equal the query's.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

import psycopg

from core.clock import LONDON

from . import grid, measure
from .measure import Measure

SQL = """
SELECT w.force_id, f.name,
  count(*) FILTER (WHERE w.witness_type = 'police_officer' AND b.checked_in_at IS NOT NULL
                     AND b.status IN ('checked_in', 'completed')) AS counted,
  count(*) FILTER (WHERE w.witness_type = 'police_officer' AND b.checked_in_at IS NOT NULL
                     AND b.status IN ('checked_in', 'completed')
                     AND b.released_at IS NOT NULL) AS timed,
  sum(b.released_at - b.checked_in_at)
        FILTER (WHERE w.witness_type = 'police_officer' AND b.checked_in_at IS NOT NULL
                  AND b.status IN ('checked_in', 'completed')
                  AND b.released_at IS NOT NULL) AS remote,
  count(*) FILTER (WHERE w.witness_type <> 'police_officer') AS not_a_police_officer,
  count(*) FILTER (WHERE w.witness_type = 'police_officer' AND b.status = 'cancelled')
    AS cancelled,
  count(*) FILTER (WHERE w.witness_type = 'police_officer' AND b.status = 'completed'
                     AND b.checked_in_at IS NULL) AS did_not_attend,
  count(*) FILTER (WHERE w.witness_type = 'police_officer' AND b.status = 'confirmed')
    AS attendance_not_recorded,
  count(*) FILTER (WHERE w.witness_type = 'police_officer' AND b.checked_in_at IS NOT NULL
                     AND b.status IN ('checked_in', 'completed')
                     AND b.overrides_rest_day) AS rest_day_overrides
FROM bookings_booking b
JOIN bookings_witness w ON w.id = b.witness_id
JOIN evidence_suites_force f ON f.id = w.force_id
WHERE b.starts_at >= %(starts)s AND b.starts_at < %(ends)s
GROUP BY w.force_id, f.name
ORDER BY w.force_id
"""
EXCLUSIONS = ("not_a_police_officer", "cancelled", "did_not_attend", "attendance_not_recorded")


def _span(database_url: str) -> tuple[date, date, int]:
    with psycopg.connect(database_url) as conn:
        first, last, count = conn.execute(
            "SELECT min(starts_at), max(starts_at), count(*) FROM bookings_booking"
        ).fetchone()
    return first.astimezone(LONDON).date(), last.astimezone(LONDON).date(), count


def _check_same(report: dict, rows: list[tuple]) -> None:
    """The report's rows are the query's groups, with the same counts and the same time."""
    from reports.models import Assumption, AssumptionKey

    default_remote = Assumption.objects.get(
        key=AssumptionKey.DEFAULT_REMOTE, force__isnull=True
    ).value
    by_key = {row["key"]: row for row in report["rows"]}
    counted_groups = [row for row in rows if row[2]]
    if set(by_key) != {row[0] for row in counted_groups}:
        raise AssertionError("hours_saved groups differ from the GROUP BY's")
    for force_id, _name, counted, timed, remote, *_exclusions in counted_groups:
        group = by_key[force_id]
        hours = Decimal((remote or timedelta()).total_seconds()) / 3600
        hours += (counted - timed) * default_remote
        expected = float(hours.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
        if (group["bookings_counted"], group["times_not_recorded"], group["remote_hours"]) != (
            counted,
            counted - timed,
            expected,
        ):
            raise AssertionError(f"hours_saved differs from the GROUP BY for force {force_id}")
    excluded = {item["reason"]: item["bookings"] for item in report["totals"]["excluded"]}
    for offset, reason in enumerate(EXCLUSIONS):
        if excluded[reason] != sum(row[5 + offset] for row in rows):
            raise AssertionError(f"hours_saved excluded {reason} differs from the GROUP BY")
    if report["totals"]["rest_day_overrides"] != sum(row[-1] for row in rows):
        raise AssertionError("hours_saved rest-day overrides differ from the GROUP BY")


def run(world: grid.World, database_url: str, repeats: int) -> tuple[Measure, Measure, dict]:
    from accounts.models import User
    from bookings.selectors import booking_list
    from reports.selectors import Period, hours_saved

    first, last, count = _span(database_url)
    period = Period(first, last)
    starts = datetime.combine(first, time.min, tzinfo=LONDON)
    ends = datetime.combine(last + timedelta(days=1), time.min, tzinfo=LONDON)
    admin = User.objects.get(pk=world.admin[0])

    def ours():
        return hours_saved(bookings=booking_list(user=admin), period=period, group_by="force")

    with psycopg.connect(database_url, autocommit=True) as conn:

        def limit():
            return conn.execute(SQL, {"starts": starts, "ends": ends}).fetchall()

        _check_same(ours(), limit())  # also warms the cache for both
        ours_runs, limit_runs = Measure("s"), Measure("s")
        for _run in range(repeats):
            ours_runs.runs.append(measure.seconds(ours)[0])
            limit_runs.runs.append(measure.seconds(limit)[0])
    return ours_runs, limit_runs, {"bookings": count, "from": str(first), "to": str(last)}
