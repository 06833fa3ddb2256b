"""``Runtime.begin``: a warm run driven by its caller's own wait on an fd (as the engine's event loop does)
gives the same outcomes as ``Runtime.run``: results, complete logs, time and memory limits, crashes,
developer errors destroying the container; cold starts and the polling memory watchdog are refused."""

from __future__ import annotations

import select
import time
from pathlib import Path
from typing import Any

import pytest
from helpers.runtime import log_texts, make_request, make_spec

from jupyter_faas.runtime import RunOutcome, Runtime, limits
from jupyter_faas.runtime.warm import WarmRun

DEV_WARNING = "stderr: The action did not initialize or run as expected. Log data might be missing."
MODES = """
import os, sys, time
def main(a):
    mode = a.get("mode")
    if mode == "sleep":
        print("sleeping", flush=True)
        time.sleep(30)
    if mode == "crash":
        print("bye", flush=True)
        os._exit(3)
    if mode == "number":
        return 42
    if mode == "error":
        return {"error": "no"}
    if mode == "chatty":
        for i in range(a["n"]):
            print(f"out {i} " + "x" * 100)
            print(f"err {i}", file=sys.stderr)
    if mode == "grab":
        hoard = [b"x" * (8 * 1024 * 1024) for _ in range(128)]
        return {"n": len(hoard)}
    return {"pid": os.getpid()}
"""


@pytest.fixture
def runtime(runtime: Runtime) -> Runtime:
    """The conftest's runtime, where warm runs leave threads: with the RSS watchdog (portable mode, macOS,
    no usable cgroup) every run stays on ``Runtime.run``, as the last test here shows."""
    if limits.status()[0] == "watchdog":
        pytest.skip(f"warm runs stay on threads with the watchdog: {limits.status()[1]}")
    return runtime


def drive(warm: WarmRun) -> tuple[RunOutcome, bool]:
    """Wait on the run's pipes as an event loop would; (outcome, whether close had a container to destroy)."""
    end = time.monotonic() + warm.timeout_s
    while not warm.ready():
        remaining = end - time.monotonic()
        if remaining <= 0:
            warm.expire()
            break
        select.select(list(warm.fds()), [], [], remaining)
    outcome = warm.finish()
    destroyed = warm.must_close
    warm.close()
    return outcome, destroyed


def begin_warm(runtime: Runtime, **spec_kw: Any) -> tuple[Any, int]:
    """A revision with one warm container: (spec, that container's pid)."""
    spec = make_spec(MODES, **spec_kw)
    first = runtime.run(spec, make_request())
    assert first.init_ms is not None and first.status_code == 0
    return spec, first.result["pid"]


def test_begin_is_none_without_a_warm_container(runtime: Runtime) -> None:
    spec = make_spec(MODES)
    assert runtime.begin(spec, make_request()) is None
    assert runtime.counts().get(spec.key, {}).get("busy", 0) == 0


def test_a_warm_run_reuses_the_container_and_gives_it_back(runtime: Runtime) -> None:
    spec, pid = begin_warm(runtime)
    warm = runtime.begin(spec, make_request())
    assert warm is not None
    assert runtime.counts()[spec.key] == {"idle": 0, "busy": 1}
    assert runtime.begin(spec, make_request()) is None  # the only container is busy
    out, destroyed = drive(warm)
    assert out.status_code == 0 and out.result == {"pid": pid} and out.init_ms is None
    assert not destroyed and runtime.counts()[spec.key] == {"idle": 1, "busy": 0}
    assert out.start_ms <= out.end_ms


def test_logs_are_complete_when_the_run_ends(runtime: Runtime) -> None:
    spec, _ = begin_warm(runtime)
    warm = runtime.begin(spec, make_request({"mode": "chatty", "n": 3000}))  # more than a pipe holds
    assert warm is not None
    out, _ = drive(warm)
    texts = log_texts(out.logs)
    assert [t for t in texts if t.startswith("stdout: ")] == [
        f"stdout: out {i} " + "x" * 100 for i in range(3000)
    ]
    assert [t for t in texts if t.startswith("stderr: ")] == [f"stderr: err {i}" for i in range(3000)]


def test_an_application_error_keeps_the_container(runtime: Runtime) -> None:
    spec, pid = begin_warm(runtime)
    warm = runtime.begin(spec, make_request({"mode": "error"}))
    assert warm is not None
    out, destroyed = drive(warm)
    assert out.status_code == 1 and out.result == {"error": "no"} and not destroyed
    assert runtime.run(spec, make_request()).result == {"pid": pid}


def test_time_limit_kills_and_the_next_run_is_cold(runtime: Runtime) -> None:
    spec, pid = begin_warm(runtime, timeout_ms=400)
    warm = runtime.begin(spec, make_request({"mode": "sleep"}))
    assert warm is not None
    out, _ = drive(warm)
    assert out.status_code == 2 and out.timeout is True
    assert out.result == {"error": "The action exceeded its time limits of 400 milliseconds."}
    texts = log_texts(out.logs)
    assert "stdout: sleeping" in texts and texts[-1] == DEV_WARNING
    assert runtime.warm_count(spec.key) == 0
    again = runtime.run(spec, make_request())
    assert again.init_ms is not None and again.result["pid"] != pid


@pytest.mark.parametrize(
    ("mode", "error", "log"),
    [
        ("crash", "The action did not produce a valid response and exited unexpectedly.", "stdout: bye"),
        ("number", "The action did not return a dictionary or array.", None),
    ],
)
def test_developer_errors_destroy_the_container(runtime: Runtime, mode: str, error: str, log: str) -> None:
    spec, pid = begin_warm(runtime)
    warm = runtime.begin(spec, make_request({"mode": mode}))
    assert warm is not None
    out, destroyed = drive(warm)
    assert out.status_code == 2 and out.result == {"error": error}
    assert log_texts(out.logs)[-1] == DEV_WARNING and (log is None or log in log_texts(out.logs))
    assert destroyed  # left to close(), which an event loop runs on a thread
    assert runtime.counts().get(spec.key, {"idle": 0, "busy": 0}) == {"idle": 0, "busy": 0}
    assert runtime.run(spec, make_request()).result["pid"] != pid


def test_memory_exhaustion_on_a_warm_run(tmp_path: Path, cache_dir: Path, kinds: Any) -> None:
    guard = limits.make_guard()
    kind = type(guard).__name__
    guard.close()
    if kind != "CgroupMemory":
        pytest.skip(f"no usable memory cgroup here: {limits.LAST_ERROR}")
    rt = Runtime(tmp_path / "work", cache_dir=cache_dir, prewarm=False)
    try:
        spec, _ = begin_warm(rt, memory_mb=128, timeout_ms=20_000)
        warm = rt.begin(spec, make_request({"mode": "grab"}))
        assert warm is not None
        out, _ = drive(warm)
        assert out.status_code == 2 and out.result == {
            "error": "The action exhausted its memory and was aborted."
        }
        assert rt.warm_count(spec.key) == 0
    finally:
        rt.shutdown()


def test_the_polling_memory_watchdog_keeps_runs_on_threads(
    tmp_path: Path, cache_dir: Path, kinds: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUPYTER_FAAS_MEMORY_ENFORCER", "poll")
    rt = Runtime(tmp_path / "work", cache_dir=cache_dir, prewarm=False)
    try:
        spec, _ = begin_warm(rt)
        assert rt.begin(spec, make_request()) is None
        assert rt.counts()[spec.key] == {"idle": 1, "busy": 0}  # given back untouched
    finally:
        rt.shutdown()
