"""Benchmark of sequences and compositions: the overhead of a 3-step sequence, and of a conductor action
running the same 3 steps (4 conductor runs between them), over 3 direct blocking invokes of the same
actions, all measured in the same run against the same embedded engine, in alternating blocks (so load
from other processes hits them alike). Prints medians, the overhead of each and the ratio.

Run: ``python bench/pipeline.py [--rounds N]``. Each step is a trivial warm Python action, so the figures
are the platform's share (HTTP, scheduling, records), not the actions' work.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from jupyter_faas.config import Config
from jupyter_faas.engine import start
from jupyter_faas.openwhisk import Client

STEP = "def main(args):\n    return {'n': args.get('n', 0) + 1}\n"
# runs step0, step1, step2 in turn on "n", then ends with it (the engine's conductor protocol)
CONDUCTOR = """
def main(a):
    i = a.pop("$i", 0)
    if i < 3:
        return {"action": f"step{i}", "params": {"n": a.get("n", 0)}, "state": {"$i": i + 1}}
    return {"params": {"n": a.get("n", 0)}}
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=300, help="measurements of each kind (default 300)")
    parser.add_argument("--block", type=int, default=20, help="measurements per alternating block")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, start(port=0, data_dir=Path(tmp)) as engine:
        client = Client(Config(apihost=engine.apihost, auth=engine.auth))
        steps = [f"step{i}" for i in range(3)]
        for name in steps:
            client.actions.create(name, STEP, kind="python:3.11")
        client.actions.sequence("three", steps)
        client.actions.create("composed", CONDUCTOR, kind="python:3.11", annotations={"conductor": True})

        def direct() -> float:
            started = time.perf_counter()
            params = {"n": 0}
            for name in steps:
                params = client.actions.invoke(name, params, blocking=True, result=True)
            assert params == {"n": 3}
            return (time.perf_counter() - started) * 1000

        def sequence() -> float:
            started = time.perf_counter()
            result = client.actions.invoke("three", {"n": 0}, blocking=True, result=True)
            assert result == {"n": 3}
            return (time.perf_counter() - started) * 1000

        def composition() -> float:
            started = time.perf_counter()
            result = client.actions.invoke("composed", {"n": 0}, blocking=True, result=True)
            assert result == {"n": 3}, result
            return (time.perf_counter() - started) * 1000

        for _ in range(20):  # warm every path (containers, connections)
            direct()
            sequence()
            composition()
        direct_ms: list[float] = []
        seq_ms: list[float] = []
        comp_ms: list[float] = []
        while len(direct_ms) < args.rounds:
            direct_ms += [direct() for _ in range(args.block)]
            seq_ms += [sequence() for _ in range(args.block)]
            comp_ms += [composition() for _ in range(args.block)]
        client.close()
    d, s, c = statistics.median(direct_ms), statistics.median(seq_ms), statistics.median(comp_ms)
    d95 = statistics.quantiles(direct_ms, n=20)[18]
    s95 = statistics.quantiles(seq_ms, n=20)[18]
    c95 = statistics.quantiles(comp_ms, n=20)[18]
    print(
        f"3-step sequence and composition vs 3 direct blocking invokes, {len(direct_ms)} rounds each, "
        "one engine, one run"
    )
    print()
    print("| path | median ms | p95 ms |")
    print("|---|---|---|")
    print(f"| 3 direct invokes (client chains the results) | {d:.2f} | {d95:.2f} |")
    print(f"| 1 sequence of the 3 (engine chains them) | {s:.2f} | {s95:.2f} |")
    print(f"| 1 composition of the 3 (a conductor action: 4 conductor runs) | {c:.2f} | {c95:.2f} |")
    print()
    print(f"overhead of the sequence: {s - d:+.2f} ms median ({s / d:.2f}x the direct invokes)")
    print(f"overhead of the composition: {c - d:+.2f} ms median ({c / d:.2f}x the direct invokes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
