"""Benchmark of the OpenWhisk client against the embedded engine, all measured in one run.

1. Noticing that a non-blocking invoke has finished, for actions lasting 0.2 s, 2 s and 20 s: requests
   issued (the invoke included) and the lag between the activation's end and the client having its
   record, for three strategies run side by side on concurrent activations of the same action:
   * ``wsk fixed 2 s``: the baseline, ``GET activations/{id}`` every 2 s (the period of ``wsk activation
     poll``) at a random phase relative to the invoke;
   * ``doubling``: ``PollSchedule()`` with no history: first look after 10 ms, then doubling (at most
     10 s apart);
   * ``handle.wait()``: the client's default: the action's recent durations (one list call, then memory)
     put the first look at the expected end, then 1/2/4/8% later, then growing by a quarter.
   Target: lag within 10% of the duration with at most ~log2(duration / 10 ms) requests.
2. ``map()`` throughput over 500 no-op invocations at concurrency 1, 4 and 16 (ratios vs concurrency 1).

Run: ``python bench/client.py [--quick]`` (``--quick``: fewer repetitions, no 20 s action).
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import tempfile
import threading
import time
from typing import Any

from jupyter_faas.config import Config
from jupyter_faas.engine import start
from jupyter_faas.errors import NotFound
from jupyter_faas.openwhisk import Client, PollSchedule

SLEEP = "import time\ndef main(args):\n    time.sleep(args['s'])\n    return {'slept': args['s']}\n"
NOOP = "def main(args):\n    return {}\n"
_RANDOM = random.Random(3233)  # the baseline's phases: reproducible from run to run


def wait_fixed(client: Client, activation_id: str, phase: float, period: float = 2.0) -> dict[str, Any]:
    """The baseline: a poller every ``period`` seconds whose phase is unrelated to the invoke (``phase``
    in [0, period)), as a ``wsk activation poll`` running in another terminal, or a user re-typing
    ``wsk activation get``. (A phase of 0 would be a lucky best case for actions lasting 2 s or 20 s.)"""
    time.sleep(phase)
    while True:
        try:
            return client.activations.get(activation_id)
        except NotFound:
            time.sleep(period)


def run_strategy(config: Config, name: str, seconds: float, strategy: str) -> tuple[int, float]:
    """One non-blocking invoke followed by ``strategy``; (requests issued, lag in ms after the end)."""
    with Client(config) as client:  # a fresh client: handle.wait() pays its history lookup (1 list call)
        handle = client.actions.invoke(name, {"s": seconds})
        if strategy == "wsk fixed 2 s":
            record = wait_fixed(client, handle.activation_id, _RANDOM.uniform(0.0, 2.0))
        elif strategy == "doubling":
            record = client.activations.wait(
                handle.activation_id, started=handle.started, schedule=PollSchedule()
            )
        else:
            record = handle.wait()
        noticed = time.time() * 1000
        return client.requests_issued, noticed - record["end"]


STRATEGIES = ("wsk fixed 2 s", "doubling", "handle.wait()")


def notice(config: Config, seconds: float, reps: int) -> dict[str, list[tuple[int, float]]]:
    name = f"sleep-{seconds:g}s-{int(time.time())}"
    with Client(config) as client:
        client.actions.create(name, SLEEP, kind="python:3.11")
        # warm one container per strategy, and give the action a history, as a used action has
        warm = [client.actions.invoke(name, {"s": seconds}) for _ in STRATEGIES]
        for handle in warm:
            handle.wait()
    out: dict[str, list[tuple[int, float]]] = {s: [] for s in STRATEGIES}
    for _ in range(reps):
        results: dict[str, tuple[int, float]] = {}

        def measure(strategy: str, into: dict[str, tuple[int, float]] = results) -> None:
            into[strategy] = run_strategy(config, name, seconds, strategy)

        threads = [threading.Thread(target=measure, args=(s,)) for s in STRATEGIES]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for s in STRATEGIES:
            out[s].append(results[s])
    return out


def throughput(config: Config, n: int, concurrency: int) -> float:
    with Client(config) as client:
        name = "noop-bench"
        client.actions.update(name, NOOP, kind="python:3.11")
        client.actions.map(
            name, [{}] * concurrency, concurrency=concurrency, progress=False
        )  # warm containers
        t0 = time.perf_counter()
        result = client.actions.map(
            name, [{"i": i} for i in range(n)], concurrency=concurrency, progress=False
        )
        elapsed = time.perf_counter() - t0
        if not result.ok:
            first = result.failures[0]
            raise SystemExit(
                f"map() at concurrency {concurrency}: {len(result.failures)} failures, e.g. {first.error}"
            )
        return n / elapsed


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"  # noqa: E731
    return "\n".join([line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, no 20 s action")
    parser.add_argument("--map-n", type=int, default=500)
    parser.add_argument("--map-only", action="store_true", help="only the map() throughput")
    args = parser.parse_args(argv)
    durations = [(0.2, 3), (2.0, 2)] if args.quick else [(0.2, 5), (2.0, 3), (20.0, 2)]
    durations = [] if args.map_only else durations
    with tempfile.TemporaryDirectory() as data, start(port=0, data_dir=data) as engine:
        config = Config(apihost=engine.apihost, auth=engine.auth)
        rows = []
        for seconds, reps in durations:
            measured = notice(config, seconds, reps)
            budget = math.log2(seconds / 0.01)
            for strategy in STRATEGIES:
                reqs = statistics.median(r for r, _ in measured[strategy])
                lag = statistics.median(lag for _, lag in measured[strategy])
                pct = 100 * lag / (seconds * 1000)
                ok = "yes" if pct <= 10 and reqs <= budget + 1 else "no"
                rows.append(
                    [
                        f"{seconds:g} s",
                        strategy,
                        f"{reqs:g}",
                        f"{budget:.1f}",
                        f"{lag:.0f}",
                        f"{pct:.1f}%",
                        ok,
                    ]
                )
            print(f"measured {seconds:g} s x {reps}", flush=True)
        if rows:
            header = ["action", "strategy", "requests", "log2(d/10ms)", "lag ms", "lag/dur", "target met"]
            print("\nNoticing the end of a non-blocking invoke (medians; requests include the invoke itself)")
            print(_table(header, rows))
            print()
        rates = {c: throughput(config, args.map_n, c) for c in (1, 4, 16)}
        print(f"map() over {args.map_n} no-op invocations")
        print(
            _table(
                ["concurrency", "invocations/s", "vs concurrency 1"],
                [[str(c), f"{r:.0f}", f"{r / rates[1]:.2f}x"] for c, r in rates.items()],
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
