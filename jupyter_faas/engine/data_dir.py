"""The engine's data folder as other processes see it: where it is by default, and the two files in it they
read (the state file an engine writes when it listens, the lock it holds for its life).

Standard library only, so that a front end finding or previewing the engine (``process.py``, the config's
"started on first use" row) loads nothing of the server (tornado, the store, the runtime). What this module
does not own: writing the state and taking the lock (``server.py``), the key file (``keys.py``).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["LOCK_FILE", "STATE_FILE", "default_data_dir"]

STATE_FILE = "engine.json"  # {"pid", "host", "port", ...}: written once the engine listens
LOCK_FILE = "engine.lock"  # held by the engine for its life (``server._lock``); ``process`` probes it


def default_data_dir() -> Path:
    """``$XDG_DATA_HOME/jupyter-faas/engine`` (default ``~/.local/share/jupyter-faas/engine``)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "jupyter-faas" / "engine"
