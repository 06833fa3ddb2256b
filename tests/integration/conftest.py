"""Integration fixtures: real engine processes on 127.0.0.1, talked to over real HTTP.

* ``engine`` (session): one engine on a free port with a temporary data directory; an ``EngineHandle``
  (``.url`` = ``http://127.0.0.1:<port>/api/v1``, ``.apihost``, ``.auth``, ``.data_dir``).
* ``ow`` (function): a ``requests`` session authenticated with the guest key; ``ow.ns(path)`` is the URL
  of ``/api/v1/namespaces/_/<path>``.
* ``start_engine`` (session): a factory for extra engines (restarts, small concurrency limits); every engine
  it starts is stopped at the end of the session.
* ``deploy(ow, name, code, **exec_fields)`` and ``unique(prefix)`` help tests create their own actions.
"""

from __future__ import annotations

import itertools
import os
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from jupyter_faas.contract import GUEST_KEY
from jupyter_faas.engine import EngineHandle, start
from jupyter_faas.runtime.environments import ensure_kind, stock_kinds

ROOT = Path(__file__).resolve().parents[2]
# Kind environments are built once per checkout (the Makefile sets the same).
os.environ.setdefault("JUPYTER_FAAS_CACHE", str(ROOT / ".cache" / "jupyter-faas"))

_counter = itertools.count()


def stock_kinds_built() -> None:
    """Build (or find) the stock kinds' environments before the first engine starts: on a fresh machine an
    engine's first cold start waits for that PyPI install, which can outlast a blocking invoke's 60 s
    (the invoke then answers 202, as upstream's does)."""
    for kind in stock_kinds():
        ensure_kind(kind)


class OwSession(requests.Session):
    """A requests session for one engine, authenticated with the guest key."""

    def __init__(self, engine: EngineHandle) -> None:
        super().__init__()
        user, _, key = engine.auth.partition(":")
        self.auth = (user, key)
        self.engine = engine

    def ns(self, path: str = "") -> str:
        base = f"{self.engine.url}/namespaces/_"
        return f"{base}/{path}" if path else base


def unique(prefix: str) -> str:
    return f"{prefix}-{os.getpid()}-{next(_counter)}"


def deploy(
    ow: OwSession, name: str, code: str, *, kind: str = "python:3.11", **fields: Any
) -> dict[str, Any]:
    """PUT an action (overwrite) and return the stored document; fails the test on any error."""
    body: dict[str, Any] = {"exec": {"kind": kind, "code": code, **fields.pop("exec_fields", {})}, **fields}
    r = ow.put(ow.ns(f"actions/{name}?overwrite=true"), json=body)
    assert r.status_code == 200, r.text
    doc: dict[str, Any] = r.json()
    return doc


@pytest.fixture(scope="session")
def start_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., EngineHandle]]:
    started: list[EngineHandle] = []

    stock_kinds_built()

    def _start(data_dir: Path | None = None, **kwargs: Any) -> EngineHandle:
        kwargs.setdefault("port", 0)
        handle = start(data_dir=data_dir or tmp_path_factory.mktemp("engine"), **kwargs)
        started.append(handle)
        return handle

    yield _start
    for handle in started:
        handle.stop()


@pytest.fixture(scope="session")
def engine(start_engine: Callable[..., EngineHandle]) -> EngineHandle:
    return start_engine(concurrency_limit=30)


@pytest.fixture
def ctrl_c() -> Iterator[Callable[[float], threading.Timer]]:
    """``ctrl_c(seconds)``: a Ctrl-C (SIGINT to this process) that many seconds from now, with Python's own
    handler in place for the test: a process started in the background by a non-interactive shell (nohup,
    ``cmd &``, some CI runners) inherits SIGINT ignored, and then a Ctrl-C would do nothing."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timers: list[threading.Timer] = []

    def press(seconds: float) -> threading.Timer:
        timer = threading.Timer(seconds, os.kill, (os.getpid(), signal.SIGINT))
        timers.append(timer)
        timer.start()
        return timer

    yield press
    for timer in timers:
        timer.cancel()
    signal.signal(signal.SIGINT, previous)


@pytest.fixture
def ow(engine: EngineHandle) -> Iterator[OwSession]:
    with OwSession(engine) as session:
        yield session


__all__ = ["GUEST_KEY", "OwSession", "deploy", "unique"]
