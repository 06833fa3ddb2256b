"""The one route table of the server extension: every route under ``<base_url>jupyter-faas/``.

``ROUTES`` lists (path, handler, methods); ``setup_handlers`` mounts them. ``tests/server`` walks this table
to prove that every method of every route refuses a request without a token. Names of actions may hold a
package (``pkg/action``), so the ``invoke`` route comes before the plain action route.
"""

from __future__ import annotations

from typing import Any

from jupyter_server.utils import url_path_join

from . import handlers as h

__all__ = ["NAMESPACE", "ROUTES", "setup_handlers"]

NAMESPACE = "jupyter-faas"
_ID = r"(?P<activation_id>[^/]+)"

# (path under /jupyter-faas/, handler, methods)
ROUTES: list[tuple[str, type[h.FaasHandler], tuple[str, ...]]] = [
    ("config", h.ConfigHandler, ("GET",)),
    ("classes", h.ClassesHandler, ("POST",)),
    ("builds", h.BuildsHandler, ("POST",)),
    (r"builds/(?P<job_id>[0-9a-f]+)", h.BuildHandler, ("GET",)),
    ("actions", h.ActionsHandler, ("GET",)),
    (r"actions/(?P<name>.+)/invoke", h.InvokeHandler, ("POST",)),
    (r"actions/(?P<name>.+)", h.ActionHandler, ("GET", "DELETE")),
    ("activations", h.ActivationsHandler, ("GET",)),
    (rf"activations/{_ID}/logs", h.ActivationLogsHandler, ("GET",)),
    (rf"activations/{_ID}/result", h.ActivationResultHandler, ("GET",)),
    (rf"activations/{_ID}", h.ActivationHandler, ("GET",)),
    ("stats", h.StatsHandler, ("GET",)),
]


def setup_handlers(web_app: Any) -> None:
    base_url = web_app.settings.get("base_url", "/")
    rules = [(url_path_join(base_url, NAMESPACE, path), handler) for path, handler, _ in ROUTES]
    web_app.add_handlers(".*$", rules)
