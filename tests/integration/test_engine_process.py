"""Starting engines from Python: ``ensure_running`` starts one detached, reuses it, refuses a wrong key;
``stop`` ends it by its data directory. A free port stands in for 3233 (``port=``)."""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

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
        with pytest.raises(EngineError, match="does not accept this key"):
            ensure_running(data, auth="someone:else")
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
        handles = list(pool.map(lambda d: ensure_running(tmp_path / d, port=port), ["a", "b"]))
    try:
        assert all(h.port == port for h in handles)
        assert sorted(h.started for h in handles) == [False, True]
        assert requests.get(handles[0].url, timeout=5).ok
    finally:
        assert [stop(tmp_path / d) for d in ("a", "b")].count(True) == 1
