"""The engine fixtures every component that talks to one shares (engine, client, CLI, magics, build,
notebooks): real engine processes on 127.0.0.1, talked to over real HTTP.

* ``engine`` (session): one engine on a free port with a temporary data directory; an ``EngineHandle``
  (``.url`` = ``http://127.0.0.1:<port>/api/v1``, ``.apihost``, ``.auth``, ``.data_dir``).
* ``ow`` (function): a ``requests`` session authenticated with the guest key; ``ow.ns(path)`` is the URL
  of ``/api/v1/namespaces/_/<path>``.
* ``start_engine`` (session): a factory for extra engines (restarts, small concurrency limits); every engine
  it starts is stopped at the end of the session.
* ``client`` (function): an ``openwhisk.Client`` of ``engine``.
* ``ctrl_c(seconds)`` (function): a real Ctrl-C that many seconds from now.

``OwSession``, ``deploy(ow, name, code, **exec_fields)`` and ``unique(prefix)`` are in ``helpers.engine``.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.engine import OwSession, stock_kinds_built

from jupyter_faas.config import Config
from jupyter_faas.engine import EngineHandle, start
from jupyter_faas.openwhisk import Client

ROOT = Path(__file__).resolve().parents[1]
# Kind environments are built once per checkout (the Makefile sets the same).
os.environ.setdefault("JUPYTER_FAAS_CACHE", str(ROOT / ".cache" / "jupyter-faas"))


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


@pytest.fixture
def client(engine: EngineHandle) -> Iterator[Client]:
    with Client(Config(apihost=engine.apihost, auth=engine.auth)) as c:
        yield c
