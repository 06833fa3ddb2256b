"""Starting, finding and stopping engine processes from Python (the magics, tests, the demo).

``start`` launches ``python -m jupyter_faas.engine.server`` with its own data directory and waits until it
answers ``GET /api/v1``; ``ensure_running`` reuses an engine already answering on 127.0.0.1:3233 with the
data directory's key, or starts one detached (it outlives the notebook) on the default data directory;
``stop`` ends an engine by its state file, once ``ownership.is_our_engine`` has proved the pid is that
engine. By default an engine uses its own key (``keys.py``), which both sides read from the data
directory; a key given to ``start`` travels on the child's stdin, never on a command line or in an
environment. Does not own the server itself (``server.py``).
"""

from __future__ import annotations

import contextlib
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
from ..errors import EngineError, Step
from ..runtime.host import engine_unsupported
from .data_dir import LOCK_FILE, STATE_FILE, default_data_dir
from .keys import GUEST, own_key, read_own_key, secure_dir
from .ownership import is_our_engine

__all__ = ["DEFAULT_PORT", "PORT_ENV", "EngineHandle", "ensure_running", "preview", "start", "stop"]

_READY_TIMEOUT = 30.0
PORT_ENV = "JUPYTER_FAAS_ENGINE_PORT"


@dataclass
class EngineHandle:
    """A running engine: where it listens and how to stop it (``stop`` only ends a process we started)."""

    host: str
    port: int
    data_dir: Path
    pid: int
    auth: str = field(repr=False)
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    started: bool = False  # True when this call started it; False when an engine already running is reused
    start_time: float | None = field(default=None, repr=False)  # the OS's start time of ``pid``

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
        if is_our_engine(self.pid, self.data_dir, self.start_time):
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
    auth: str | None = None,
    concurrency_limit: int | None = None,
    workers: int | None = None,
    detach: bool = False,
    env: dict[str, str] | None = None,
    extra_args: list[str] | None = None,
) -> EngineHandle:
    """Launch an engine process and wait until it answers; ``port=0`` picks a free port.

    ``auth``: None for the engine's own key (created in ``data_dir`` if needed), ``"guest"`` for
    OpenWhisk's public guest key, or a ``uuid:key`` to accept (handed over on the child's stdin).
    """
    if why := engine_unsupported():
        raise EngineError(why, fix="Use WSL2, or a real OpenWhisk configured in ~/.wskprops.")
    data = secure_dir(_data_dir(data_dir))
    if auth is None:
        key, flag = own_key(data), None  # created here, so the handle knows it before the engine is up
    elif auth in (GUEST, GUEST_KEY):
        key, flag = GUEST_KEY, GUEST
    else:
        key, flag = auth, "-"
    state = data / STATE_FILE
    running = _read_state(state)
    if running and is_our_engine(int(running.get("pid", 0)), data, running.get("started")):
        raise EngineError(
            f"An engine (pid {running['pid']}) already runs with the data directory {data}, "
            f"on {running.get('host')}:{running.get('port')}.",
            fix="Use it, stop it ({0}), or use another data_dir.",
            steps=(Step("engine.stop", ("--data-dir", str(data))),),
        )
    state.unlink(missing_ok=True)  # left by an engine that did not stop cleanly
    cmd = [sys.executable, "-m", "jupyter_faas.engine.server", "--host", host, "--port", str(port)]
    cmd += ["--data-dir", str(data)]
    if concurrency_limit is not None:
        cmd += ["--concurrency-limit", str(concurrency_limit)]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    if flag is not None:
        cmd += ["--auth", flag]
    cmd += extra_args or []
    child_env = {**os.environ, **(env or {})}
    with open(data / "engine.log", "ab") as logfile:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE if flag == "-" else subprocess.DEVNULL,
            stdout=logfile,
            stderr=subprocess.STDOUT,
            env=child_env,
            start_new_session=detach,
        )
    if proc.stdin is not None:
        with contextlib.suppress(OSError):
            proc.stdin.write(key.encode() + b"\n")
        proc.stdin.close()
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
            return EngineHandle(
                info["host"],
                int(info["port"]),
                data,
                proc.pid,
                key,
                child,
                started=True,
                start_time=info.get("started"),
            )
        time.sleep(0.02)
    proc.kill()
    proc.wait()
    raise EngineError(
        f"The engine did not answer within {_READY_TIMEOUT:.0f} s.", fix=f"See its log: {data / 'engine.log'}"
    )


def ensure_running(data_dir: Path | str | None = None, *, port: int | None = None) -> EngineHandle:
    """The engine of ``data_dir`` on 127.0.0.1:``port`` if it answers; otherwise start one there, detached.

    Its key is found in the data directory (the engine's own key, or the guest key if it was started with
    ``--auth guest``). ``port`` defaults to ``$JUPYTER_FAAS_ENGINE_PORT``, else 3233 (``DEFAULT_PORT``).
    The handle says whether this call ``started`` it.
    """
    data = _data_dir(data_dir)
    host = "127.0.0.1"
    port = port or int(os.environ.get(PORT_ENV) or DEFAULT_PORT)
    if _answers(host, port):
        return _reuse(host, port, data)
    try:
        return start(port=port, host=host, data_dir=data, detach=True)
    except EngineError:
        # Another caller may have started it meanwhile (ours then found the data directory locked):
        # give that one the time an engine takes to come up.
        deadline = time.monotonic() + _READY_TIMEOUT
        while time.monotonic() < deadline:
            if _answers(host, port):
                return _reuse(host, port, data)
            if not _locked(data):
                break
            time.sleep(0.05)
        raise


def preview(data_dir: Path | str | None = None, port: int | None = None) -> tuple[str, str | None]:
    """Where ``ensure_running`` would find or start the engine, and its key if it has one yet; starts
    nothing (``jupyter-faas config``, ``%faas_config`` with nothing configured)."""
    data = _data_dir(data_dir)
    port = port or int(os.environ.get(PORT_ENV) or DEFAULT_PORT)
    return f"http://127.0.0.1:{port}", _key_of(data, port, _read_state(data / STATE_FILE) or {})


def _data_dir(data_dir: Path | str | None) -> Path:
    return Path(data_dir).expanduser().resolve() if data_dir else default_data_dir()


def _key_of(data: Path, port: int, state: dict[str, Any]) -> str | None:
    """The key the engine of ``data`` on ``port`` accepts, as its state file says: the guest key when it
    was started with ``--auth guest``, else the data directory's own key (None when it has none yet)."""
    if state.get("port") == port and state.get("auth") == GUEST:
        return GUEST_KEY
    return read_own_key(data)


def _reuse(host: str, port: int, data: Path) -> EngineHandle:
    """The engine answering on ``host:port``, with the key its data directory says it accepts."""
    info = _read_state(data / STATE_FILE) or {}
    ours = info.get("port") == port
    key = _key_of(data, port, info)
    if not key or not _accepts(host, port, key):
        raise EngineError(
            f"Something answers on {host}:{port} but does not accept the key of the engine's data "
            f"directory {data}.",
            fix="Stop it ({0}), set JUPYTER_FAAS_ENGINE_PORT to use another port, "
            "or configure its apihost and key in ~/.wskprops instead of the embedded engine.",
            steps=(Step("engine.stop"),),
        )
    pid = int(info.get("pid", 0)) if ours else 0
    return EngineHandle(host, port, data, pid, key, start_time=info.get("started") if ours else None)


def stop(data_dir: Path | str | None = None, timeout: float = 10.0) -> bool:
    """Stop the engine whose state file is in ``data_dir``; False when none is running.

    The pid in the state file is signalled only when it provably is that engine (``is_our_engine``): a
    stale file whose pid now belongs to another process is removed, and nothing is signalled.
    """
    data = _data_dir(data_dir)
    state = data / STATE_FILE
    info = _read_state(state)
    if not info:
        return False
    pid = int(info.get("pid", 0))
    if not is_our_engine(pid, data, info.get("started")):
        state.unlink(missing_ok=True)
        return False
    _terminate(pid, timeout)
    return True


def _locked(data: Path) -> bool:
    """Whether an engine process holds the data directory's lock (it is starting or running)."""
    import fcntl

    try:
        with open(data / LOCK_FILE, "ab") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False
    except OSError:
        return False


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
