"""Retention (issue 17): a real engine started on a store that holds old and many activations expires them
by age and by count, with their logs, in the background; its state file carries the counts and the size
that ``jupyter-faas engine --status`` prints. The store is filled directly (``Store.finish``, as the
scheduler writes records) so that records can be days old."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import requests

from jupyter_faas.engine import start
from jupyter_faas.engine.store import Store

DAY_MS = 86_400_000


def _record(aid: str, start_ms: int) -> dict:
    return {
        "activationId": aid, "namespace": "guest", "name": "old", "version": "0.0.1", "publish": False,
        "subject": "guest", "start": start_ms, "end": start_ms + 5, "duration": 5, "statusCode": 0,
        "response": {"status": "success", "statusCode": 0, "success": True, "result": {"n": aid}},
        "annotations": [],
    }  # fmt: skip


def _fill(data: Path, now_ms: int) -> tuple[list[str], list[str]]:
    store = Store(data)
    old = [f"{i:032x}" for i in range(1, 11)]  # ten days ago
    new = [f"{i:032x}" for i in range(100, 120)]  # the last twenty minutes
    for i, aid in enumerate(old):
        store.finish(
            _record(aid, now_ms - 10 * DAY_MS + i), ["2026-01-01T00:00:00.000000000Z stdout: x"], "old"
        )
    for i, aid in enumerate(new):
        store.finish(_record(aid, now_ms - 20 * 60_000 + i * 1000), ["line"], "old")
    store.close()
    return old, new


def _listed(handle, **params) -> list[str]:
    user, _, key = handle.auth.partition(":")
    r = requests.get(f"{handle.url}/namespaces/_/activations", params={"limit": 200, **params},
                     auth=(user, key), timeout=30)  # fmt: skip
    assert r.status_code == 200, r.text
    return [a["activationId"] for a in r.json()]


def _until(check, bound_s: float = 60.0):
    end = time.monotonic() + bound_s
    while not (value := check()):
        assert time.monotonic() < end, "the sweep never happened"
        time.sleep(0.1)
    return value


def test_old_activations_expire_by_age_and_the_rest_by_count(tmp_path: Path) -> None:
    data = tmp_path / "engine"
    old, new = _fill(data, int(time.time() * 1000))
    handle = start(
        port=0, data_dir=data, extra_args=["--activation-retention", "7d", "--activation-limit", "15"]
    )
    try:
        kept = _until(lambda: (ids := _listed(handle)) and len(ids) == 15 and ids)
        assert set(kept) == set(new[-15:])  # none of the ten-day-old ones, and the newest 15 of the rest
        user, _, key = handle.auth.partition(":")
        gone = requests.get(
            f"{handle.url}/namespaces/_/activations/{old[0]}/logs", auth=(user, key), timeout=30
        )
        assert gone.status_code == 404
        status = subprocess.run(
            [sys.executable, "-m", "jupyter_faas", "engine", "--status", "--data-dir", str(data)],
            capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
        assert "store: 0 actions, 15 activations, " in status.stdout, status.stdout
        assert "filesystem sandbox: " in status.stdout  # in force or not, and what it allows
    finally:
        handle.stop()


def test_zero_keeps_everything_and_a_bad_age_is_refused_with_the_reason(tmp_path: Path) -> None:
    data = tmp_path / "engine"
    old, new = _fill(data, int(time.time() * 1000))
    handle = start(
        port=0, data_dir=data, extra_args=["--activation-retention", "0", "--activation-limit", "0"]
    )
    try:
        _until(lambda: (data / "engine.json").read_text().count('"store"'))  # a sweep ran
        assert len(_listed(handle)) == len(old) + len(new)
    finally:
        handle.stop()
    argv = ["engine", "--activation-retention", "a week", "--data-dir", str(data)]
    bad = subprocess.run(
        [sys.executable, "-m", "jupyter_faas", *argv], capture_output=True, text=True, timeout=60
    )
    assert bad.returncode == 2 and "takes an age such as 7d, 12h, 30m or 90s" in bad.stderr
