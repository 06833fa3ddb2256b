"""jupyter-faas: from a notebook class to an Apache OpenWhisk action.

This module holds only the version and the extension hooks; each hook imports its module inside the
function, so ``import jupyter_faas`` stays cheap and imports nothing from Jupyter.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = [
    "__version__",
    "_jupyter_labextension_paths",
    "_jupyter_server_extension_points",
    "load_ipython_extension",
]


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext jupyter_faas``: register the ``%faas_*`` magics."""
    from .magics import load_ipython_extension as load

    load(ipython)


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """The Jupyter server extension (REST endpoints for the sidebar) lives in ``jupyter_faas.server``."""
    return [{"module": "jupyter_faas.server"}]


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """The built sidebar (``jupyter labextension develop``; a pip install puts it in share/jupyter)."""
    return [{"src": "labextension", "dest": "jupyter-faas"}]
