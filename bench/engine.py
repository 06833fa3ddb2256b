"""Benchmark of the embedded engine: cold start, warm blocking-invoke latency and throughput.

Every engine figure is printed beside the same figure for a bare loopback HTTP round trip (a trivial
tornado handler in another process, measured in the same run over the same kind of persistent connection),
with the ratio, as a markdown table the README can include. Run: ``make bench`` or
``python bench/engine.py [--requests N] [--cold N]``.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from typing import Any

from template import wait_for_template

from jupyter_faas.engine import EngineHandle, start
from jupyter_faas.runtime.zygote import zygotes_enabled

NOOP = "def main(args):\n    return {}\n"
BASELINE_SERVER = """
import asyncio, sys
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

class Echo(RequestHandler):
    def post(self, *_):
        self.set_header("Content-Type", "application/json")
        self.finish(b"{}")

async def main():
    sockets = bind_sockets(0, "127.0.0.1")
    HTTPServer(Application([(r"/(.*)", Echo)])).add_sockets(sockets)
    print(sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()

asyncio.run(main())
"""


class Client:
    """One persistent HTTP/1.1 connection posting ``{}`` to one path."""

    def __init__(self, port: int, path: str, headers: dict[str, str]) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port)
        self.path = path
        self.headers = {"Content-Type": "application/json", **headers}

    def call(self) -> bytes:
        self.conn.request("POST", self.path, body=b"{}", headers=self.headers)
        response = self.conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{response.status}: {body[:200]!r}")
        return body

    def close(self) -> None:
        self.conn.close()


def latencies(
    make_a: Callable[[], Client], make_b: Callable[[], Client], n: int
) -> tuple[list[float], list[float]]:
    """``n`` sequential calls on each of two clients, in alternating blocks of 100 (a x100, b x100, ...):
    both figures see the same machine (other load drifts over a run and would favour whichever went
    first), while each block keeps its server's caches as warm as a run of its own would."""
    a, b = make_a(), make_b()
    for _ in range(50):  # warm-up
        a.call()
        b.call()
    out_a: list[float] = []
    out_b: list[float] = []
    while len(out_a) < n:
        for client, out in ((a, out_a), (b, out_b)):
            for _ in range(min(100, n - len(out))):
                t = time.perf_counter()
                client.call()
                out.append((time.perf_counter() - t) * 1000)
    a.close()
    b.close()
    return out_a, out_b


def throughput(make: Callable[[], Client], callers: int, per_caller: int) -> float:
    clients = [make() for _ in range(callers)]
    for c in clients:
        c.call()
    barrier = threading.Barrier(callers + 1)

    def run(c: Client) -> None:
        barrier.wait()
        for _ in range(per_caller):
            c.call()

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for th in threads:
        th.start()
    barrier.wait()
    t = time.perf_counter()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - t
    for c in clients:
        c.close()
    return callers * per_caller / elapsed


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1]


def cold_starts(engine: EngineHandle, headers: dict[str, str], n: int) -> tuple[list[float], list[int]]:
    """Update the action (a new revision runs cold), then time one blocking invoke; also keep initTime."""
    conn = http.client.HTTPConnection("127.0.0.1", engine.port)
    total, init = [], []
    for i in range(n):
        body = json.dumps({"exec": {"kind": "python:3.11", "code": NOOP + f"# revision {i}\n"}})
        conn.request("PUT", "/api/v1/namespaces/_/actions/noop?overwrite=true", body=body, headers=headers)
        conn.getresponse().read()
        t = time.perf_counter()
        conn.request("POST", "/api/v1/namespaces/_/actions/noop?blocking=true", body=b"{}", headers=headers)
        record = json.loads(conn.getresponse().read())
        total.append((time.perf_counter() - t) * 1000)
        ann = {a["key"]: a["value"] for a in record["annotations"]}
        if "initTime" not in ann:
            raise RuntimeError("an updated action did not run cold")
        init.append(int(ann["initTime"]))
    conn.close()
    return total, init


def cold_without_template(n: int) -> list[float]:
    """The same cold starts on an engine whose containers are exec'd (``JUPYTER_FAAS_ZYGOTE=0``)."""
    with (
        tempfile.TemporaryDirectory() as data,
        start(data_dir=data, env={"JUPYTER_FAAS_ZYGOTE": "0"}) as engine,
    ):
        token = base64.b64encode(engine.auth.encode()).decode()
        headers = {"Authorization": f"Basic {token}", "Content-Type": "application/json"}
        return cold_starts(engine, headers, n)[0]


def bare_spawn(n: int) -> list[float]:
    """The floor of a container that execs: start an interpreter that does nothing, and wait for it."""
    times = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-I", "-S", "-c", "pass"], check=True)
        times.append((time.perf_counter() - t) * 1000)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000, help="sequential warm calls (latency)")
    parser.add_argument("--per-caller", type=int, default=400, help="calls per caller (throughput)")
    parser.add_argument("--cold", type=int, default=10, help="cold starts to time")
    args = parser.parse_args(argv)

    baseline = subprocess.Popen([sys.executable, "-c", BASELINE_SERVER], stdout=subprocess.PIPE, text=True)
    assert baseline.stdout is not None
    base_port = int(baseline.stdout.readline())
    with tempfile.TemporaryDirectory() as data, start(data_dir=data, concurrency_limit=64) as engine:
        token = base64.b64encode(engine.auth.encode()).decode()
        headers = {"Authorization": f"Basic {token}", "Content-Type": "application/json"}
        try:
            cold_starts(engine, headers, 1)  # untimed: starts the kind's zygote
            if zygotes_enabled():  # none in portable mode (JUPYTER_FAAS_PORTABLE=1, macOS)
                wait_for_template(engine.pid)
            cold_total, cold_init = cold_starts(engine, headers, args.cold)
            engine_path = "/api/v1/namespaces/_/actions/noop?blocking=true&result=true"

            def make_engine() -> Client:
                return Client(engine.port, engine_path, headers)

            def make_base() -> Client:
                return Client(base_port, "/api/v1/namespaces/_/actions/noop", headers)

            rows: list[tuple[str, float, float, bool]] = []
            lat_e, lat_b = latencies(make_engine, make_base, args.requests)
            rows.append(("warm blocking invoke p50 (ms)", p(lat_e, 50), p(lat_b, 50), False))
            rows.append(("warm blocking invoke p95 (ms)", p(lat_e, 95), p(lat_b, 95), False))
            for callers in (1, 4, 16):
                per = max(50, args.per_caller // callers) if callers > 1 else args.per_caller
                te = throughput(make_engine, callers, per)
                tb = throughput(make_base, callers, per)
                rows.append(
                    (f"throughput, {callers} caller{'s' if callers > 1 else ''} (req/s)", te, tb, True)
                )
        finally:
            baseline.kill()
            baseline.wait()
    exec_cold, spawn = cold_without_template(args.cold), bare_spawn(args.cold)
    print(_table(rows, cold_total, cold_init, args))
    floor = statistics.median(spawn)
    print("\n| no-op cold start | median ms | ratio to a bare interpreter spawn |")
    print("|---|---:|---:|")
    print(f"| bare interpreter spawn (`python -I -S -c pass`) | {floor:.1f} | 1.00x |")
    print(f"| exec'd container (JUPYTER_FAAS_ZYGOTE=0), blocking invoke | {statistics.median(exec_cold):.1f} "
          f"| {statistics.median(exec_cold) / floor:.2f}x |")  # fmt: skip
    how = "forked from the zygote" if zygotes_enabled() else "portable mode (exec'd, watchdog)"
    print(f"| {how}, blocking invoke | {statistics.median(cold_total):.1f} "
          f"| {statistics.median(cold_total) / floor:.2f}x |")  # fmt: skip
    return 0


def _table(
    rows: list[tuple[str, float, float, bool]], cold_total: list[float], cold_init: list[int], args: Any
) -> str:
    lines = [
        "| measure | engine | bare loopback HTTP | engine / bare |",
        "|---|---:|---:|---:|",
    ]
    for label, e, b, higher_better in rows:
        ratio = e / b
        lines.append(
            f"| {label} | {e:.2f} | {b:.2f} | {ratio:.2f}x |"
            if not higher_better
            else f"| {label} | {e:.0f} | {b:.0f} | {ratio:.2f}x |"
        )
    lines.append(
        f"| cold start, no-op action: blocking invoke, median of {len(cold_total)} (ms) "
        f"| {statistics.median(cold_total):.1f} | n/a | n/a |"
    )
    lines.append(
        f"| cold start: initTime annotation, median (ms) | {statistics.median(cold_init):.0f} | n/a | n/a |"
    )
    p50_e, p50_b = rows[0][1], rows[0][2]
    cold = statistics.median(cold_total)
    verdict = [
        f"warm p50 < 3 ms: {'met' if p50_e < 3 else 'NOT met'} ({p50_e:.2f} ms)",
        f"warm p50 within 3x the bare round trip: {'met' if p50_e <= 3 * p50_b else 'NOT met'} "
        f"({p50_e / p50_b:.2f}x)",
        f"cold start < 150 ms: {'met' if cold < 150 else 'NOT met'} ({cold:.1f} ms)",
    ]
    lines.append("")
    lines.append("Targets: " + "; ".join(verdict) + ".")
    lines.append("")
    lines.append(
        f"{args.requests} sequential warm calls per latency figure (engine and bare in alternating blocks "
        f"of 100); throughput from {args.per_caller} calls (1 caller) or at least 50 per caller; one "
        "persistent HTTP/1.1 connection per caller; Python client threads on the same machine. Cold start: "
        "the action is updated (a new revision runs cold), then one blocking invoke is timed end to end."
    )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
