"""Memory enforcement for action processes: a per-container cgroup, or an RSS watchdog where there is none.

``CgroupMemory`` puts the process in its own cgroup v1 memory group (under this process's own group) with
``memory.limit_in_bytes`` (and ``memsw``), so the kernel OOM-kills it, and tells afterwards whether it
did. ``PollMemory`` (``JUPYTER_FAAS_MEMORY_ENFORCER=poll``, or no writable cgroup) measures the RSS of
the process tree; the container polls it every ~10 ms while the action works. What this module does not
own: killing (``container.py``) and messages (``outcomes.py``).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

__all__ = ["CgroupMemory", "MemoryGuard", "PollMemory", "make_guard", "process_tree_rss"]

_PAGE = os.sysconf("SC_PAGE_SIZE")
_COUNTER = itertools.count(1)
_CGROUP_ROOT: Path | bool | None = False  # False: not probed yet
LAST_ERROR = ""  # why the cgroup enforcer was not used, for diagnostics


def _own_memory_cgroup() -> Path | None:
    """The writable memory cgroup (v1) this process is in, or None."""
    global _CGROUP_ROOT
    if _CGROUP_ROOT is not False:
        return _CGROUP_ROOT  # type: ignore[return-value]
    found: Path | None = None
    try:
        with open("/proc/self/cgroup") as f:
            for line in f:
                _, controllers, path = line.rstrip("\n").split(":", 2)
                if "memory" in controllers.split(","):
                    candidate = Path("/sys/fs/cgroup/memory") / path.lstrip("/")
                    if not candidate.is_dir():  # a namespaced mount shows our group as the root
                        candidate = Path("/sys/fs/cgroup/memory")
                    if (candidate / "memory.limit_in_bytes").exists() and os.access(candidate, os.W_OK):
                        probe = candidate / f"jupyter-faas-probe-{os.getpid()}"
                        probe.mkdir(exist_ok=True)
                        probe.rmdir()
                        found = candidate
                        _remove_stale(candidate)
    except (OSError, ValueError) as exc:
        global LAST_ERROR
        LAST_ERROR = f"probing the memory cgroup failed: {exc!r}"
        return None  # not cached: probe again next time
    _CGROUP_ROOT = found
    return found


def _remove_stale(root: Path) -> None:
    """Remove the groups of engines that died without shutting down, killing what is left in them."""
    for entry in root.glob("jupyter-faas-*-*"):
        try:
            pid = int(entry.name.split("-")[2])
            if pid != os.getpid() and not os.path.exists(f"/proc/{pid}"):
                _empty_and_remove(entry)
        except (OSError, ValueError, IndexError):
            continue


def _group_pids(group: Path) -> list[int]:
    try:
        return [int(p) for p in (group / "cgroup.procs").read_text().split()]
    except (OSError, ValueError):
        return []


def _empty_and_remove(group: Path, timeout: float = 2.0) -> None:
    """SIGKILL every process in ``group`` until it is empty, then remove it: no group is left behind."""
    deadline = time.monotonic() + timeout
    while True:
        pids = _group_pids(group)
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        try:
            group.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.005)


def process_tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants (0 when it is gone)."""
    total = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/statm", "rb") as f:
                total += int(f.read().split()[1]) * _PAGE
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", "rb") as f:
                    stack.extend(int(c) for c in f.read().split())
        except (OSError, ValueError, IndexError):
            continue
    return total


class MemoryGuard:
    """Base: no limit."""

    polls = False  # whether the container must call over_limit() every ~10 ms while the action works

    def attach(self, pid: int) -> None:
        self.pid = pid

    def preexec(self) -> Callable[[], None] | None:
        """What the child runs between fork and exec to join the guard itself, if anything."""
        return None

    def join_fd(self) -> int | None:
        """An fd a forked child writes "0" to, to join the guard itself (``preexec``'s, for a zygote)."""
        return None

    def set_limit(self, limit_bytes: int) -> None:
        self.limit = limit_bytes

    def over_limit(self) -> bool:
        return False

    def was_oom_killed(self) -> bool:
        return False

    def peak_bytes(self) -> int | None:
        return None

    def pids(self) -> list[int]:
        return []

    def close(self) -> None:
        pass


class PollMemory(MemoryGuard):
    polls = True

    def __init__(self) -> None:
        self.limit = 0
        self.pid = 0
        self._peak = 0
        self._tripped = False

    def over_limit(self) -> bool:
        rss = process_tree_rss(self.pid)
        self._peak = max(self._peak, rss)
        if self.limit and rss > self.limit:
            self._tripped = True
        return self._tripped

    def was_oom_killed(self) -> bool:
        return self._tripped

    def peak_bytes(self) -> int | None:
        return self._peak or None


class CgroupMemory(MemoryGuard):
    def __init__(self, root: Path) -> None:
        self.path = root / f"jupyter-faas-{os.getpid()}-{next(_COUNTER)}"
        self.path.mkdir()
        self.limit = 0
        self._usage_fd: int | None = None
        self._procs_fd: int | None = None

    def _write(self, name: str, value: str) -> None:
        with open(self.path / name, "w") as f:
            f.write(value)

    def _read(self, name: str) -> str:
        with open(self.path / name) as f:
            return f.read()

    def preexec(self) -> Callable[[], None] | None:
        # The child joins the group before exec: attaching it from here after it started raced with its
        # start-up, whose pages this kernel does not move with it (no move_charge_at_immigrate), so they
        # escaped both the limit and the peak. The fd is opened here, the child only writes "0" (itself).
        try:
            fd = os.open(self.path / "cgroup.procs", os.O_WRONLY | os.O_CLOEXEC)
        except OSError:
            return None  # attach() writes the pid afterwards
        self._procs_fd = fd
        return lambda: _join(fd)

    def join_fd(self) -> int | None:
        return self._procs_fd if self.preexec() is not None else None

    def attach(self, pid: int) -> None:
        self.pid = pid
        if self._procs_fd is not None:
            os.close(self._procs_fd)
            self._procs_fd = None
        if pid not in self.pids():
            self._write("cgroup.procs", str(pid))

    def set_limit(self, limit_bytes: int) -> None:
        self.limit = limit_bytes
        self._write("memory.limit_in_bytes", str(limit_bytes))
        if (self.path / "memory.memsw.limit_in_bytes").exists():
            with contextlib.suppress(OSError):
                self._write("memory.memsw.limit_in_bytes", str(limit_bytes))

    def was_oom_killed(self) -> bool:
        try:
            for line in self._read("memory.oom_control").splitlines():
                key, _, value = line.partition(" ")
                if key in ("oom_kill", "under_oom") and int(value) > 0:
                    return True
            return False
        except (OSError, ValueError):
            return False

    def _read_usage(self) -> int:
        if self._usage_fd is None:  # kept open: a pread costs ~1 us, an open/read/close ~25 us
            self._usage_fd = os.open(self.path / "memory.max_usage_in_bytes", os.O_RDONLY)
        return int(os.pread(self._usage_fd, 64, 0))

    def peak_bytes(self) -> int | None:
        try:
            return self._read_usage()
        except (OSError, ValueError):
            return None

    def pids(self) -> list[int]:
        try:
            return [int(p) for p in self._read("cgroup.procs").split()]
        except (OSError, ValueError):
            return []

    def close(self) -> None:
        if self._procs_fd is not None:
            os.close(self._procs_fd)
            self._procs_fd = None
        if self._usage_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._usage_fd)
            self._usage_fd = None
        with contextlib.suppress(OSError):
            _empty_and_remove(self.path)


def _join(procs_fd: int) -> None:
    os.write(procs_fd, b"0")


def make_guard() -> MemoryGuard:
    """The enforcer this machine supports (``JUPYTER_FAAS_MEMORY_ENFORCER``: ``cgroup``|``poll``)."""
    choice = os.environ.get("JUPYTER_FAAS_MEMORY_ENFORCER", "auto").lower()
    if choice != "poll":
        root = _own_memory_cgroup()
        if root is not None:
            try:
                return CgroupMemory(root)
            except OSError as exc:
                global LAST_ERROR
                LAST_ERROR = f"creating a memory cgroup failed: {exc!r}"
    return PollMemory()
