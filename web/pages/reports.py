"""Staff pages: reports. Officer hours saved by the suites, as a low–central–high range with its
£ value, the bookings left out and why, every assumption with its source, charts by month and
by suite, and the suites' management information, for the bookings the user may see (the same
selectors, scoping and numbers as the API and its CSV).

A fixed number of queries whatever the period holds: each breakdown is one aggregate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import dateformat, timezone
from django.views.decorators.http import require_GET

from accounts.models import Role
from bookings.selectors import booking_list
from core.clock import local
from evidence_suites.models import Force
from reports.models import AssumptionKey, EvidenceKind
from reports.selectors import Period, hours_saved, management_information

from ..charts import Bar, bar_chart, column_chart
from ..forms.errors import error_links
from ..forms.reports import GROUP_CHOICES, ReportForm

#: The default report: this month so far and the two before it.
DEFAULT_MONTHS = 3
GROUP_NAMES = dict(GROUP_CHOICES)
GROUP_PLURALS = {"month": "months", "suite": "suites", "court": "courts", "force": "police forces"}


# --- Numbers and dates as people read them ------------------------------------------------------


def hours_text(value: float) -> str:
    """9.5 → "9.5"; 4.0 → "4"; 1335.0 → "1,335"."""
    text = f"{abs(value):,.1f}".removesuffix(".0")
    return f"−{text}" if value < 0 else text


def money_text(value: float) -> str:
    text = f"£{abs(value):,.2f}"
    return f"−{text}" if value < 0 else text


def percent_text(rate: float | None) -> str | None:
    return None if rate is None else f"{rate * 100:.1f}%".replace(".0%", "%")


def day_text(day: date) -> str:
    return dateformat.format(day, "j F Y")


def default_period(today: date) -> tuple[date, date]:
    """From the first of the month two months ago to today: three months, the last one so far."""
    month_index = today.year * 12 + today.month - 1 - (DEFAULT_MONTHS - 1)
    return date(month_index // 12, month_index % 12 + 1, 1), today


def months_between(starts: date, ends: date) -> list[date]:
    """The first day of each month the period touches."""
    months, month = [], starts.replace(day=1)
    while month <= ends:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


# --- Rows and charts --------------------------------------------------------------------------


def _words(template: str, text, *fields: str) -> property:
    """A row's figures `fields` as `text` writes them, put into `template`."""
    return property(lambda row: template.format(*(text(getattr(row, name)) for name in fields)))


@dataclass(frozen=True)
class Row:
    """One line of a breakdown, as shown in its table and chart."""

    key: str
    label: str
    counted: int
    not_recorded: int
    central: float
    low: float
    high: float
    value_central: float
    value_low: float
    value_high: float

    @classmethod
    def from_report(cls, row: dict, label: str | None = None) -> Row:
        return cls(
            key=str(row.get("key", "")),
            label=label or str(row.get("label", "")),
            counted=row["bookings_counted"],
            not_recorded=row["times_not_recorded"],
            central=row["hours_saved"]["central"],
            low=row["hours_saved"]["low"],
            high=row["hours_saved"]["high"],
            value_central=row["value_gbp"]["central"],
            value_low=row["value_gbp"]["low"],
            value_high=row["value_gbp"]["high"],
        )

    @classmethod
    def empty(cls, key: str, label: str) -> Row:
        return cls(key, label, 0, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)

    # How the figures read: "1,335", "1,200 to 1,500", "between 1,200 and 1,500"; the same in £.
    hours = _words("{}", hours_text, "central")
    hours_range = _words("{} to {}", hours_text, "low", "high")
    hours_between = _words("between {} and {}", hours_text, "low", "high")
    value = _words("{}", money_text, "value_central")
    value_range = _words("{} to {}", money_text, "value_low", "value_high")
    value_between = _words("between {} and {}", money_text, "value_low", "value_high")


def month_rows(report: dict, period: Period) -> list[Row]:
    """Every month of the period, a month with no attended booking as zero."""
    by_key = {row["key"]: row for row in report["rows"]}
    rows = []
    for month in months_between(period.starts, period.ends):
        key, label = month.strftime("%Y-%m"), dateformat.format(month, "F Y")
        rows.append(Row.from_report(by_key[key], label) if key in by_key else Row.empty(key, label))
    return rows


def ranked_rows(report: dict) -> list[Row]:
    """Most hours saved first."""
    rows = [Row.from_report(row) for row in report["rows"]]
    return sorted(rows, key=lambda r: (-r.central, r.label))


def _highest(rows: list[Row], noun: str) -> str:
    best = max(rows, key=lambda r: r.central)
    return (
        f"The most hours were saved {noun} {best.label}: {best.hours} hours ({best.hours_range})."
    )


def _bar(row: Row, **labels) -> Bar:
    """A row in a chart: its central estimate as the bar, the line through it low to high."""
    return Bar(label=row.label, central=row.central, low=row.low, high=row.high, **labels)


def months_chart(rows: list[Row], period_text: str):
    bars = [
        _bar(
            row,
            axis_label=row.label[:3],
            axis_label_2=row.key[:4] if index == 0 or row.key.endswith("-01") else "",
        )
        for index, row in enumerate(rows)
    ]
    return column_chart(
        chart_id="chart-months",
        title=f"Officer hours saved each month, {period_text}",
        desc=(
            "Bar chart. Each bar is the central estimate of hours saved in a month; the line "
            f"through it runs from the low to the high estimate. {_highest(rows, 'in')} "
            "The table after the chart gives every month's figures."
        ),
        bars=bars,
    )


def ranked_chart(rows: list[Row], group_by: str, period_text: str):
    plural = GROUP_PLURALS[group_by]
    bars = [_bar(row, value_text=f"{row.hours} hours") for row in rows]
    return bar_chart(
        chart_id=f"chart-{group_by}",
        title=f"Officer hours saved by {GROUP_NAMES[group_by].lower()}, {period_text}",
        desc=(
            f"Horizontal bar chart, one bar for each of {len(rows)} {plural}, most hours first. "
            "Each bar is the central estimate; the line across it runs from the low to the high "
            f"estimate. {_highest(rows, 'at' if group_by == 'suite' else 'by')} The table "
            "after the chart gives the same figures."
        ),
        bars=bars,
    )


# --- Assumptions ------------------------------------------------------------------------------


KIND_NAMES = dict(EvidenceKind.choices)


def assumption_value(assumption: dict) -> str:
    value, unit = assumption["value"], assumption["unit"]
    if unit == "GBP per hour":
        return f"£{value:,.2f} an hour"
    number = f"{value:g}"
    return f"{number} {unit}"


def assumption_rows(assumptions: list[dict]) -> list[dict]:
    """Each figure with its value in words, its kind and the forces it applies to. The forces'
    names are looked up only when some force has its own figures."""
    codes = {a["force"] for a in assumptions if a["force"]}
    forces = (
        {
            code: (pk, name)
            for code, pk, name in Force.objects.filter(code__in=codes).values_list(
                "code", "pk", "name"
            )
        }
        if codes
        else {}
    )
    return [
        {
            **assumption,
            "value_text": assumption_value(assumption),
            "kind_text": KIND_NAMES.get(assumption["kind"], assumption["kind"]),
            "force_id": forces.get(assumption["force"], (None, None))[0],
            "applies_to": forces.get(assumption["force"], (None, assumption["force"]))[1]
            if assumption["force"]
            else "All forces",
        }
        for assumption in assumptions
    ]


def cost_figures(assumptions: list[dict], user) -> tuple[dict, list[dict]]:
    """The cost of an officer hour the headline quotes, and any forces' own figures besides.

    A scheduler's report counts only their force's officers, so their force's own figure (if
    it has one) is the one used; others see the national figure, with any forces' own."""
    costs = [a for a in assumptions if a["key"] == AssumptionKey.COST_PER_HOUR]
    national = next(a for a in costs if a["force"] is None)
    own = next((a for a in costs if a["force_id"] and a["force_id"] == user.force_id), None)
    if own is not None and user.role == Role.SCHEDULER:
        return own, []
    return national, [a for a in costs if a["force"] is not None]


def figure(assumptions: list[dict], key: str) -> dict:
    return next(a for a in assumptions if a["key"] == key and a["force"] is None)


# --- Management information -------------------------------------------------------------------


def management_rows(information: dict) -> list[dict]:
    return [
        {
            **row,
            "booked_hours_text": hours_text(row["booked_hours"]),
            "open_hours_text": hours_text(row["open_hours"]),
            "utilisation_text": percent_text(row["utilisation"]),
            "no_show_text": percent_text(row["no_show_rate"]),
            "sms_text": percent_text(row["sms_delivery_rate"]),
            "confirmed_text": percent_text(row["witness_confirmed_rate"]),
        }
        for row in information["rows"]
    ]


# --- The page ---------------------------------------------------------------------------------


def _form_data(request, today: date) -> dict:
    """The query string when dates were sent; otherwise the default period (by month, or by
    what the query string asks)."""
    if ReportForm.gives_period(request.GET):
        return request.GET
    starts, ends = default_period(today)
    data = {k: str(v) for k, v in ReportForm.initial_for(starts=starts, ends=ends).items()}
    return {**data, "group_by": request.GET.get("group_by", data["group_by"])}


def csv_url(period: Period, group_by: str) -> str:
    query = {
        "from": period.starts.isoformat(),
        "to": period.ends.isoformat(),
        "group_by": group_by,
        "format": "csv",
    }
    return f"{reverse('hours-saved')}?{urlencode(query)}"


def section(group_by: str, rows: list[Row], chart) -> dict:
    """One breakdown: its heading, its table's rows and its chart (None when nothing counted)."""
    name = GROUP_NAMES[group_by]
    heading = "Hours saved each month" if group_by == "month" else f"Hours saved by {name.lower()}"
    return {"group_by": group_by, "heading": heading, "column": name, "rows": rows, "chart": chart}


def build_report(*, user, period: Period, group_by: str) -> dict:
    """Everything the page shows, from the reports' selectors."""
    bookings = booking_list(user=user)
    by_month = hours_saved(bookings=bookings, period=period, group_by="month")
    by_suite = hours_saved(bookings=bookings, period=period, group_by="suite")
    extra = (
        hours_saved(bookings=bookings, period=period, group_by=group_by)
        if group_by not in ("month", "suite")
        else None
    )
    information = management_information(bookings=bookings, period=period)

    period_text = f"{day_text(period.starts)} to {day_text(period.ends)}"
    totals = by_month["totals"]
    headline = Row.from_report(totals, "All")
    counted = totals["bookings_counted"] > 0
    months = month_rows(by_month, period)
    suites = ranked_rows(by_suite)
    sections = [
        section("month", months, months_chart(months, period_text) if counted else None),
        section("suite", suites, ranked_chart(suites, "suite", period_text) if counted else None),
    ]
    if extra is not None:
        rows = ranked_rows(extra)
        chart = ranked_chart(rows, group_by, period_text) if counted else None
        sections.append(section(group_by, rows, chart))
    assumptions = assumption_rows(by_month["assumptions"])
    cost, other_costs = cost_figures(assumptions, user)
    return {
        "period": period,
        "period_text": period_text,
        "group_by": group_by,
        "group_name": GROUP_NAMES[group_by].lower(),
        "headline": headline,
        "totals": totals,
        "counted": counted,
        "excluded": totals["excluded"],
        "sections": sections,
        "cost": cost,
        "other_costs": other_costs,
        "cost_is_old": cost["year"] < local(timezone.now()).year - 1,
        "default_remote": hours_text(
            figure(by_month["assumptions"], AssumptionKey.DEFAULT_REMOTE)["value"]
        ),
        "counterfactual": {
            level: hours_text(
                figure(by_month["assumptions"], f"counterfactual_{level}_hours")["value"]
            )
            for level in ("low", "central", "high")
        },
        "assumptions": assumptions,
        "has_force_figures": any(a["force"] for a in assumptions),
        "method": by_month["method"],
        "notes": by_month["notes"],
        "csv_url": csv_url(period, group_by),
        "management": management_rows(information),
    }


@login_required
@require_GET
def report(request):
    today = local(timezone.now()).date()
    form = ReportForm(_form_data(request, today))
    context = {"form": form, "report": None, "errors": error_links(form)}
    if form.is_valid():
        data = form.cleaned_data
        context["report"] = build_report(
            user=request.user,
            period=Period(data["starts"], data["ends"]),
            group_by=data["group_by"],
        )
    return render(request, "web/reports.html", context)


urlpatterns = [
    path("reports/", report, name="reports"),
]
