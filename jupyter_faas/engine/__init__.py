"""The embedded OpenWhisk engine: OpenWhisk's REST API on 127.0.0.1, actions run by ``jupyter_faas.runtime``.

Used from Python through ``start`` / ``ensure_running`` / ``stop`` (each engine is its own process), and
from the command line as ``jupyter-faas engine``. Modules: ``server.py`` (the process), ``app.py`` (the one
route table), ``base.py`` (auth, errors -> ``{error, code}``, the entity handlers' base), ``meta_api.py``,
``actions_api.py``, ``activations_api.py``, ``triggers_api.py``, ``rules_api.py``, ``packages_api.py``
(thin handlers), ``invoker.py`` (starting an activation), ``sequences.py``, ``entities.py`` (trigger,
rule, package documents), ``validation.py`` (PUT checks and merges), ``store.py`` (SQLite),
``scheduler.py`` (throttling, worker pool), ``records.py`` (activation records), ``messages.py``
(upstream's texts), ``data_dir.py`` (the data folder's files), ``process.py`` (start/stop from Python).

Importing this package is cheap: the tornado server is only imported by the process that serves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .process import EngineHandle, ensure_running, start, stop

__all__ = ["EngineHandle", "ensure_running", "start", "stop"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import process

        return getattr(process, name)
    raise AttributeError(name)
