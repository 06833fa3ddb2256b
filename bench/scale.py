"""Benchmark of what grows with history: the engine's memory with many large actions, listing latency with
many stored activations, and the database's size before and after retention. One run, one machine; each
figure beside the same figure at the smallest size (the growth ratio).

    .venv/bin/python bench/scale.py                   # 200 actions of 10 MB; 1k, 10k and 100k activations
    .venv/bin/python bench/scale.py --actions 50 --sizes 1000 10000

* **memory**: the engine's resident set (psutil) right after start, then after ``--actions`` actions of
  10 MB of code each were created over HTTP and listed once (``GET actions?limit=200``);
* **listings**: ``GET actions?limit=200`` and ``GET activations?limit=200`` p50 over 50 calls, with 1k, 10k
  and 100k activations in the store (records of a ~1 kB result and two log lines, filled into the store
  directly while the engine is stopped, as the scheduler writes them);
* **retention**: the database's bytes with the largest history, then after an engine started with
  ``--activation-limit 1000`` swept it.
"""

from __future__ import annotations

import argparse
import base64
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jupyter_faas.engine import EngineHandle, start
from jupyter_faas.engine.store import Store

MB = 1_000_000


def _session(handle: EngineHandle) -> requests.Session:
    s = requests.Session()
    user, _, key = handle.auth.partition(":")
    s.auth = (user, key)
    return s


def _rss_mb(handle: EngineHandle) -> float:
    return psutil.Process(handle.pid).memory_info().rss / MB


def _p50_ms(session: requests.Session, url: str, calls: int = 50) -> float:
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        reply = session.get(url, timeout=120)
        times.append((time.perf_counter() - started) * 1000)
        assert reply.status_code == 200, reply.text[:300]
    return statistics.median(times)


def memory(actions: int, data: Path) -> None:
    handle = start(port=0, data_dir=data)
    try:
        ow = _session(handle)
        time.sleep(1.0)  # the kinds' environments are prepared in the background at start
        empty = _rss_mb(handle)
        code = base64.b64encode(os.urandom(7_500_000)).decode()  # 10 MB of base64: a 7.5 MB zip's worth
        for i in range(actions):
            body = {"exec": {"kind": "python:3.11", "code": code, "binary": True}}
            r = ow.put(f"{handle.url}/namespaces/_/actions/big-{i}?overwrite=true", json=body, timeout=120)
            assert r.status_code == 200, r.text[:300]
        listing = _p50_ms(ow, f"{handle.url}/namespaces/_/actions?limit=200", calls=20)
        full = _rss_mb(handle)
    finally:
        handle.stop()
    print(f"## Engine memory with {actions} actions of 10 MB each\n")
    print("| | engine RSS MB | ratio |")
    print("|---|---|---|")
    print(f"| empty engine | {empty:.1f} | 1.00x |")
    print(f"| with {actions} x 10 MB actions | {full:.1f} | {full / empty:.2f}x |")
    print(f"\n`GET actions?limit=200` with them: {listing:.2f} ms p50\n")


def _fill(data: Path, upto: int, have: int) -> None:
    store = Store(data)
    now = int(time.time() * 1000)
    result = {"label": "x" * 1000}
    for i in range(have, upto):
        start_ms = now - (upto - i) * 1000
        record = {
            "activationId": f"{i:032x}", "namespace": "guest", "name": "hello", "version": "0.0.1",
            "publish": False, "subject": "guest", "start": start_ms, "end": start_ms + 3, "duration": 3,
            "statusCode": 0, "annotations": [{"key": "path", "value": "guest/hello"}],
            "response": {"status": "success", "statusCode": 0, "success": True, "result": result},
        }  # fmt: skip
        store.finish(record, [f"2026-12-02T00:00:00.000000000Z stdout: line {i}"] * 2, "hello")
    store.close()


def listings(sizes: list[int], data: Path) -> int:
    rows, have = [], 0
    for size in sizes:
        _fill(data, size, have)
        have = size
        handle = start(
            port=0, data_dir=data, extra_args=["--activation-retention", "0", "--activation-limit", "0"]
        )
        try:
            ow = _session(handle)
            acts = _p50_ms(ow, f"{handle.url}/namespaces/_/activations?limit=200")
            actions = _p50_ms(ow, f"{handle.url}/namespaces/_/actions?limit=200")
        finally:
            handle.stop()
        rows.append((size, actions, acts))
    print("## Listings with a growing history\n")
    print("| activations stored | GET actions p50 ms | ratio | GET activations?limit=200 p50 ms | ratio |")
    print("|---|---|---|---|---|")
    base_actions, base_acts = rows[0][1], rows[0][2]
    for size, actions, acts in rows:
        ratios = f"{actions / base_actions:.2f}x | {acts:.2f} | {acts / base_acts:.2f}x"
        print(f"| {size:,} | {actions:.2f} | {ratios} |")
    print()
    return have


def retention(data: Path, have: int, keep: int = 1000) -> None:
    files = [data / "engine.db", data / "engine.db-wal"]

    def size() -> int:
        return sum(f.stat().st_size for f in files if f.exists())

    before = size()
    handle = start(port=0, data_dir=data, extra_args=["--activation-limit", str(keep)])
    try:
        deadline = time.monotonic() + 600
        while '"store"' not in (data / "engine.json").read_text():
            assert time.monotonic() < deadline, "no sweep within 10 minutes"
            time.sleep(0.2)
    finally:
        handle.stop()
    after = size()
    print(f"## Retention: {have:,} activations, then --activation-limit {keep:,}\n")
    print("| | database MB | ratio |")
    print("|---|---|---|")
    print(f"| {have:,} activations | {before / MB:.1f} | 1.00x |")
    print(f"| after the sweep ({keep:,} kept) | {after / MB:.1f} | {after / before:.2f}x |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actions", type=int, default=200)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    memory(args.actions, work / "memory")
    have = listings(sorted(args.sizes), work / "history")
    retention(work / "history", have)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
