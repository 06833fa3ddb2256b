"""Blocking invokes of a warm action, which the engine runs from its event loop (``runtime.begin``), behave
as every other invoke: records stored (logs complete) before the response, time and memory limits, crashes
and developer errors destroying the container, 429 throttling, and restart recovery of one in flight."""

from __future__ import annotations

import contextlib
import threading
import time

import pytest
import requests
from helpers.engine import OwSession, annotations, deploy, invoke, poll, unique

from jupyter_faas.runtime import limits

MODES = """
import os, sys, time
def main(a):
    mode = a.get("mode")
    if mode == "sleep":
        print("sleeping", flush=True)
        time.sleep(30)
    if mode == "gate":
        open(a["started"], "a").close()
        while not os.path.exists(a["gate"]):
            time.sleep(0.01)
    if mode == "crash":
        print("bye", flush=True)
        os._exit(3)
    if mode == "number":
        return 42
    if mode == "error":
        return {"error": "no"}
    if mode == "chatty":
        for i in range(a["n"]):
            print(f"out {i}")
            print(f"err {i}", file=sys.stderr)
    if mode == "grab":
        hoard = [b"x" * (8 * 1024 * 1024) for _ in range(128)]
        return {"n": len(hoard)}
    return {"pid": os.getpid()}
"""


def warm_action(ow: OwSession, **fields) -> tuple[str, int]:
    """A fresh action with one warm container: (name, its pid)."""
    name = unique("warm")
    deploy(ow, name, MODES, **fields)
    first = invoke(ow, name).json()
    assert "initTime" in annotations(first)
    return name, first["response"]["result"]["pid"]


def test_a_warm_record_is_stored_with_all_its_logs_before_the_response(ow: OwSession):
    name, pid = warm_action(ow)
    r = invoke(ow, name, {"mode": "chatty", "n": 2000})
    assert r.status_code == 200
    record = r.json()
    assert "initTime" not in annotations(record) and record["logs"] == []
    stored = ow.get(ow.ns(f"activations/{record['activationId']}"))  # no polling: stored already
    assert stored.status_code == 200
    texts = [line.split(" ", 1)[1] for line in stored.json()["logs"]]
    assert [t for t in texts if t.startswith("stdout")] == [f"stdout: out {i}" for i in range(2000)]
    assert [t for t in texts if t.startswith("stderr")] == [f"stderr: err {i}" for i in range(2000)]
    assert invoke(ow, name).json()["response"]["result"] == {"pid": pid}


def test_an_application_error_keeps_the_warm_container(ow: OwSession):
    name, pid = warm_action(ow)
    r = invoke(ow, name, {"mode": "error"})
    assert r.status_code == 502 and r.json()["response"]["status"] == "application error"
    again = invoke(ow, name).json()
    assert "initTime" not in annotations(again) and again["response"]["result"] == {"pid": pid}


@pytest.mark.parametrize(
    ("mode", "error", "limits_", "timeout"),
    [
        ("sleep", "The action exceeded its time limits of 500 milliseconds.", {"timeout": 500}, True),
        ("crash", "The action did not produce a valid response and exited unexpectedly.", {}, False),
        ("number", "The action did not return a dictionary or array.", {}, False),
        ("grab", "The action exhausted its memory and was aborted.", {"memory": 128}, False),
    ],
    ids=["time-limit", "crash", "not-a-dict", "memory"],
)
def test_developer_errors_on_a_warm_container_destroy_it(ow: OwSession, mode, error, limits_, timeout):
    if mode == "grab":
        guard = limits.make_guard()
        kind = type(guard).__name__
        guard.close()
        if kind != "CgroupMemory":
            pytest.skip("the polling memory watchdog keeps runs on worker threads")
    name, pid = warm_action(ow, limits=limits_)
    r = invoke(ow, name, {"mode": mode})
    assert r.status_code == 502, r.text
    record = r.json()
    assert record["response"]["status"] == "action developer error"
    assert record["response"]["result"]["error"] == error
    assert annotations(record)["timeout"] is timeout and "initTime" not in annotations(record)
    stored = poll(ow, record["activationId"], bound_s=5)
    assert stored["logs"][-1].endswith(
        "stderr: The action did not initialize or run as expected. Log data might be missing."
    )
    again = invoke(ow, name).json()
    assert "initTime" in annotations(again) and again["response"]["result"]["pid"] != pid


def test_a_warm_invoke_counts_against_the_namespace_limit(start_engine, tmp_path):
    engine = start_engine(concurrency_limit=1)
    gate, started = tmp_path / "gate", tmp_path / "started"
    with OwSession(engine) as ow:
        name, _ = warm_action(ow)
        params = {"mode": "gate", "gate": str(gate), "started": str(started)}
        caller = threading.Thread(target=lambda: invoke(ow, name, params))
        caller.start()
        try:
            _wait_for(started)
            with OwSession(engine) as other:
                r = invoke(other, name)
                assert r.status_code == 429
                assert r.json()["error"] == "Too many concurrent requests in flight (count: 1, allowed: 1)."
        finally:
            gate.touch()
            caller.join()
        assert invoke(ow, name).status_code == 200  # the slot is released


def test_a_warm_invoke_in_flight_when_the_engine_dies_is_closed_at_the_next_start(start_engine, tmp_path):
    data = tmp_path / "data"
    gate, started = tmp_path / "gate", tmp_path / "started"
    first = start_engine(data_dir=data)
    try:
        with OwSession(first) as ow:
            name, _ = warm_action(ow)
        params = {"mode": "gate", "gate": str(gate), "started": str(started)}
        caller = threading.Thread(target=_swallow, args=(first, name, params))
        caller.start()
        _wait_for(started)
        first.kill()
        caller.join()
    finally:
        gate.touch()
    second = start_engine(data_dir=data)
    with OwSession(second) as ow:
        summaries = ow.get(ow.ns(f"activations?name={name}")).json()
        assert sorted(a["statusCode"] for a in summaries) == [0, 3]


def _wait_for(path, bound_s: float = 60) -> None:
    end = time.monotonic() + bound_s
    while not path.exists():
        assert time.monotonic() < end, f"{path} never appeared"
        time.sleep(0.01)


def _swallow(engine, name: str, params: dict) -> None:
    """A blocking invoke the engine dies under: a connection error is the expected end."""
    with OwSession(engine) as ow, contextlib.suppress(requests.ConnectionError):
        invoke(ow, name, params)
