"""Cold starts from a warm template: one zygote per environment (``zygote_main.py``, a pre-started
interpreter that has imported the environment's own packages) forks containers' launchers on request.

``Zygote.fork`` hands the zygote the child's pipes (``SCM_RIGHTS``) and returns a ``Forked``: what the
container needs of a ``subprocess.Popen`` (``pid``, ``poll``, ``wait``, ``returncode``, the three
streams), built on a pidfd since the child is the zygote's, not ours. Linux only (fork after imports,
pidfds); ``JUPYTER_FAAS_ZYGOTE=0`` turns it off, and everywhere else containers start as before
(``container.py`` execs the launcher). What this module does not own: when a zygote is used (``pool.py``),
the container's exchanges (``container.py``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import select
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import IO, Any

from . import host

__all__ = ["MODULES_VARIABLE", "Forked", "Zygote", "zygotes_enabled"]

log = logging.getLogger("jupyter_faas.runtime")
ZYGOTE_MAIN = str(Path(__file__).resolve().parent / "zygote_main.py")
MODULES_VARIABLE = "JUPYTER_FAAS_ZYGOTE_MODULES"  # the modules a zygote preloads, when named
_START_TIMEOUT_S = 120.0  # an image's imports (numpy, an interpreter of TF Lite...) on a slow machine


def zygotes_enabled() -> bool:
    return (
        host.linux_only()  # pidfd, SOCK_SEQPACKET
        and hasattr(os, "pidfd_open")
        and os.environ.get("JUPYTER_FAAS_ZYGOTE", "1") != "0"
    )


class Forked:
    """A launcher forked by a zygote, seen as the parts of ``Popen`` a container uses."""

    def __init__(self, pid: int, stdin: int, stdout: int, stderr: int) -> None:
        self.pid = pid
        self.stdin: IO[bytes] = os.fdopen(stdin, "wb", buffering=0)
        self.stdout: IO[bytes] = os.fdopen(stdout, "rb", buffering=0)
        self.stderr: IO[bytes] = os.fdopen(stderr, "rb", buffering=0)
        self.returncode: int | None = None
        self._killed = False
        try:
            self._pidfd: int | None = os.pidfd_open(pid)
        except ProcessLookupError:
            self._pidfd, self.returncode = None, 1

    def send_signal(self, sig: int) -> None:
        if sig == signal.SIGKILL:
            self._killed = True
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, sig)

    def _ended(self, timeout: float) -> bool:
        if self._pidfd is None:
            return True
        ready, _, _ = select.select([self._pidfd], [], [], timeout)
        if not ready:
            return False
        os.close(self._pidfd)
        self._pidfd = None
        # not our child: its status is the zygote's; a kill of ours reads as one, anything else as 1
        self.returncode = -signal.SIGKILL if self._killed else 1
        return True

    def poll(self) -> int | None:
        if self.returncode is None:
            self._ended(0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None and not self._ended(timeout if timeout is not None else 1e9):
            raise subprocess.TimeoutExpired("launcher", timeout or 0)
        assert self.returncode is not None
        return self.returncode

    def mark_killed(self) -> None:
        """The container killed it (SIGKILL to its tree): its exit then reads as that kill."""
        self._killed = True


class Zygote:
    """One environment's zygote process; ``fork`` is thread-safe (one request at a time)."""

    def __init__(self, python: Path, env: dict[str, str], cwd: Path) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._lock = threading.Lock()
        try:
            self.proc = subprocess.Popen(
                [str(python), "-I", ZYGOTE_MAIN, str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd=str(cwd),
                env={**env, "HOME": str(cwd)},
                start_new_session=True,
            )
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self._sock = ours
        started = time.monotonic()
        ours.settimeout(_START_TIMEOUT_S)
        try:
            hello: dict[str, Any] = json.loads(ours.recv(1 << 20) or b"{}")
        except (OSError, ValueError):
            hello = {}
        ours.settimeout(None)
        if not hello.get("ready"):
            self.close()
            raise OSError(f"the zygote of {python} did not start")
        self.imported: list[str] = list(hello.get("imported", []))
        log.info(
            "zygote of %s ready in %.0f ms (preloaded: %s; could not: %s)",
            python,
            (time.monotonic() - started) * 1000,
            ", ".join(self.imported) or "nothing",
            ", ".join(hello.get("failed", [])) or "none",
        )

    def alive(self) -> bool:
        return self.proc.poll() is None

    def fork(
        self, env: dict[str, str], cwd: Path, *, answer: int, lifeline: int | None, join: int | None
    ) -> Forked:
        """A new launcher with its own pipes (the child's ends are closed here once it has them)."""
        pipes = [os.pipe() for _ in range(3)]  # stdin, stdout, stderr
        theirs = [pipes[0][0], pipes[1][1], pipes[2][1], answer]
        theirs += [fd for fd in (lifeline, join) if fd is not None]
        request = {"env": env, "cwd": str(cwd), "lifeline": lifeline is not None, "join": join is not None}
        try:
            with self._lock:
                socket.send_fds(self._sock, [json.dumps(request).encode()], theirs)
                reply = json.loads(self._sock.recv(4096) or b"{}")
        except (OSError, ValueError) as exc:
            for fd in (pipes[0][1], pipes[1][0], pipes[2][0]):
                os.close(fd)
            raise OSError(f"the zygote could not fork: {exc}") from exc
        finally:
            for fd in (pipes[0][0], pipes[1][1], pipes[2][1]):
                os.close(fd)
        if "pid" not in reply:
            for fd in (pipes[0][1], pipes[1][0], pipes[2][0]):
                os.close(fd)
            raise OSError("the zygote did not fork")
        return Forked(int(reply["pid"]), pipes[0][1], pipes[1][0], pipes[2][0])

    def close(self) -> None:
        self._sock.close()  # the zygote exits at EOF
        with contextlib.suppress(OSError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
