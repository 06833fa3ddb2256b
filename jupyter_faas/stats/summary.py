"""Timings -> a summary table per action and version: counts, cold/warm, success rate, percentiles.

Plain structures (dataclasses, lists, dicts; no pandas), rendered as text for terminals and as HTML for
notebooks (``_repr_html_``). Percentiles interpolate linearly between order statistics, as numpy's
default does. What this module does not own: reading records (``records.py``) and plots (``plots.py``).
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from .records import Timing, timings

__all__ = ["Distribution", "Row", "Summary", "percentile", "summarize"]


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0..100) of ``values`` with linear interpolation; NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Distribution:
    """Percentiles of one time (ms) over a group of activations."""

    n: int
    p50: float
    p95: float
    p99: float
    mean: float
    min: float
    max: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Distribution:
        if not values:
            nan = math.nan
            return cls(0, nan, nan, nan, nan, nan, nan)
        return cls(
            len(values),
            percentile(values, 50),
            percentile(values, 95),
            percentile(values, 99),
            sum(values) / len(values),
            min(values),
            max(values),
        )


@dataclass(frozen=True)
class Row:
    """One action version: how many, how many cold, how they ended, and how long each phase took."""

    action: str
    version: str
    count: int
    cold: int
    warm: int
    success_rate: float  # 0..1
    statuses: dict[str, int]
    duration: Distribution  # whole activation (init included on cold starts)
    run: Distribution  # duration minus init
    init: Distribution  # cold starts only
    wait: Distribution
    duration_cold: Distribution = field(default_factory=lambda: Distribution.of([]))
    duration_warm: Distribution = field(default_factory=lambda: Distribution.of([]))


def _row(action: str, version: str, group: list[Timing]) -> Row:
    statuses: dict[str, int] = {}
    for t in group:
        statuses[t.status] = statuses.get(t.status, 0) + 1
    cold = [t for t in group if t.cold]
    warm = [t for t in group if not t.cold]
    return Row(
        action=action,
        version=version,
        count=len(group),
        cold=len(cold),
        warm=len(warm),
        success_rate=sum(t.success for t in group) / len(group) if group else math.nan,
        statuses=statuses,
        duration=Distribution.of([t.duration_ms for t in group]),
        run=Distribution.of([t.run_ms for t in group]),
        init=Distribution.of([t.init_ms for t in cold]),
        wait=Distribution.of([t.wait_ms for t in group]),
        duration_cold=Distribution.of([t.duration_ms for t in cold]),
        duration_warm=Distribution.of([t.duration_ms for t in warm]),
    )


_COLUMNS = ("action", "version", "count", "cold", "warm", "success", "p50 ms", "p95 ms", "p99 ms")
_PHASES = ("init p50", "wait p50", "run p50", "run p95")


def _ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.0f}" if value >= 100 else f"{value:.1f}"


@dataclass(frozen=True)
class Summary:
    """Rows per (action, version), newest version last within an action, and ``total`` over all."""

    rows: list[Row]
    total: Row

    def to_dicts(self) -> list[dict[str, Any]]:
        """Rows as plain nested dicts (JSON-ready; NaN where a group is empty)."""
        return [asdict(row) for row in self.rows]

    def cells(self) -> list[list[str]]:
        out = []
        for row in [*self.rows, self.total] if len(self.rows) > 1 else self.rows:
            out.append(
                [
                    row.action,
                    row.version,
                    str(row.count),
                    str(row.cold),
                    str(row.warm),
                    "-" if math.isnan(row.success_rate) else f"{row.success_rate:.0%}",
                    _ms(row.duration.p50),
                    _ms(row.duration.p95),
                    _ms(row.duration.p99),
                    _ms(row.init.p50),
                    _ms(row.wait.p50),
                    _ms(row.run.p50),
                    _ms(row.run.p95),
                ]
            )
        return out

    def headers(self) -> list[str]:
        return [*_COLUMNS, *_PHASES]

    def to_text(self) -> str:
        rows = [self.headers(), *self.cells()]
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines = [
            "  ".join(
                c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
            for r in rows
        ]
        return "\n".join(line.rstrip() for line in lines)

    def to_html(self) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.headers())
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in self.cells()
        )
        return (
            f'<table class="jupyter-faas-stats"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def __str__(self) -> str:
        return self.to_text()


def summarize(records: Iterable[Mapping[str, Any] | Timing]) -> Summary:
    """Summarize activation records (full records or list summaries) per action and version."""
    items = timings(records)
    groups: dict[tuple[str, str], list[Timing]] = {}
    for t in items:
        groups.setdefault((t.action, t.version), []).append(t)
    rows = [
        _row(a, v, g)
        for (a, v), g in sorted(groups.items(), key=lambda kv: (kv[0][0], _version_key(kv[0][1])))
    ]
    # The total is over activations that ran in a container: a trigger or sequence record is no start.
    return Summary(rows=rows, total=_row("(all)", "", [t for t in items if t.ran]))


def _version_key(version: str) -> tuple[tuple[int, ...], str]:
    try:
        return tuple(int(part) for part in version.split(".")), ""
    except ValueError:
        return (), version
