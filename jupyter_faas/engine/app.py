"""The engine's one route table and the tornado application built from it.

Every route but ``GET /``, ``GET /api/v1`` and the web actions under ``/api/v1/web`` (the alarms provider's
among them, which checks the key in its body) authenticates
(``base.ApiHandler.prepare``); a test walks this table to prove it. Owns nothing else.
"""

from __future__ import annotations

import logging
from typing import Any

from tornado.web import Application, RequestHandler

from .actions_api import ActionHandler, ActionsListHandler
from .activations_api import ActivationHandler, ActivationsListHandler
from .alarms import AlarmsWebHandler
from .base import NotFoundHandler
from .meta_api import ApiInfoHandler, InfoHandler, LimitsHandler, NamespacesHandler
from .packages_api import PackageHandler, PackagesListHandler
from .rules_api import RuleHandler, RulesListHandler
from .services import Services
from .triggers_api import TriggerHandler, TriggersListHandler
from .web_api import WebActionHandler, WebNotFoundHandler

__all__ = ["ROUTES", "make_app"]

_NS = r"/api/v1/namespaces/([^/]+)"
_SEG = r"([^/]+)"

# (pattern, handler): the whole REST surface of the engine.
ROUTES: list[tuple[str, type[RequestHandler]]] = [
    (r"/", InfoHandler),
    (r"/api/v1/?", ApiInfoHandler),
    (r"/api/v1/namespaces/?", NamespacesHandler),
    (_NS + r"/limits/?", LimitsHandler),
    (_NS + r"/actions/?", ActionsListHandler),
    (_NS + rf"/actions/{_SEG}/", ActionsListHandler),  # the actions of one package
    (_NS + rf"/actions/{_SEG}", ActionHandler),
    (_NS + rf"/actions/{_SEG}/{_SEG}/?", ActionHandler),
    (_NS + r"/activations/?", ActivationsListHandler),
    (_NS + rf"/activations/{_SEG}/?", ActivationHandler),
    (_NS + rf"/activations/{_SEG}/(result|logs)/?", ActivationHandler),
    (_NS + r"/triggers/?", TriggersListHandler),
    (_NS + rf"/triggers/{_SEG}/?", TriggerHandler),
    (_NS + r"/rules/?", RulesListHandler),
    (_NS + rf"/rules/{_SEG}/?", RuleHandler),
    (_NS + r"/packages/?", PackagesListHandler),
    (_NS + rf"/packages/{_SEG}/?", PackageHandler),
    # the alarms feeds' provider, a web action of upstream's catalog (its body carries the key: alarms.py)
    (r"/api/v1/web/whisk\.system/alarmsWeb/alarmWebAction(?:\.http)?/?", AlarmsWebHandler),
    # web actions: public by design (no key, any Origin), the one exception (web_api.py)
    (rf"/api/v1/web/{_SEG}/{_SEG}/{_SEG}(/.*)?", WebActionHandler),
    (r"/api/v1/web(/.*)?", WebNotFoundHandler),
]

access_log = logging.getLogger("jupyter_faas.engine.access")


def _log_request(handler: RequestHandler) -> None:
    """Status, method, path (no query string) and time; never headers, so never the key."""
    if access_log.isEnabledFor(logging.INFO):
        req = handler.request
        access_log.info(
            "%d %s %s %.2fms", handler.get_status(), req.method, req.path, 1000.0 * req.request_time()
        )


def make_app(services: Services, **settings: Any) -> Application:
    rules = [(pattern, handler, {"services": services}) for pattern, handler in ROUTES]
    return Application(
        rules,
        default_handler_class=NotFoundHandler,
        default_handler_args={"services": services},
        log_function=_log_request,
        compress_response=False,
        **settings,
    )
