"""The warm pool: scaling to load, reuse, idle reaping, stem cells, shutdown; the launcher's protocol."""

from __future__ import annotations

import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from helpers.runtime import make_request, make_spec

from jupyter_faas.runtime import Runtime
from jupyter_faas.runtime.container import Container, LogCollector
from jupyter_faas.runtime.pool import clean_env

SLOW = "import os, time\ndef main(a):\n    time.sleep(a.get('s', 0))\n    return {'pid': os.getpid()}\n"


def _eventually(predicate: Any, seconds: float = 10.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return bool(predicate())


def test_parallel_runs_scale_the_pool_and_all_succeed(runtime: Runtime) -> None:
    spec = make_spec(SLOW)
    with ThreadPoolExecutor(max_workers=20) as ex:
        outs = list(ex.map(lambda _: runtime.run(spec, make_request({"s": 0.3})), range(20)))
    assert all(o.status_code == 0 for o in outs)
    pids = {o.result["pid"] for o in outs}
    assert len(pids) > 1  # more than one container served the burst
    assert runtime.warm_count(spec.key) == len(pids)
    assert sum(o.init_ms is not None for o in outs) == len(pids)  # one cold start per container
    again = runtime.run(spec, make_request())
    assert again.init_ms is None and again.result["pid"] in pids


def test_idle_containers_are_reaped(tmp_path: Path, cache_dir: Path, kinds: Any) -> None:
    rt = Runtime(tmp_path / "work", cache_dir=cache_dir, idle_timeout_s=0.3)
    try:
        spec = make_spec(SLOW)
        pid = rt.run(spec, make_request()).result["pid"]
        assert rt.warm_count(spec.key) == 1
        assert _eventually(lambda: rt.warm_count(spec.key) == 0)
        assert _eventually(lambda: not os.path.exists(f"/proc/{pid}"))
        out = rt.run(spec, make_request())
        assert out.init_ms is not None and out.result["pid"] != pid
    finally:
        rt.shutdown()


def test_a_stem_cell_is_prewarmed_after_the_first_cold_start(runtime: Runtime) -> None:
    runtime.run(make_spec(SLOW), make_request())
    assert _eventually(lambda: runtime.stem_count() >= 1)
    out = runtime.run(make_spec(SLOW), make_request())  # another action: takes the stem cell
    assert out.status_code == 0 and out.init_ms is not None


def test_shutdown_kills_every_process_and_removes_folders(
    tmp_path: Path, cache_dir: Path, kinds: Any
) -> None:
    rt = Runtime(tmp_path / "work", cache_dir=cache_dir)
    pids = [rt.run(make_spec(SLOW), make_request()).result["pid"] for _ in range(3)]
    _eventually(lambda: rt.stem_count() >= 1)
    rt.shutdown()
    assert all(not os.path.exists(f"/proc/{pid}") for pid in pids)
    assert list((tmp_path / "work" / "containers").iterdir()) == []


def test_the_launcher_refuses_a_second_init(tmp_path: Path, kinds: Any) -> None:
    env = kinds["python:3.11"]
    box = Container(env.python, tmp_path / "c", clean_env(env.root))
    try:
        (box.action_dir / "main__.py").write_text("def main(a):\n    return {'x': 1}\n")
        logs = LogCollector(1 << 20)
        assert box.init("main", {}, 256 << 20, 5000, logs).status == 0
        second = box.send_raw({"init": {"main": "main", "env": {}, "dir": str(box.action_dir)}}, 5000, logs)
        assert second is not None
        assert json.loads(second) == {"error": "Cannot initialize the action more than once.", "status": 403}
        assert box.run({"value": {}}, 5000, logs).result == {"x": 1}
    finally:
        box.close()


def test_shutdown_ends_a_run_in_flight(tmp_path: Path, cache_dir: Path, kinds: Any) -> None:
    rt = Runtime(tmp_path / "work", cache_dir=cache_dir)
    spec = make_spec(SLOW, timeout_ms=60_000)
    rt.run(spec, make_request())
    with ThreadPoolExecutor(max_workers=1) as ex:
        future = ex.submit(rt.run, spec, make_request({"s": 30}))
        assert _eventually(lambda: rt.counts()[spec.key]["busy"] == 1)
        time.sleep(0.1)
        rt.shutdown()
        out = future.result(timeout=10)
    assert out.status_code == 2
    assert out.result == {"error": "The action did not produce a valid response and exited unexpectedly."}


def test_prepare_keeps_a_stem_cell_ready(tmp_path: Path, cache_dir: Path, kinds: Any) -> None:
    rt = Runtime(tmp_path / "work", cache_dir=cache_dir)
    try:
        assert rt.stem_count() == 0
        env = rt.prepare("python:default")
        assert env.version == "3.10"
        assert _eventually(lambda: rt.stem_count() == 1)
    finally:
        rt.shutdown()


def test_folders_left_by_a_dead_engine_are_removed(tmp_path: Path, cache_dir: Path, kinds: Any) -> None:
    stale = tmp_path / "work" / "containers" / "c4194303-123"  # above any pid this test can meet
    (stale / "action").mkdir(parents=True)
    rt = Runtime(tmp_path / "work", cache_dir=cache_dir)
    try:
        assert not stale.exists()
    finally:
        rt.shutdown()
