"""No action process outlives its container: finding and killing every process a container started.

Three mechanisms, each covering what the others cannot:

* **the tree.** The launcher makes itself a child subreaper (Linux ``PR_SET_CHILD_SUBREAPER``), so a
  child that detaches (``setsid``, ``start_new_session=True``, a double fork) is re-parented to the
  launcher, not to init, and stays in its tree. ``kill_tree`` stops the tree (SIGSTOP, so nothing forks
  while it is walked), walks it again until it is stable, then SIGKILLs all of it.
* **the tag.** Every launcher's environment carries ``JUPYTER_FAAS_CONTAINER=<engine tag>/<container>``,
  inherited by everything it starts. When the launcher is already gone (the action called ``os._exit``, the
  kernel OOM-killed it), its orphans are found by that tag.
* **the lifeline.** Every launcher holds the read end of one pipe whose write end only the engine holds.
  When the engine dies, even by ``kill -9``, the pipe reads EOF and the launcher kills its own tree and
  exits (``launcher.py``). At start-up, ``sweep`` kills whatever a previous engine of the same data
  directory left (by the pids recorded in container folders and by tag).

What this module does not own: memory groups (``limits.py``; the container also kills what is left in its
cgroup), the launcher's side (``launcher.py``).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import time
from pathlib import Path

import psutil

from .host import process_tree

__all__ = [
    "PID_FILE",
    "TAG_VARIABLE",
    "Lifeline",
    "engine_tag",
    "kill_tagged",
    "kill_tree",
    "record_launcher",
    "sweep",
]

TAG_VARIABLE = "JUPYTER_FAAS_CONTAINER"
PID_FILE = "launcher.pid"


def engine_tag(work_dir: Path) -> str:
    """A short name of one data directory's containers, the same across restarts of its engine."""
    return hashlib.sha256(str(work_dir.resolve()).encode()).hexdigest()[:16]


class Lifeline:
    """One pipe per runtime: launchers get the read end (``fd``); the write end dies with the engine."""

    def __init__(self) -> None:
        self.fd, self._write = os.pipe()  # both close-on-exec: only pass_fds hands ``fd`` to a launcher

    def close(self) -> None:
        for fd in (self.fd, self._write):
            with contextlib.suppress(OSError):
                os.close(fd)


def _signal(procs: list[psutil.Process], sig: int) -> None:
    for proc in procs:
        with contextlib.suppress(psutil.Error, OSError):
            proc.send_signal(sig)


def kill_tree(pid: int) -> int:
    """SIGKILL ``pid`` and all its descendants, frozen first so none escapes; returns how many."""
    seen: dict[int, psutil.Process] = {}
    for _ in range(10):  # a fork between two walks adds a process: walk until nothing new appears
        found = [p for p in process_tree(pid) if p.pid not in seen]
        if not found:
            break
        _signal(found, signal.SIGSTOP)
        seen.update((p.pid, p) for p in found)
    procs = list(seen.values())
    _signal(procs[1:], signal.SIGKILL)  # descendants first: the launcher keeps them in its tree meanwhile
    _signal(procs[:1], signal.SIGKILL)
    _reap(procs)
    return len(procs)


def _gone(proc: psutil.Process) -> bool:
    try:
        return bool(proc.status() == psutil.STATUS_ZOMBIE)
    except psutil.Error:
        return True


def _reap(procs: list[psutil.Process], timeout: float = 1.0) -> None:
    """Wait briefly until the killed processes are dead. Never waitpid(): a zombie is its parent's to reap
    (the container's ``Popen`` for its launcher, whose exit status it reads)."""
    deadline = time.monotonic() + timeout
    pending = procs
    while pending and time.monotonic() < deadline:
        pending = [p for p in pending if not _gone(p)]
        if pending:
            time.sleep(0.002)


def _tag_of(proc: psutil.Process) -> str | None:
    try:
        tag: str | None = proc.environ().get(TAG_VARIABLE)
        return tag
    except (psutil.Error, OSError):
        return None


def kill_tagged(prefix: str, *, skip: frozenset[int] = frozenset()) -> int:
    """SIGKILL every process of this user whose tag starts with ``prefix`` (and its tree)."""
    uid = os.getuid()
    killed = 0
    for proc in psutil.process_iter(["uids"]):
        try:
            if proc.pid in skip or proc.pid == os.getpid() or proc.info["uids"].real != uid:
                continue
        except (AttributeError, TypeError):
            continue
        tag = _tag_of(proc)
        if tag is not None and tag.startswith(prefix):
            killed += kill_tree(proc.pid)
    return killed


def record_launcher(folder: Path, pid: int) -> None:
    """Write ``pid`` and its start time in the container's folder, for the next engine's sweep."""
    try:
        started = psutil.Process(pid).create_time()
    except psutil.Error:
        return
    with contextlib.suppress(OSError):
        (folder / PID_FILE).write_text(f"{pid} {started!r}\n")


def _recorded(folder: Path) -> int:
    """Kill the launcher a container folder records, if that very process still runs."""
    try:
        pid_text, started_text = (folder / PID_FILE).read_text().split()
        pid, started = int(pid_text), float(started_text)
        if abs(psutil.Process(pid).create_time() - started) < 0.05:
            return kill_tree(pid)
    except (OSError, ValueError, psutil.Error):
        pass
    return 0


def sweep(containers: Path, tag: str) -> int:
    """At start-up: kill what a previous engine of this data directory left running; returns how many."""
    killed = 0
    if containers.is_dir():
        for folder in containers.iterdir():
            if folder.is_dir():
                killed += _recorded(folder)
    killed += kill_tagged(tag + "/")
    if killed:
        time.sleep(0.01)
    return killed
