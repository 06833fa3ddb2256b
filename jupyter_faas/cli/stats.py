"""``jupyter-faas stats [NAME]``: cold/warm counts, success rate, p50/p95/p99 and init/wait/run times per
action and version, from the newest activations; optionally plots (timeline, cold/warm histogram) as
image files. Does not own the numbers (``jupyter_faas.stats``).
"""

from __future__ import annotations

import argparse
import json
import math
from typing import TYPE_CHECKING, Any

from .config import add_connection_arguments, client_from, say

if TYPE_CHECKING:
    from ..openwhisk import Client

__all__ = ["register"]

_PAGE = 200


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("stats", help="activation statistics per action and version")
    add_connection_arguments(p)
    p.add_argument("name", nargs="?", help="only this action")
    p.add_argument("-n", "--limit", type=int, default=200, help="the newest N activations (default 200)")
    p.add_argument("--since", type=int, help="only activations started since (epoch ms)")
    p.add_argument("--json", action="store_true", help="print rows as JSON")
    p.add_argument("--html", metavar="FILE", help="also write the table as HTML")
    p.add_argument("--timeline", metavar="PNG", help="also plot a timeline of the activations")
    p.add_argument("--histogram", metavar="PNG", help="also plot durations, cold vs warm")
    p.set_defaults(func=_stats)


def fetch(client: Client, name: str | None, limit: int, since: int | None) -> list[dict[str, Any]]:
    """The newest ``limit`` activation summaries (paged by 200, the server's maximum)."""
    records: list[dict[str, Any]] = []
    while len(records) < limit:
        page = client.activations.list(
            name, limit=min(_PAGE, limit - len(records)), skip=len(records), since=since
        )
        records += page
        if len(page) < _PAGE:
            break
    return records


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def _stats(args: argparse.Namespace) -> int:
    from ..stats import plot_durations, plot_timeline, summarize

    with client_from(args) as client:
        records = fetch(client, args.name, args.limit, args.since)
    if not records:
        say(f"no activations{f' of {args.name}' if args.name else ''} yet")
        return 0
    summary = summarize(records)
    if args.json:
        print(json.dumps([_clean(row) for row in summary.to_dicts()], indent=2))
    else:
        print(summary.to_text())
    if args.html:
        with open(args.html, "w", encoding="utf-8") as out:
            out.write(summary.to_html())
        say(f"ok: wrote {args.html}")
    if args.timeline:
        plot_timeline(records, args.timeline)
        say(f"ok: wrote {args.timeline}")
    if args.histogram:
        plot_durations(records, args.histogram)
        say(f"ok: wrote {args.histogram}")
    return 0
