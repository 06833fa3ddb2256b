"""What the machine under the runtime offers: the one place that tells Linux from macOS (and the rest).

The runtime runs on any POSIX system. Linux gives it more, and only through this module:

* waiting on pipes: ``new_selector()`` is epoll on Linux, kqueue on macOS (``selectors.DefaultSelector``),
  and plain ``poll(2)`` in portable mode;
* processes: ``pid_exists`` and ``process_tree_rss`` read ``/proc`` directly on Linux (a few us) and go
  through psutil elsewhere (what macOS offers: ``proc_pidinfo``, tens of us);
* ``keeps_orphans()``: whether launchers become child subreapers (Linux ``PR_SET_CHILD_SUBREAPER``), so
  that what an action detaches stays in its tree; elsewhere such orphans are found by their tag only;
* ``linux_only()``: cgroups (``cgroups.py``), zygotes (``zygote.py``, pidfd and ``SOCK_SEQPACKET``).

``JUPYTER_FAAS_PORTABLE=1`` makes Linux take the paths macOS takes (no epoll, no cgroup, no zygote, no
subreaper, no ``/proc`` read of ours), so that a Linux machine tests them: ``make test`` runs the runtime
and engine tests a second time with it. The filesystem sandbox (Landlock) stays on: it is not a matter of
portability but of safety, and on macOS ``sandbox.py`` says it is unavailable. Windows has no engine
(``engine_unsupported``). What this module does not own: what is done with these (``container.py``,
``limits.py``, ``cgroups.py``, ``processes.py``).
"""

from __future__ import annotations

import os
import selectors
import sys

import psutil

__all__ = [
    "PORTABLE_VARIABLE",
    "engine_unsupported",
    "keeps_orphans",
    "linux_only",
    "new_selector",
    "pid_exists",
    "portable",
    "process_tree",
    "process_tree_rss",
    "why_portable",
]

PORTABLE_VARIABLE = "JUPYTER_FAAS_PORTABLE"
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def portable() -> bool:
    """True on every system but Linux, and on Linux with ``JUPYTER_FAAS_PORTABLE=1``."""
    return not sys.platform.startswith("linux") or os.environ.get(PORTABLE_VARIABLE, "") == "1"


def why_portable() -> str:
    """Why the Linux-only mechanisms are off (when ``portable()``), in a few words."""
    return "portable mode, JUPYTER_FAAS_PORTABLE=1" if sys.platform.startswith("linux") else "not Linux"


def linux_only() -> bool:
    """Whether the Linux-only mechanisms (cgroups, zygotes, ``/proc``) may be used."""
    return not portable()


def keeps_orphans() -> bool:
    """Whether a launcher keeps what its action detaches in its own tree (a child subreaper)."""
    return linux_only()


def new_selector() -> selectors.BaseSelector:
    """What a container waits on its pipes with: epoll (Linux), kqueue (macOS), poll (portable mode)."""
    if linux_only():
        return selectors.DefaultSelector()
    kqueue = getattr(selectors, "KqueueSelector", None)
    selector: selectors.BaseSelector = kqueue() if kqueue is not None else selectors.PollSelector()
    return selector


def pid_exists(pid: int) -> bool:
    """Whether a process ``pid`` exists (a zombie counts: its pid is still taken)."""
    if linux_only():
        return os.path.exists(f"/proc/{pid}")
    return bool(psutil.pid_exists(pid))


def process_tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants (0 when it is gone)."""
    return _proc_tree_rss(pid) if linux_only() else _psutil_tree_rss(pid)


def _proc_tree_rss(pid: int) -> int:
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


def process_tree(pid: int) -> list[psutil.Process]:
    """``pid`` and all its descendants (none when it is gone), through psutil."""
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def _psutil_tree_rss(pid: int) -> int:
    total = 0
    for proc in process_tree(pid):
        try:
            total += proc.memory_info().rss
        except psutil.Error:
            continue
    return total


def engine_unsupported(system: str = os.name) -> str | None:
    """Why the embedded engine cannot run on this system (``os.name``), or None when it can."""
    if system == "nt":
        return (
            "The embedded OpenWhisk engine runs actions as POSIX processes and does not run on Windows. "
            "Run JupyterLab in WSL2 (Ubuntu) to use it, or point jupyter-faas at a real OpenWhisk with "
            "~/.wskprops (APIHOST, AUTH) or __OW_API_HOST/__OW_API_KEY: capture, build, the client, the "
            "magics and the sidebar all work on Windows."
        )
    return None
