"""jupyter-faas: from a notebook class to an Apache OpenWhisk action.

This module holds only the version and the extension hooks; each hook imports its module inside the
function, so ``import jupyter_faas`` stays cheap and imports nothing from Jupyter.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "load_ipython_extension"]


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext jupyter_faas``: register the ``%faas_*`` magics."""
    from .magics import load_ipython_extension as load

    load(ipython)
