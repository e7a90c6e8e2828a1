"""Small bar charts drawn on the server as SVG: no JavaScript, printable, and readable by screen
readers as one image with a title and a description (the page puts the same numbers in a table
straight after each chart).

Each value is a range: the central figure is the bar, and the low–high range a thin whisker
with caps across it. Horizontal positions are percentages of the chart's width and vertical
ones are pixels, so the chart fills whatever width it is given while its text stays the size
of the page's text, on a phone as on a desktop.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

BLUE = "#1d70b8"
BLACK = "#0b0c0c"
GREY = "#b1b4b6"
DARK_GREY = "#505a5f"


@dataclass(frozen=True)
class Bar:
    """One bar: its name, the central value and the low–high range around it."""

    label: str
    central: float
    low: float
    high: float
    #: Under the bar in a column chart: a few characters ("Mar"), with a second line ("2027").
    axis_label: str = ""
    axis_label_2: str = ""
    #: After the bar in a horizontal chart ("9.5 hours").
    value_text: str = ""


def nice_step(span: float, target_ticks: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 × a power of ten) giving about `target_ticks` gridlines."""
    if span <= 0:
        return 1.0
    rough = span / target_ticks
    magnitude = 10 ** math.floor(math.log10(rough))
    for multiple in (1, 2, 2.5, 5, 10):
        if rough <= multiple * magnitude:
            return multiple * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def scale(bars: Sequence[Bar], target_ticks: int = 4) -> tuple[float, float, list[float]]:
    """The axis: from zero (or below, for negative values) to a round number above the
    highest high, and the gridlines in between."""
    low = min([0.0, *(min(b.low, b.central) for b in bars)])
    high = max([0.0, *(max(b.high, b.central) for b in bars)])
    if high == low:
        high = low + 1
    step = nice_step(high - low, target_ticks)
    first = math.floor(low / step) * step
    last = math.ceil(high / step) * step
    count = round((last - first) / step)
    return first, last, [first + i * step for i in range(count + 1)]


def tick_text(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _pct(value: float) -> str:
    return f"{value:.3f}%"


def _frame(*, chart_id: str, title: str, desc: str, height: int, body: SafeString) -> SafeString:
    """The <svg>: an image to assistive technology, named by its title and described by its
    description; the drawing inside is not read out."""
    return format_html(
        '<svg class="app-chart" id="{id}" role="img" aria-labelledby="{id}-title {id}-desc" '
        'width="100%" height="{height}" focusable="false" xmlns="http://www.w3.org/2000/svg" '
        'font-family="arial, sans-serif" font-size="14">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        "{defs}{body}</svg>",
        id=chart_id,
        height=height,
        title=title,
        desc=desc,
        defs=_cap_markers(chart_id),
        body=body,
    )


def _cap_markers(chart_id: str) -> SafeString:
    """The whiskers' end caps: a short line across each end of a range."""
    return format_html(
        "<defs>"
        '<marker id="{id}-cap-v" markerWidth="14" markerHeight="2" refX="7" refY="1" '
        'orient="0" markerUnits="userSpaceOnUse">'
        '<line x1="0" y1="1" x2="14" y2="1" stroke="{black}" stroke-width="2"/></marker>'
        '<marker id="{id}-cap-h" markerWidth="2" markerHeight="14" refX="1" refY="7" '
        'orient="0" markerUnits="userSpaceOnUse">'
        '<line x1="1" y1="0" x2="1" y2="14" stroke="{black}" stroke-width="2"/></marker>'
        "</defs>",
        id=chart_id,
        black=BLACK,
    )


# --- Columns: a value over time ------------------------------------------------------------------

COLUMN_HEIGHT = 280
TOP = 24  # room for the highest gridline's label
AXIS_LABELS = 44  # two lines of labels under the axis
LEFT_GUTTER = 9.0  # per cent of the width, where the gridlines' labels sit
MAX_AXIS_LABELS = 8  # more would overlap on a phone: label every second (third...) column


def column_chart(*, chart_id: str, title: str, desc: str, bars: Sequence[Bar]) -> SafeString:
    """Vertical bars in order (months, say), each with its range as a whisker."""
    first, last, ticks = scale(bars)
    bottom = COLUMN_HEIGHT - AXIS_LABELS

    def y(value: float) -> float:
        return bottom - (value - first) / (last - first) * (bottom - TOP)

    parts: list[SafeString] = []
    for tick in ticks:
        parts.append(
            format_html(
                '<line class="app-chart__grid" x1="0" x2="100%" y1="{y}" y2="{y}" '
                'stroke="{grey}" stroke-width="1"/>'
                '<text class="app-chart__tick" x="0" y="{y}" dy="-5" fill="{dark}">{text}</text>',
                y=f"{y(tick):.1f}",
                grey=GREY,
                dark=DARK_GREY,
                text=tick_text(tick),
            )
        )
    slot = (100.0 - LEFT_GUTTER) / max(len(bars), 1)
    every = math.ceil(len(bars) / MAX_AXIS_LABELS) if bars else 1
    zero = y(0.0)
    for index, bar in enumerate(bars):
        left = LEFT_GUTTER + index * slot
        centre = left + slot / 2
        top, height = min(y(bar.central), zero), abs(y(bar.central) - zero)
        if height:
            parts.append(
                format_html(
                    '<rect class="app-chart__bar" x="{x}" width="{w}" y="{y}" height="{h}" '
                    'fill="{blue}"/>',
                    x=_pct(left + slot * 0.2),
                    w=_pct(slot * 0.6),
                    y=f"{top:.1f}",
                    h=f"{height:.1f}",
                    blue=BLUE,
                )
            )
        if bar.high != bar.low:
            parts.append(
                format_html(
                    '<line class="app-chart__whisker" x1="{x}" x2="{x}" y1="{y1}" y2="{y2}" '
                    'stroke="{black}" stroke-width="2" marker-start="url(#{id}-cap-v)" '
                    'marker-end="url(#{id}-cap-v)"/>',
                    x=_pct(centre),
                    y1=f"{y(bar.low):.1f}",
                    y2=f"{y(bar.high):.1f}",
                    black=BLACK,
                    id=chart_id,
                )
            )
        if index % every == 0:
            parts.append(
                format_html(
                    '<text class="app-chart__label" x="{x}" y="{y}" text-anchor="middle">'
                    "{line1}</text>",
                    x=_pct(centre),
                    y=bottom + 20,
                    line1=bar.axis_label or bar.label,
                )
            )
            if bar.axis_label_2:
                parts.append(
                    format_html(
                        '<text class="app-chart__label" x="{x}" y="{y}" text-anchor="middle">'
                        "{line2}</text>",
                        x=_pct(centre),
                        y=bottom + 38,
                        line2=bar.axis_label_2,
                    )
                )
    parts.append(
        format_html(
            '<line class="app-chart__axis" x1="{x}" x2="100%" y1="{y}" y2="{y}" '
            'stroke="{black}" stroke-width="1"/>',
            x=_pct(LEFT_GUTTER),
            y=f"{zero:.1f}",
            black=BLACK,
        )
    )
    return _frame(
        chart_id=chart_id, title=title, desc=desc, height=COLUMN_HEIGHT, body=_join(parts)
    )


# --- Horizontal bars: a value by name -----------------------------------------------------------

ROW_HEIGHT = 52
BAR_HEIGHT = 20
#: The bars use this share of the width; the rest is for the value written after each one.
BAR_SHARE = 75.0


def bar_chart(*, chart_id: str, title: str, desc: str, bars: Sequence[Bar]) -> SafeString:
    """One horizontal bar per name (suites, say), its name above it and its value after it."""
    first = min([0.0, *(min(b.low, b.central) for b in bars)])
    last = max([0.0, *(max(b.high, b.central) for b in bars)])
    if last == first:
        last = first + 1

    def x(value: float) -> float:
        return (value - first) / (last - first) * BAR_SHARE

    zero = x(0.0)
    parts: list[SafeString] = []
    for index, bar in enumerate(bars):
        row = 4 + index * ROW_HEIGHT
        bar_top = row + 22
        middle = bar_top + BAR_HEIGHT / 2
        left, right = sorted((x(bar.central), zero))
        parts.append(
            format_html(
                '<text class="app-chart__name" x="0" y="{y}" font-weight="bold">{name}</text>',
                y=row + 14,
                name=bar.label,
            )
        )
        if right > left:
            parts.append(
                format_html(
                    '<rect class="app-chart__bar" x="{x}" width="{w}" y="{y}" height="{h}" '
                    'fill="{blue}"/>',
                    x=_pct(left),
                    w=_pct(right - left),
                    y=bar_top,
                    h=BAR_HEIGHT,
                    blue=BLUE,
                )
            )
        if bar.high != bar.low:
            parts.append(
                format_html(
                    '<line class="app-chart__whisker" x1="{x1}" x2="{x2}" y1="{y}" y2="{y}" '
                    'stroke="{black}" stroke-width="2" marker-start="url(#{id}-cap-h)" '
                    'marker-end="url(#{id}-cap-h)"/>',
                    x1=_pct(x(bar.low)),
                    x2=_pct(x(bar.high)),
                    y=middle,
                    black=BLACK,
                    id=chart_id,
                )
            )
        parts.append(
            format_html(
                '<text class="app-chart__value" x="{x}" dx="10" y="{y}" dy="5">{text}</text>',
                x=_pct(max(x(bar.high), x(bar.central), zero)),
                y=middle,
                text=bar.value_text or tick_text(bar.central),
            )
        )
        if first < 0:  # where zero is, when some bar goes below it
            parts.append(
                format_html(
                    '<line class="app-chart__axis" x1="{x}" x2="{x}" y1="{y1}" y2="{y2}" '
                    'stroke="{black}" stroke-width="1"/>',
                    x=_pct(zero),
                    y1=bar_top - 4,
                    y2=bar_top + BAR_HEIGHT + 4,
                    black=BLACK,
                )
            )
    height = 8 + len(bars) * ROW_HEIGHT
    return _frame(chart_id=chart_id, title=title, desc=desc, height=height, body=_join(parts))


def _join(parts: list[SafeString]) -> SafeString:
    # Every part was built by format_html, which escaped what it was given.
    return mark_safe("".join(parts))
