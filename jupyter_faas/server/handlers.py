"""Thin handlers of the server extension: parse the request, call one service off the event loop, answer.

Every handler subclasses jupyter_server's ``APIHandler`` (so XSRF and origin checks apply) and every method
is ``@tornado.web.authenticated``. ``FaasHandler.faas`` is the ``Backend`` built once at load time
(``web_app.settings["jupyter_faas"]``); ``FaasHandler.call`` runs a service in its thread pool; errors are
translated once, in ``FaasHandler.write_error``/``call``, into ``{error, code, fix, status}``. The routes
are in ``routes.py``.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Callable
from typing import Any

from jupyter_server.base.handlers import APIHandler
from tornado import web

from ..errors import FaasError
from .backend import Backend
from .jobs import error_json

__all__ = [
    "ActionHandler",
    "ActionsHandler",
    "ActivationHandler",
    "ActivationLogsHandler",
    "ActivationResultHandler",
    "ActivationsHandler",
    "BuildHandler",
    "BuildsHandler",
    "ClassesHandler",
    "ConfigHandler",
    "FaasHandler",
    "InvokeHandler",
    "StatsHandler",
]


class _Reply(Exception):
    """Carries a translated error out of ``call`` to ``write_error``."""

    def __init__(self, payload: dict[str, Any]) -> None:
        super().__init__(payload["error"])
        self.payload = payload


class FaasHandler(APIHandler):
    """Base of every jupyter-faas handler: the services, the thread pool, the error shape."""

    @property
    def faas(self) -> Backend:
        services: Backend = self.settings["jupyter_faas"]
        return services

    async def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run ``fn(*args)`` in the services' pool; a ``FaasError`` becomes its HTTP status and JSON body."""
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self.faas.executor, functools.partial(fn, *args))
        except FaasError as exc:
            self.faas.log_error(exc)
            raise web.HTTPError(exc.status, reason=_reason(exc.status)) from _Reply(error_json(exc))

    def body(self) -> Any:
        """The JSON body (``None`` when empty); malformed JSON is a 400 with a fix."""
        if not self.request.body:
            return None
        try:
            return json.loads(self.request.body)
        except ValueError as exc:
            raise web.HTTPError(400, reason="Bad Request") from _Reply(
                {
                    "error": f"The request body is not JSON: {exc}",
                    "code": "BadRequest",
                    "fix": "Send a JSON body with Content-Type: application/json.",
                    "status": 400,
                }
            )

    def reply(self, value: Any, status: int = 200) -> None:
        self.set_status(status)
        self.finish(json.dumps(value, default=str))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info", (None, None, None))[1]
        cause = getattr(exc, "__cause__", None)
        if isinstance(cause, _Reply):
            payload = cause.payload
        elif isinstance(exc, web.HTTPError):
            message = exc.log_message or exc.reason or _reason(status_code)
            fix = {
                403: "Reload JupyterLab (your session or XSRF token is missing or has expired).",
                404: "Check the URL; the jupyter-faas routes are under /jupyter-faas/.",
                405: "This route does not take that HTTP method.",
            }.get(status_code, "See the Jupyter server's log.")
            payload = {"error": message, "code": _reason(status_code).replace(" ", ""), "fix": fix}
        else:
            payload = error_json(exc) if exc is not None else {"error": _reason(status_code), "code": "Error"}
        payload["status"] = status_code
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(payload, default=str))

    def int_argument(self, name: str, default: int) -> int:
        value = self.get_argument(name, None)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except ValueError:
            pass
        raise web.HTTPError(400, reason="Bad Request") from _Reply(
            {
                "error": f"'{name}' must be a whole number, got {value!r}.",
                "code": "BadRequest",
                "fix": f"Give ?{name}=<number>.",
                "status": 400,
            }
        )


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


class ConfigHandler(FaasHandler):
    @web.authenticated
    async def get(self) -> None:
        self.reply(await self.call(self.faas.config))


class ClassesHandler(FaasHandler):
    @web.authenticated
    async def post(self) -> None:
        self.reply(await self.call(self.faas.classes, self.body()))


class BuildsHandler(FaasHandler):
    @web.authenticated
    async def post(self) -> None:
        self.reply(await self.call(self.faas.start_build, self.body()), status=202)


class BuildHandler(FaasHandler):
    @web.authenticated
    async def get(self, job_id: str) -> None:
        self.reply(await self.call(self.faas.build_job, job_id))


class ActionsHandler(FaasHandler):
    @web.authenticated
    async def get(self) -> None:
        self.reply(await self.call(self.faas.actions))


class ActionHandler(FaasHandler):
    @web.authenticated
    async def get(self, name: str) -> None:
        self.reply(await self.call(self.faas.action, name))

    @web.authenticated
    async def delete(self, name: str) -> None:
        self.reply(await self.call(self.faas.delete_action, name))


class InvokeHandler(FaasHandler):
    @web.authenticated
    async def post(self, name: str) -> None:
        status, value = await self.call(self.faas.invoke, name, self.body())
        self.reply(value, status=status)


class ActivationsHandler(FaasHandler):
    @web.authenticated
    async def get(self) -> None:
        name = self.get_argument("name", None)
        since = self.get_argument("since", None)
        limit = self.int_argument("limit", 30)
        since_ms = self.int_argument("since", 0) if since else None
        self.reply(await self.call(self.faas.activations, name, limit, since_ms))


class ActivationHandler(FaasHandler):
    @web.authenticated
    async def get(self, activation_id: str) -> None:
        self.reply(await self.call(self.faas.activation, activation_id))


class ActivationLogsHandler(FaasHandler):
    @web.authenticated
    async def get(self, activation_id: str) -> None:
        self.reply(await self.call(self.faas.logs, activation_id))


class ActivationResultHandler(FaasHandler):
    @web.authenticated
    async def get(self, activation_id: str) -> None:
        self.reply(await self.call(self.faas.result, activation_id))


class StatsHandler(FaasHandler):
    @web.authenticated
    async def get(self) -> None:
        name = self.get_argument("name", None)
        limit = self.int_argument("limit", 200)
        self.reply(await self.call(self.faas.stats, name, limit))
