"""The Jupyter server extension of jupyter-faas: REST endpoints under ``/jupyter-faas/`` for the sidebar.

Loaded by jupyter_server (enabled on ``pip install`` by ``jupyter-config/server-config/jupyter_faas.json``).
``_load_jupyter_server_extension`` builds the ``Backend`` once, keeps it in
``web_app.settings["jupyter_faas"]`` and mounts the route table. Modules: ``settings.py`` (options),
``backend.py`` (calls into the core), ``jobs.py`` (build/test/deploy jobs), ``notebook.py`` (the notebook
payload, class listing), ``payloads.py`` (JSON shapes), ``handlers.py``, ``routes.py``.
This is the only package besides the magics that imports Jupyter.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["_jupyter_server_extension_points", "_load_jupyter_server_extension"]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "jupyter_faas.server"}]


def _load_jupyter_server_extension(server_app: Any) -> None:
    from .backend import Backend
    from .routes import NAMESPACE, setup_handlers
    from .settings import JupyterFaas

    settings = JupyterFaas(parent=server_app)
    web_app = server_app.web_app
    root_dir = Path(getattr(server_app, "root_dir", None) or ".")
    web_app.settings["jupyter_faas"] = Backend(settings, root_dir, log=server_app.log)
    setup_handlers(web_app)
    server_app.log.info("jupyter-faas: server extension loaded at %s/", NAMESPACE)


# the name jupyter_server looked up before 2.0; kept so older servers load it too
load_jupyter_server_extension = _load_jupyter_server_extension
