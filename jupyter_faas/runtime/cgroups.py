"""Memory groups for containers, where Linux lets this process make them: cgroup v2 first, then v1.

**cgroup v2** (the unified hierarchy: systemd desktops, recent distributions). The engine needs a group it
may create sub-groups in with the memory controller on: the nearest group, from its own upwards, whose
``cgroup.subtree_control`` already has ``memory`` and whose folder and ``cgroup.procs`` it may write (on a
systemd desktop that is the delegated ``user@UID.service/app.slice``; in a container, often the root). There
it makes ``jupyter-faas-<pid>`` (no process of its own, ``+memory`` for its children) and one ``c<n>`` per
container with ``memory.max`` and ``memory.swap.max = 0``; ``memory.events`` says whether the kernel
OOM-killed, ``memory.peak`` the peak, ``cgroup.kill`` empties it. It never turns a controller on in a group
it did not make.

**cgroup v1** (older systems): a ``jupyter-faas-<pid>-<n>`` group per container under this process's own,
writable, memory group, with ``memory.limit_in_bytes`` (and ``memsw``).

Both remove the groups of engines that died without cleaning up. ``find_root`` says which one this machine
offers, or why neither; ``limits.py`` picks between them and the RSS watchdog and says which is in force.
Linux only: ``host.linux_only()`` gates every call. Owns no killing of a container's tree (``processes.py``).
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import itertools
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from . import host

__all__ = ["Group", "Root", "find_root", "v1_root", "v2_root"]

_COUNTER = itertools.count(1)


@dataclass(frozen=True)
class Root:
    """Where this engine makes its containers' groups."""

    version: int  # 1 or 2
    path: Path  # v1: this process's memory group; v2: its own jupyter-faas-<pid> group

    def new_group(self) -> Group:
        if self.version == 2:
            path = self.path / f"c{next(_COUNTER)}"
        else:
            path = self.path / f"jupyter-faas-{os.getpid()}-{next(_COUNTER)}"
        path.mkdir()
        return Group(self.version, path)


class Group:
    """One container's memory group."""

    def __init__(self, version: int, path: Path) -> None:
        self.version = version
        self.path = path
        self._peak_fd: int | None = None

    def _write(self, name: str, value: str) -> None:
        with open(self.path / name, "w") as f:
            f.write(value)

    def _read(self, name: str) -> str:
        with open(self.path / name) as f:
            return f.read()

    def open_procs(self) -> int:
        """``cgroup.procs`` opened for writing: a child writes "0" to it to join before it execs."""
        return os.open(self.path / "cgroup.procs", os.O_WRONLY | os.O_CLOEXEC)

    def add(self, pid: int) -> None:
        if pid not in self.pids():
            self._write("cgroup.procs", str(pid))

    def set_limit(self, limit_bytes: int) -> None:
        if self.version == 2:
            self._write("memory.max", str(limit_bytes))
            if (self.path / "memory.swap.max").exists():
                with contextlib.suppress(OSError):
                    self._write("memory.swap.max", "0")
            return
        self._write("memory.limit_in_bytes", str(limit_bytes))
        if (self.path / "memory.memsw.limit_in_bytes").exists():
            with contextlib.suppress(OSError):
                self._write("memory.memsw.limit_in_bytes", str(limit_bytes))

    def oom_killed(self) -> bool:
        name, keys = (
            ("memory.events", ("oom_kill",))
            if self.version == 2
            else ("memory.oom_control", ("oom_kill", "under_oom"))
        )
        try:
            for line in self._read(name).splitlines():
                key, _, value = line.partition(" ")
                if key in keys and int(value) > 0:
                    return True
        except (OSError, ValueError):
            pass
        return False

    def peak_bytes(self) -> int | None:
        try:
            if self._peak_fd is None:  # kept open: a pread costs ~1 us, an open/read/close ~25 us
                name = "memory.peak" if self.version == 2 else "memory.max_usage_in_bytes"
                self._peak_fd = os.open(self.path / name, os.O_RDONLY)
            return int(os.pread(self._peak_fd, 64, 0))
        except (OSError, ValueError):
            return None

    def pids(self) -> list[int]:
        return _pids(self.path)

    def remove(self) -> None:
        if self._peak_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._peak_fd)
            self._peak_fd = None
        with contextlib.suppress(OSError):
            empty_and_remove(self.path)


def _pids(group: Path) -> list[int]:
    try:
        return [int(p) for p in (group / "cgroup.procs").read_text().split()]
    except (OSError, ValueError):
        return []


def empty_and_remove(group: Path, timeout: float = 2.0) -> None:
    """Kill every process in ``group`` (and its sub-groups) until it is empty, then remove it."""
    for child in [p for p in group.iterdir() if p.is_dir()] if group.is_dir() else []:
        empty_and_remove(child, timeout)
    if (group / "cgroup.kill").exists():
        with contextlib.suppress(OSError):
            (group / "cgroup.kill").write_text("1")
    deadline = time.monotonic() + timeout
    while True:
        for pid in _pids(group):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        try:
            group.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError as exc:  # EBUSY while a process is still in it; ENOTEMPTY: not a cgroup at all
            if exc.errno == errno.ENOTEMPTY or time.monotonic() > deadline:
                raise
            time.sleep(0.005)


def _remove_stale(parent: Path, pattern: str) -> None:
    """Remove the groups of engines that died without shutting down, killing what is left in them."""
    for entry in parent.glob(pattern):
        try:
            pid = int(entry.name.split("-")[2])
            if pid != os.getpid() and not host.pid_exists(pid):
                empty_and_remove(entry)
        except (OSError, ValueError, IndexError):
            continue


def _rmdir(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.rmdir()


def _writable(group: Path) -> bool:
    procs = group / "cgroup.procs"
    return os.access(group, os.W_OK) and procs.is_file() and os.access(procs, os.W_OK)


def _words(path: Path) -> list[str]:
    try:
        return path.read_text().split()
    except OSError:
        return []


def v2_root(mount: Path, own: str) -> tuple[Root | None, str]:
    """The v2 root, given the cgroup2 mount point and this process's group in it ("0::/..." line)."""
    group = mount / own.strip("/")
    if not group.is_dir():  # a namespaced mount shows our group as its root
        group = mount
    while True:
        if "memory" in _words(group / "cgroup.subtree_control") and _writable(group):
            mine = group / f"jupyter-faas-{os.getpid()}"
            try:
                _remove_stale(group, "jupyter-faas-*")
                mine.mkdir(exist_ok=True)
                (mine / "cgroup.subtree_control").write_text("+memory")
            except OSError as exc:
                with contextlib.suppress(OSError):
                    mine.rmdir()
                return None, f"cgroup v2: {group} refused a memory group ({exc.strerror or exc})"
            atexit.register(_rmdir, mine)  # empty by then; a next engine removes it if this one is killed
            return Root(2, mine), ""
        if group == mount or group.parent == group:
            return None, f"cgroup v2: no group from {own or '/'} up that delegates memory to this user"
        group = group.parent


def v1_root(mount: Path, own: str) -> tuple[Root | None, str]:
    """The v1 root, given the memory hierarchy's mount point and this process's group in it."""
    group = mount / own.lstrip("/")
    if not group.is_dir():  # a namespaced mount shows our group as the root
        group = mount
    if not (group / "memory.limit_in_bytes").exists() or not os.access(group, os.W_OK):
        return None, f"cgroup v1: the memory group {group} is not writable"
    probe = group / f"jupyter-faas-probe-{os.getpid()}"
    try:
        probe.mkdir(exist_ok=True)
        probe.rmdir()
    except OSError as exc:
        return None, f"cgroup v1: {group} refused a sub-group ({exc.strerror or exc})"
    _remove_stale(group, "jupyter-faas-*-*")
    return Root(1, group), ""


def _mounts() -> dict[str, Path]:
    """Mount points of the cgroup2 filesystem ("2") and of the v1 memory hierarchy ("memory")."""
    found: dict[str, Path] = {}
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            fstype, options = fields[fields.index("-") + 1], fields[-1].split(",")
            if fstype == "cgroup2":
                found.setdefault("2", Path(fields[4]))
            elif fstype == "cgroup" and "memory" in options:
                found.setdefault("memory", Path(fields[4]))
    return found


_FOUND: tuple[Root | None, str] | None = None


def find_root() -> tuple[Root | None, str]:
    """This engine's root for containers' groups (found once), or None and why there is none."""
    global _FOUND
    if not host.linux_only():
        return None, host.why_portable()
    if _FOUND is not None:
        return _FOUND
    reasons: list[str] = []
    try:
        mounts = _mounts()
        with open("/proc/self/cgroup") as f:
            lines = [line.rstrip("\n").split(":", 2) for line in f]
    except (OSError, ValueError, IndexError) as exc:
        return None, f"reading this process's cgroups failed: {exc!r}"  # not cached: probe again next time
    for version, mount in (("2", mounts.get("2")), ("memory", mounts.get("memory"))):
        if mount is None:
            reasons.append(f"no cgroup {'v2' if version == '2' else 'v1 memory'} hierarchy mounted")
            continue
        for _, controllers, path in lines:
            if (version == "2" and controllers == "") or (
                version == "memory" and "memory" in controllers.split(",")
            ):
                root, reason = (v2_root if version == "2" else v1_root)(mount, path)
                if root is not None:
                    _FOUND = (root, "")
                    return _FOUND
                reasons.append(reason)
    _FOUND = (None, "; ".join(reasons))
    return _FOUND
