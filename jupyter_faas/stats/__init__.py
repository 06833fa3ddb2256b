"""Activation statistics: cold vs warm, init / wait / run times, success rate, p50 / p95 / p99 per action
and version, as plain tables (text and HTML) and matplotlib plots.

``summarize(records)`` takes activation records (or list summaries) as the client returns them.
Plots import matplotlib lazily. Modules: ``records.py`` (one record -> ``Timing``), ``summary.py``
(aggregation and rendering), ``plots.py`` (timeline and histogram).
"""

from __future__ import annotations

from typing import Any

from .records import Timing, annotation, timing, timings
from .summary import Distribution, Row, Summary, percentile, summarize

__all__ = [
    "Distribution",
    "Row",
    "Summary",
    "Timing",
    "annotation",
    "percentile",
    "plot_durations",
    "plot_timeline",
    "summarize",
    "timing",
    "timings",
]


def plot_timeline(*args: Any, **kwargs: Any) -> Any:
    """See ``stats.plots.plot_timeline`` (imported on first use: matplotlib is heavy)."""
    from .plots import plot_timeline as plot

    return plot(*args, **kwargs)


def plot_durations(*args: Any, **kwargs: Any) -> Any:
    """See ``stats.plots.plot_durations``."""
    from .plots import plot_durations as plot

    return plot(*args, **kwargs)
