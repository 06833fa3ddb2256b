"""Benchmark of web actions: one action's round trip as a web action (``/api/v1/web/...``, no key) beside
the same action invoked through the REST API (``POST .../actions/NAME?blocking=true&result=true``), in one
run, on one engine started for it on a free port.

    .venv/bin/python bench/web.py              # 300 warm calls of each, after 20 warm-up calls
    .venv/bin/python bench/web.py --calls 1000

Both paths run the same warm container of the same tiny action (``{"hello": name}``), called with
``requests`` over one kept-alive connection each, alternating web and REST calls so that machine noise
falls on both alike. Printed: p50 and p95 of the client's wall time for each path and the ratio web / REST
(what the web route's extra work costs: the argument object with ``__ow_*`` fields, the transcoder, the
CORS headers).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jupyter_faas.engine import start

CODE = "def main(a):\n    return {'hello': a.get('name', 'world')}\n"


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()
    handle = start(port=0, data_dir=Path(tempfile.mkdtemp(prefix="bench-web-")))
    try:
        user, _, key = handle.auth.partition(":")
        rest = requests.Session()
        rest.auth = (user, key)
        web = requests.Session()
        body = {
            "exec": {"kind": "python:3.11", "code": CODE},
            "annotations": [{"key": "web-export", "value": True}, {"key": "final", "value": True}],
        }
        assert rest.put(f"{handle.url}/namespaces/_/actions/hello?overwrite=true", json=body).ok
        rest_url = f"{handle.url}/namespaces/_/actions/hello?blocking=true&result=true"
        web_url = f"{handle.apihost}/api/v1/web/guest/default/hello.json"
        timings: dict[str, list[float]] = {"web": [], "rest": []}
        for i in range(args.warmup + args.calls):
            for path in ("web", "rest"):
                started = time.perf_counter()
                if path == "web":
                    reply = web.get(web_url, params={"name": "bench"})
                else:
                    reply = rest.post(rest_url, json={"name": "bench"})
                elapsed = (time.perf_counter() - started) * 1000
                assert reply.status_code == 200 and reply.json() == {"hello": "bench"}, reply.text
                if i >= args.warmup:
                    timings[path].append(elapsed)
    finally:
        handle.stop()
    print(f"## Web action vs REST invoke ({args.calls} warm calls each, alternating)\n")
    print("| path | p50 ms | p95 ms |")
    print("|---|---|---|")
    labels = {"web": "GET /api/v1/web/.../hello.json", "rest": "POST .../actions/hello (blocking)"}
    for path, label in labels.items():
        print(f"| {label} | {_p(timings[path], 0.5):.2f} | {_p(timings[path], 0.95):.2f} |")
    ratio = statistics.median(timings["web"]) / statistics.median(timings["rest"])
    print(f"\nweb / REST (medians): {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
