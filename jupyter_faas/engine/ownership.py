"""Proving that a process is an engine of ours before anything signals it.

A state file (``engine.json``) names a pid; pids are reused, so ``jupyter-faas engine --stop`` and
``process.stop`` signal that pid only when the process there is ``python -m jupyter_faas.engine.server``
(or ``jupyter-faas engine``) for that very data directory and started when the state file says (its
start time, recorded by the engine itself). What this module does not own: the state file's other
fields (``server.py``), stopping (``process.py``).
"""

from __future__ import annotations

from pathlib import Path

import psutil

__all__ = ["ENGINE_MODULE", "is_our_engine", "process_start_time"]

ENGINE_MODULE = "jupyter_faas.engine.server"


def process_start_time(pid: int) -> float | None:
    """When ``pid`` started (seconds since the epoch, as the OS counts it), or None when it is gone."""
    try:
        return float(psutil.Process(pid).create_time())
    except (psutil.Error, OSError):
        return None


def _data_dir_of(cmdline: list[str]) -> str | None:
    for i, arg in enumerate(cmdline):
        if arg == "--data-dir" and i + 1 < len(cmdline):
            return cmdline[i + 1]
        if arg.startswith("--data-dir="):
            return arg.split("=", 1)[1]
    return None


def _is_engine_command(cmdline: list[str]) -> bool:
    """``python -m jupyter_faas.engine.server ...`` or ``.../jupyter-faas engine ...``."""
    if ENGINE_MODULE in cmdline:
        return True
    return any(
        Path(arg).name in ("jupyter-faas", "__main__.py") and cmdline[i + 1 : i + 2] == ["engine"]
        for i, arg in enumerate(cmdline)
    )


def is_our_engine(pid: int, data_dir: Path, started: float | None) -> bool:
    """True when ``pid`` is the engine serving ``data_dir`` that started at ``started``."""
    if pid <= 0:
        return False
    try:
        proc = psutil.Process(pid)
        cmdline = proc.cmdline()
        created = proc.create_time()
    except (psutil.Error, OSError):
        return False
    if started is None or abs(created - float(started)) > 0.05:
        return False
    if not _is_engine_command(cmdline):
        return False
    where = _data_dir_of(cmdline)
    if where is None:  # the default data directory: the start time alone proves it
        return True
    try:
        return Path(where).expanduser().resolve() == data_dir.expanduser().resolve()
    except OSError:
        return False
