"""Plots of activations: a timeline (one bar per activation, init and run phases) and a histogram of
durations split cold / warm.

matplotlib is imported only inside these functions, and with the non-interactive ``Agg`` backend unless
running in a notebook kernel (or ``MPLBACKEND`` says otherwise), so a CLI or a server never opens a
window. Each function returns the ``Figure`` and saves it when given a path.
What this module does not own: the numbers (``records.py``, ``summary.py``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .records import Timing, timings

__all__ = ["plot_durations", "plot_timeline"]


def _pyplot() -> Any:
    if (
        "matplotlib.pyplot" not in sys.modules
        and "ipykernel" not in sys.modules
        and not os.environ.get("MPLBACKEND")
    ):
        import matplotlib

        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _finish(fig: Any, path: str | Path | None) -> Any:
    fig.tight_layout()
    if path is not None:
        fig.savefig(path)
    return fig


def plot_timeline(
    records: Iterable[Mapping[str, Any] | Timing], path: str | Path | None = None, *, title: str = ""
) -> Any:
    """One horizontal bar per activation from its start: init (cold starts) then run; failures hatched."""
    plt = _pyplot()
    items = timings(records)
    fig, ax = plt.subplots(figsize=(9, max(2.5, 0.18 * len(items) + 1.5)))
    t0 = items[0].start if items else 0
    for y, t in enumerate(items):
        left = (t.start - t0) / 1000.0
        hatch = None if t.success else "//"
        if t.cold:
            ax.barh(y, t.init_ms / 1000.0, left=left, color="tab:blue", hatch=hatch)
        ax.barh(y, t.run_ms / 1000.0, left=left + t.init_ms / 1000.0, color="tab:orange", hatch=hatch)
    ax.set_xlabel("seconds since the first activation")
    ax.set_ylabel("activation")
    ax.set_title(title or f"{len(items)} activations")
    handles = [
        plt.Rectangle((0, 0), 1, 1, color="tab:blue"),
        plt.Rectangle((0, 0), 1, 1, color="tab:orange"),
        plt.Rectangle((0, 0), 1, 1, fill=False, hatch="//"),
    ]
    ax.legend(handles, ["init (cold)", "run", "failed"], loc="lower right")
    ax.invert_yaxis()
    return _finish(fig, path)


def plot_durations(
    records: Iterable[Mapping[str, Any] | Timing],
    path: str | Path | None = None,
    *,
    bins: int = 30,
    title: str = "",
) -> Any:
    """Histogram of durations (ms), cold and warm starts as separate series."""
    plt = _pyplot()
    items = timings(records)
    cold = [t.duration_ms for t in items if t.cold]
    warm = [t.duration_ms for t in items if not t.cold]
    fig, ax = plt.subplots(figsize=(7, 4))
    series = [(warm, "warm", "tab:orange"), (cold, "cold", "tab:blue")]
    data = [s for s in series if s[0]]
    if data:
        ax.hist(
            [d[0] for d in data],
            bins=bins,
            label=[f"{d[1]} ({len(d[0])})" for d in data],
            color=[d[2] for d in data],
            stacked=False,
        )
        ax.legend()
    ax.set_xlabel("duration (ms)")
    ax.set_ylabel("activations")
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 0.25 of an activation
    ax.set_title(title or "durations, cold vs warm")
    return _finish(fig, path)
