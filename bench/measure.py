"""Timing, medians and percentiles, and the table the benchmark prints."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


def seconds(work: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values fall (linear between ranks)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class Measure:
    """One side of a comparison, over several runs: a time (s) or a rate (per second)."""

    unit: str  # "s" or "/s"
    runs: list[float] = field(default_factory=list)

    @property
    def value(self) -> float:
        return median(self.runs)

    def text(self) -> str:
        value = self.value
        if self.unit == "s":
            return f"{value * 1000:,.1f} ms" if value < 10 else f"{value:,.1f} s"
        return f"{value:,.0f} {self.unit}"


@dataclass
class Row:
    path: str
    limit_name: str
    ours: Measure
    limit: Measure
    target: float  # the ratio to reach
    at_least: bool  # True: ratio >= target (rates); False: ratio <= target (times)
    extra_check: tuple[str, bool] | None = None  # e.g. ("0 double bookings", True)

    @property
    def ratio(self) -> float:
        return self.ours.value / self.limit.value if self.limit.value else float("inf")

    @property
    def met(self) -> bool:
        reached = self.ratio >= self.target if self.at_least else self.ratio <= self.target
        return reached and (self.extra_check is None or self.extra_check[1])

    @property
    def target_text(self) -> str:
        text = f"{'≥' if self.at_least else '≤'} {self.target:g}×"
        if self.extra_check:
            text += f", {self.extra_check[0]}"
        return text

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "limit": self.limit_name,
            "ours": self.ours.text(),
            "ours_runs": self.ours.runs,
            "limit_value": self.limit.text(),
            "limit_runs": self.limit.runs,
            "ratio": round(self.ratio, 3),
            "target": self.target_text,
            "met": self.met,
        }


def table(rows: list[Row]) -> str:
    """A Markdown table: it reads in a terminal and pastes into docs/benchmarks.md."""
    header = ["Path", "Ours", "Limit (measured against)", "Ratio", "Target", "Met"]
    lines = [header] + [
        [
            row.path,
            row.ours.text(),
            f"{row.limit.text()} ({row.limit_name})",
            f"{row.ratio:.3f}×" if row.ratio < 0.1 else f"{row.ratio:.2f}×",
            row.target_text,
            "yes" if row.met else "NO",
        ]
        for row in rows
    ]
    return _markdown(lines)


def _markdown(lines: list[list[str]]) -> str:
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    out = []
    for n, line in enumerate(lines):
        out.append(
            "| " + " | ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)) + " |"
        )
        if n == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)


def simple_table(header: list[str], rows: list[list[str]]) -> str:
    return _markdown([header, *rows])
