"""Fixtures for the server-extension tests: a real engine process, and a Jupyter server wired to it.

* ``engine`` (session): one embedded engine on 127.0.0.1, a free port and a temporary data directory,
  started as ``tests/conftest.py`` does (``jupyter_faas.engine.start``), stopped at the end.
* ``jp_server_config``: pytest-jupyter's in-process Jupyter server with the jupyter_faas extension enabled
  and pointed at that engine (``c.JupyterFaas.apihost/auth``), builds written under a temporary folder.
* ``api(method, *path, body=None, params=None)``: ``jp_fetch`` under ``/jupyter-faas/`` that returns
  ``(status, json)`` without raising on error statuses.
* ``wait_job(job)``: polls a build job until it is no longer running.
* ``notebook(*sources, path=...)``: the payload the sidebar sends for a notebook.

pytest-jupyter's fixtures and its coroutine-test hooks are imported here (not via ``pytest_plugins``, which
only a root conftest may set), so they apply to this folder only.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_jupyter.jupyter_server import *  # noqa: F403  (fixtures: jp_fetch, jp_serverapp, ...; hooks)
from tornado.httpclient import HTTPClientError

from jupyter_faas.engine import EngineHandle, start
from jupyter_faas.runtime.environments import ensure_kind, stock_kinds

ROOT = Path(__file__).resolve().parents[2]
os.environ.setdefault("JUPYTER_FAAS_CACHE", str(ROOT / ".cache" / "jupyter-faas"))

Api = Callable[..., Awaitable[tuple[int, Any]]]


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineHandle]:
    for kind in stock_kinds():  # built before the engine's first cold start waits on it (PyPI, once)
        ensure_kind(kind)
    handle = start(port=0, data_dir=tmp_path_factory.mktemp("engine"), concurrency_limit=30)
    yield handle
    handle.stop()


@pytest.fixture
def jp_server_config(engine: EngineHandle, tmp_path: Path) -> dict[str, Any]:
    return {
        "ServerApp": {"jpserver_extensions": {"jupyter_faas": True}},
        "JupyterFaas": {
            "apihost": engine.apihost,
            "auth": engine.auth,
            "build_dir": str(tmp_path / "builds"),
            "warm_runs": 1,
        },
    }


@pytest.fixture
def api(jp_fetch: Callable[..., Awaitable[Any]]) -> Api:
    async def call(
        method: str, *path: str, body: Any = None, params: dict[str, Any] | None = None
    ) -> tuple[int, Any]:
        kwargs: dict[str, Any] = {"method": method, "params": params}
        if body is not None:
            kwargs["body"] = json.dumps(body)
        elif method in ("POST", "PUT"):
            kwargs["body"] = "{}"
        try:
            response = await jp_fetch("jupyter-faas", *path, request_timeout=120, **kwargs)
        except HTTPClientError as exc:
            assert exc.response is not None, exc
            return exc.code, json.loads(exc.response.body or b"null")
        return response.code, json.loads(response.body or b"null")

    return call


@pytest.fixture
def wait_job(api: Api) -> Callable[..., Awaitable[dict[str, Any]]]:
    return lambda job, timeout=300.0: _wait_job(api, job, timeout)


async def _wait_job(api: Api, job: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Poll ``builds/<id>`` until the job is done (the event loop keeps serving meanwhile)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        status, job = await api("GET", "builds", job["id"])
        assert status == 200, job
        if job["state"] != "running" or loop.time() > deadline:
            return job
        await asyncio.sleep(0.1)


@pytest.fixture
def notebook() -> Callable[..., dict[str, Any]]:
    """Makes the payload the sidebar sends: the notebook's path and its cells (ids like JupyterLab's)."""

    def make(*sources: str, path: str = "work/demo.ipynb") -> dict[str, Any]:
        cells = [{"id": f"c{i}", "cell_type": "code", "source": src} for i, src in enumerate(sources)]
        return {"path": path, "cells": cells}

    return make
