"""Starting engines from Python: ``ensure_running`` starts one detached with its own key, reuses it, refuses
an engine whose key it cannot know; ``stop`` ends it by its data directory, and only when the pid provably
is that engine. A free port stands in for 3233 (``port=``)."""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from jupyter_faas.contract import GUEST_KEY
from jupyter_faas.engine import ensure_running, stop
from jupyter_faas.engine.process import PORT_ENV
from jupyter_faas.errors import EngineError


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_ensure_running_starts_then_reuses_then_stop_ends_it(tmp_path, monkeypatch):
    port = _free_port()
    monkeypatch.setenv(PORT_ENV, str(port))
    data = tmp_path / "engine"
    first = ensure_running(data)
    try:
        assert first.started is True and first.port == port and first.apihost == f"http://127.0.0.1:{port}"
        again = ensure_running(data)
        assert again.started is False and again.pid == first.pid and again.port == port
        assert first.auth == (data / "auth.key").read_text().strip() and first.auth != GUEST_KEY
        with pytest.raises(EngineError, match="does not accept the key"):
            ensure_running(tmp_path / "another-data-dir")  # its own key is not that engine's
        assert requests.get(first.url + "/namespaces", auth=tuple(first.auth.split(":"))).json() == ["guest"]
    finally:
        assert stop(data) is True
    assert not first.alive()
    assert stop(data) is False
    with pytest.raises(requests.ConnectionError):
        requests.get(first.url, timeout=2)


def test_a_process_that_cannot_start_says_where_its_log_is(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        with pytest.raises(EngineError) as info:
            ensure_running(tmp_path / "engine", port=taken)  # something else holds the port, not an engine
    assert "engine.log" in str(info.value)


def test_one_engine_per_data_directory(start_engine, tmp_path):
    data = tmp_path / "shared"
    first = start_engine(data_dir=data)
    with pytest.raises(EngineError, match="already runs with the data directory"):
        start_engine(data_dir=data)
    assert (data / "engine.json").exists()  # the running engine's state is left alone
    assert first.alive()


def test_two_callers_racing_to_start_share_one_engine(tmp_path):
    port = _free_port()
    with ThreadPoolExecutor(2) as pool:
        handles = list(pool.map(lambda _: ensure_running(tmp_path / "data", port=port), [1, 2]))
    try:
        assert all(h.port == port for h in handles)
        assert sorted(h.started for h in handles) == [False, True]
        assert handles[0].auth == handles[1].auth  # both read the one key of the data directory
        assert requests.get(handles[0].url + "/namespaces", auth=tuple(handles[0].auth.split(":"))).ok
    finally:
        assert stop(tmp_path / "data") is True


def test_stop_signals_only_a_process_it_can_prove_is_its_engine(tmp_path):
    """A stale state file naming a live pid that is not the engine (pid reuse): nothing is signalled."""
    import json
    import subprocess
    import sys

    data = tmp_path / "engine"
    data.mkdir()
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        state = {"pid": bystander.pid, "host": "127.0.0.1", "port": 1, "data_dir": str(data), "started": 0}
        (data / "engine.json").write_text(json.dumps(state))
        assert stop(data) is False
        assert bystander.poll() is None  # still alive: never signalled
        assert not (data / "engine.json").exists()  # the stale file is gone
    finally:
        bystander.kill()
        bystander.wait()
