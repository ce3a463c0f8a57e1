"""Rows of the benchmark table and their Markdown rendering.

A ``Row`` is one measured comparison: ``ratio`` is always "how many times the
reference" (NumPy time / core time for speed, page / floor for latency, cold
start and memory), and ``verdict`` compares it with the issue's target.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import NamedTuple


class Row(NamedTuple):
    """One line of the table.

    section: "core", "latency", "cold start" or "memory".
    name: what was measured.
    measured: the two numbers compared, already formatted ("NumPy 31 ms / core 2.1 ms").
    ratio: the ratio, or None when nothing was measured.
    target: the issue's target as text ("≥ 10×"), or "" when there is none.
    ok: whether the ratio meets the target (None: no target or not measured).
    note: anything a reader must know to trust the number.
    """

    section: str
    name: str
    measured: str
    ratio: float | None
    target: str = ""
    ok: bool | None = None
    note: str = ""


def at_least(ratio: float | None, target: float) -> bool | None:
    """ratio ≥ target (core speed-ups)."""
    return None if ratio is None else ratio >= target


def at_most(ratio: float | None, target: float) -> bool | None:
    """ratio ≤ target (latency, cold start)."""
    return None if ratio is None else ratio <= target


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) with linear interpolation, like ``numpy.percentile``."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def median(values: Sequence[float]) -> float:
    """The median, NaN for no values."""
    return statistics.median(values) if values else float("nan")


def ms(seconds: float) -> str:
    """A duration in seconds as a short millisecond string: 0.0123 → "12.3 ms"."""
    v = seconds * 1e3
    return f"{v:.3g} ms" if v < 100 else f"{v:.0f} ms"


def fmt_ratio(r: float | None) -> str:
    """3.14159 → "3.14×", None → "—"."""
    if r is None:
        return "—"
    return f"{r:.3g}×" if r < 100 else f"{r:.0f}×"


def markdown(rows: Sequence[Row], *, header: str = "") -> str:
    """The rows as one Markdown table (plus an optional paragraph above it)."""
    mark = {True: "✅ meets", False: "❌ misses", None: ""}
    lines = [header, ""] if header else []
    lines += ["| what | measured | ratio | target | | note |", "|---|---|---|---|---|---|"]
    for r in rows:
        cells = [f"{r.section}: {r.name}", r.measured, fmt_ratio(r.ratio), r.target,
                 mark[r.ok], r.note]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"
