"""Memory enforcement for action processes: a per-container cgroup, or an RSS watchdog where there is none.

``CgroupMemory`` puts the process in its own memory group (``cgroups.py``: cgroup v2 where this user may
make sub-groups, else v1 where writable), so the kernel OOM-kills it, and tells afterwards whether it did.
``PollMemory`` (``JUPYTER_FAAS_MEMORY_ENFORCER=poll``, portable mode, macOS, or no usable cgroup) measures
the RSS of the process tree; the container polls it every ~10 ms while the action works. ``status()``
says which one is in force and why, in one sentence (``jupyter-faas engine --status``, the engine log).
What this module does not own: killing (``container.py``) and messages (``outcomes.py``).
"""

from __future__ import annotations

import os
from collections.abc import Callable

from . import cgroups, host
from .host import process_tree_rss

__all__ = ["CgroupMemory", "MemoryGuard", "PollMemory", "make_guard", "status"]

LAST_ERROR = ""  # why the cgroup enforcer was not used, for diagnostics
POLL_MS = 10


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
    """The kernel enforces the limit: the container's processes are in their own memory group."""

    def __init__(self, root: cgroups.Root) -> None:
        self.group = root.new_group()
        self.path = self.group.path
        self.limit = 0
        self._procs_fd: int | None = None

    def preexec(self) -> Callable[[], None] | None:
        # The child joins the group before exec: attaching it from here after it started raced with its
        # start-up, whose pages a v1 kernel does not move with it (no move_charge_at_immigrate), so they
        # escaped both the limit and the peak. The fd is opened here, the child only writes "0" (itself).
        try:
            fd = self.group.open_procs()
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
        self.group.add(pid)

    def set_limit(self, limit_bytes: int) -> None:
        self.limit = limit_bytes
        self.group.set_limit(limit_bytes)

    def was_oom_killed(self) -> bool:
        return self.group.oom_killed()

    def peak_bytes(self) -> int | None:
        return self.group.peak_bytes()

    def pids(self) -> list[int]:
        return self.group.pids()

    def close(self) -> None:
        if self._procs_fd is not None:
            os.close(self._procs_fd)
            self._procs_fd = None
        self.group.remove()


def _join(procs_fd: int) -> None:
    os.write(procs_fd, b"0")


def _choice() -> str:
    return os.environ.get("JUPYTER_FAAS_MEMORY_ENFORCER", "auto").lower()


def make_guard() -> MemoryGuard:
    """The enforcer this machine supports (``JUPYTER_FAAS_MEMORY_ENFORCER``: ``cgroup``|``poll``)."""
    global LAST_ERROR
    if _choice() != "poll":
        root, reason = cgroups.find_root()
        if root is not None:
            try:
                return CgroupMemory(root)
            except OSError as exc:
                LAST_ERROR = f"creating a memory cgroup failed: {exc!r}"
        else:
            LAST_ERROR = reason
    return PollMemory()


def status() -> tuple[str, str]:
    """Which enforcer new containers get (``cgroup v2``, ``cgroup v1``, ``watchdog``), and a sentence."""
    if _choice() == "poll":
        why = "JUPYTER_FAAS_MEMORY_ENFORCER=poll"
    else:
        root, why = cgroups.find_root()
        if root is not None:
            name = f"cgroup v{root.version}"
            return name, f"{name}, one group per container under {root.path}: the kernel kills at the limit"
    detail = "" if host.keeps_orphans() else "; what an action detaches is found by its tag"
    return (
        "watchdog",
        f"watchdog: the RSS of each action's process tree polled every {POLL_MS} ms ({why}){detail}",
    )
