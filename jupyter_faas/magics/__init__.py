"""IPython magics of jupyter-faas: ``%load_ext jupyter_faas`` registers them (``%faas_deploy?`` is help).

Thin adapters (parse with ``@magic_arguments``, call one service, return a ``display`` object):

* ``deploy.py``: ``%%faas_deploy`` / ``%faas_deploy``, ``%faas_test`` (build, local test, deploy);
* ``invoke.py``: ``%faas_invoke``, ``%faas_poll``, ``%faas_activations``, ``%faas_logs``, ``%faas_stats``,
  ``%faas_actions``, ``%faas_delete`` (the OpenWhisk client and stats);
* ``events.py``: ``%faas_sequence``, ``%faas_trigger``, ``%faas_rule``, ``%faas_fire`` (pipelines);
* ``compose.py``: ``%%faas_compose`` (a conductor action from combinators), ``%faas_path`` (a run's path);
* ``config.py``: ``%faas_config``;
* ``session.py``: the state on the shell (resolved config, client, embedded engine) and the one
  ``FaasError`` -> ``UsageError`` translation; ``progress.py``: progress of long steps.

The only part of jupyter-faas (with ``server/``) that imports IPython.
"""

from __future__ import annotations

from typing import Any

from .compose import ComposeMagics
from .config import ConfigMagics
from .deploy import DeployMagics
from .events import EventMagics
from .invoke import InvokeMagics
from .session import Session

__all__ = [
    "ComposeMagics",
    "ConfigMagics",
    "DeployMagics",
    "EventMagics",
    "InvokeMagics",
    "Session",
    "load_ipython_extension",
]


def load_ipython_extension(ipython: Any) -> None:
    """Register the ``%faas_*`` magics on ``ipython``."""
    for magics in (DeployMagics, InvokeMagics, EventMagics, ComposeMagics, ConfigMagics):
        ipython.register_magics(magics)
