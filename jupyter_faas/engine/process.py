"""Starting, finding and stopping engine processes from Python (the magics, tests, the demo).

``start`` launches ``python -m jupyter_faas.engine.server`` with its own data directory and waits until it
answers ``GET /api/v1``; ``ensure_running`` reuses an engine already answering on 127.0.0.1:3233 with the
expected key, or starts one detached (it outlives the notebook) on the default data directory; ``stop``
ends an engine by its state file. The key travels in the child's environment, never on a command line.
Does not own the server itself (``server.py``).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from ..contract import DEFAULT_PORT, GUEST_KEY
from ..errors import EngineError
from .server import AUTH_ENV, STATE_FILE, default_data_dir

__all__ = ["DEFAULT_PORT", "PORT_ENV", "EngineHandle", "ensure_running", "start", "stop"]

_READY_TIMEOUT = 30.0
PORT_ENV = "JUPYTER_FAAS_ENGINE_PORT"


@dataclass
class EngineHandle:
    """A running engine: where it listens and how to stop it (``stop`` only ends a process we started)."""

    host: str
    port: int
    data_dir: Path
    pid: int
    auth: str = field(default=GUEST_KEY, repr=False)
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    started: bool = False  # True when this call started it; False when an engine already running is reused

    @property
    def apihost(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.apihost}/api/v1"

    def alive(self) -> bool:
        if self.process is not None:
            return self.process.poll() is None
        return _pid_alive(self.pid)

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, then SIGKILL after ``timeout`` seconds."""
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
            return
        _terminate(self.pid, timeout)

    def kill(self) -> None:
        """SIGKILL at once (what a crash looks like; tests use it)."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
        else:
            os.kill(self.pid, signal.SIGKILL)

    def __enter__(self) -> EngineHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start(
    *,
    port: int = 0,
    host: str = "127.0.0.1",
    data_dir: Path | str | None = None,
    auth: str = GUEST_KEY,
    concurrency_limit: int | None = None,
    workers: int | None = None,
    detach: bool = False,
    env: dict[str, str] | None = None,
) -> EngineHandle:
    """Launch an engine process and wait until it answers; ``port=0`` picks a free port."""
    data = Path(data_dir).expanduser().resolve() if data_dir else default_data_dir()
    data.mkdir(parents=True, exist_ok=True)
    state = data / STATE_FILE
    running = _read_state(state)
    if running and _pid_alive(int(running.get("pid", 0))):
        raise EngineError(
            f"An engine (pid {running['pid']}) already runs with the data directory {data}, "
            f"on {running.get('host')}:{running.get('port')}.",
            fix=f"Use it, stop it (jupyter-faas engine --stop --data-dir {data}), or use another data_dir.",
        )
    state.unlink(missing_ok=True)  # left by an engine that did not stop cleanly
    cmd = [sys.executable, "-m", "jupyter_faas.engine.server", "--host", host, "--port", str(port)]
    cmd += ["--data-dir", str(data)]
    if concurrency_limit is not None:
        cmd += ["--concurrency-limit", str(concurrency_limit)]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    child_env = {**os.environ, **(env or {}), AUTH_ENV: auth}
    with open(data / "engine.log", "ab") as logfile:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=logfile,
            stderr=subprocess.STDOUT,
            env=child_env,
            start_new_session=detach,
        )
    deadline = time.monotonic() + _READY_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise EngineError(
                f"The engine exited at start with status {proc.returncode}.",
                fix=f"See its log: {data / 'engine.log'}",
            )
        info = _read_state(state)
        if info and info.get("pid") == proc.pid and _answers(info["host"], info["port"]):
            child = None if detach else proc
            return EngineHandle(info["host"], int(info["port"]), data, proc.pid, auth, child, started=True)
        time.sleep(0.02)
    proc.kill()
    proc.wait()
    raise EngineError(
        f"The engine did not answer within {_READY_TIMEOUT:.0f} s.", fix=f"See its log: {data / 'engine.log'}"
    )


def ensure_running(
    data_dir: Path | str | None = None, *, auth: str = GUEST_KEY, port: int | None = None
) -> EngineHandle:
    """The engine on 127.0.0.1:``port`` if one answers with this key; otherwise start one there, detached.

    ``port`` defaults to ``$JUPYTER_FAAS_ENGINE_PORT``, else 3233 (``DEFAULT_PORT``). The handle says
    whether this call ``started`` it.
    """
    data = Path(data_dir).expanduser().resolve() if data_dir else default_data_dir()
    host = "127.0.0.1"
    port = port or int(os.environ.get(PORT_ENV) or DEFAULT_PORT)
    if _answers(host, port):
        if not _accepts(host, port, auth):
            raise EngineError(
                f"Something answers on {host}:{port} but does not accept this key.",
                fix="Stop it, or configure its apihost and key (.wskprops) instead of the embedded engine.",
            )
        info = _read_state(data / STATE_FILE) or {}
        pid = int(info.get("pid", 0)) if info.get("port") == port else 0
        return EngineHandle(host, port, data, pid, auth)
    try:
        return start(port=port, host=host, data_dir=data, auth=auth, detach=True)
    except EngineError:
        if _answers(host, port) and _accepts(host, port, auth):  # another caller started it meanwhile
            return EngineHandle(host, port, data, 0, auth)
        raise


def stop(data_dir: Path | str | None = None, timeout: float = 10.0) -> bool:
    """Stop the engine whose state file is in ``data_dir``; False when none is running."""
    data = Path(data_dir).expanduser().resolve() if data_dir else default_data_dir()
    info = _read_state(data / STATE_FILE)
    if not info or not _pid_alive(int(info["pid"])):
        return False
    _terminate(int(info["pid"]), timeout)
    return True


def _read_state(path: Path) -> dict[str, Any] | None:
    try:
        state: dict[str, Any] = json.loads(path.read_text())
        return state
    except (OSError, ValueError):
        return None


def _answers(host: str, port: int) -> bool:
    try:
        r = requests.get(f"http://{host}:{port}/api/v1", timeout=2)
        return r.status_code == 200 and r.json().get("description") == "OpenWhisk API"
    except (requests.RequestException, ValueError):
        return False


def _accepts(host: str, port: int, auth: str) -> bool:
    user, _, key = auth.partition(":")
    try:
        return requests.get(f"http://{host}:{port}/api/v1/namespaces", auth=(user, key), timeout=2).ok
    except requests.RequestException:
        return False


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:  # reap it if it is our own exited child (a detached engine this process started)
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _terminate(pid: int, timeout: float) -> None:
    if not _pid_alive(pid):
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _pid_alive(pid):
            return
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
