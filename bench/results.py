"""The benchmark's results: the machine it ran on, and the table with latencies, memory and
CPU per operation, printed and written to var/bench/results.{md,json}."""

from __future__ import annotations

import json
import os
import platform
from datetime import datetime

import psutil

from . import environment, measure, servers
from .environment import OUTPUT_DIR, REPEATS


def load_average() -> str:
    """What else the machine is doing: the benchmark shares its cores with anything running."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def machine() -> dict:
    cpu = ""
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info if "model name" in line), "")
    except OSError:
        pass
    return {
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "cpus": os.cpu_count(),
        "cpu": cpu or platform.processor(),
        "ram_gb": round(psutil.virtual_memory().total / 1024**3, 1),
        "python": platform.python_version(),
        "os": platform.platform(),
    }


CPU_COLUMNS = ["gunicorn", "celery", "postgresql", "fake-twilio", "benchmark"]


def publish(results: dict) -> None:
    """Print the table, and write it and the raw runs to var/bench/results.{md,json}."""
    rows = results["rows"]
    latency_rows = [
        [
            path,
            f"{len(values):,}",
            f"{measure.percentile(values, 0.5) * 1000:,.1f} ms",
            f"{measure.percentile(values, 0.95) * 1000:,.1f} ms",
        ]
        for path, values in results["latencies"].items()
    ]
    memory_rows = [
        [
            f"{name} ({results['workers'][name]} workers)",
            f"{peak.largest_process / servers.MB:,.0f} MB",
            f"{peak.all_processes / servers.MB:,.0f} MB ({peak.processes} processes)",
        ]
        for name, peak in results["memory"].items()
    ]
    m = results["machine"]
    text = "\n".join(
        [
            f"Run {m['date']} on {m['cpus']} CPUs ({m['cpu']}), {m['ram_gb']} GB RAM; "
            f"PostgreSQL {m['postgresql']}, Redis {m['redis']}, Python {m['python']}; "
            f"scale {environment.SCALE:g}, median of {REPEATS} runs; load average (1, 5, 15 "
            f"min) {m['load_average']}; one durable commit takes {m['commit_ms']} ms.",
            "",
            measure.table(rows),
            "",
            f"Targets met: {sum(row.met for row in rows)} of {len(rows)}.",
            "",
            "Latency at the client (every request of every run):",
            "",
            measure.simple_table(["Request", "Requests", "p50", "p95"], latency_rows),
            "",
            "Peak resident memory:",
            "",
            measure.simple_table(["Server", "Largest process", "All processes"], memory_rows),
            "",
            "CPU time per operation (ms, summed over every run; 'benchmark' is the clients):",
            "",
            measure.simple_table(
                ["Operation", *CPU_COLUMNS, "Total"],
                [
                    [
                        operation,
                        *(
                            f"{spent.get(c, 0) * 1000:.2f}" if c in spent else "–"
                            for c in CPU_COLUMNS
                        ),
                        f"{sum(spent.values()) * 1000:.2f}",
                    ]
                    for operation, spent in results["cpu"].items()
                ],
            ),
            "",
            *results["budgets"],
            "",
            "The floor of the HTTP stack: "
            + "; ".join(f"{k}: {v}" for k, v in results["floor"].items())
            + ".",
            "",
            f"Checks: {json.dumps(results['facts'], default=str)}",
            f"Whole benchmark: {results['elapsed_seconds'] // 60} min "
            f"{results['elapsed_seconds'] % 60} s.",
        ]
    )
    print("\n" + text, flush=True)
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUTPUT_DIR / "results.md").write_text(text + "\n")
    (OUTPUT_DIR / "results.json").write_text(
        json.dumps(
            {
                **{k: v for k, v in results.items() if k not in ("rows", "memory", "latencies")},
                "rows": [row.as_dict() for row in rows],
                "memory": {name: peak.as_dict() for name, peak in results["memory"].items()},
                "latencies_ms": {
                    path: [round(v * 1000, 2) for v in values]
                    for path, values in results["latencies"].items()
                },
                "scale": environment.SCALE,
                "repeats": REPEATS,
            },
            indent=2,
            default=str,
        )
    )
