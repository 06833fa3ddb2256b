"""The alarms provider: what upstream runs beside OpenWhisk as ``openwhisk-package-alarms``' provider and
its web action ``/whisk.system/alarmsWeb/alarmWebAction``, served by the engine itself.

The feed actions (``catalog/alarms.py``) call ``AlarmsWebHandler`` with a trigger's parameters:
POST creates a schedule (checked by ``alarm_schedules.check_config``), GET reads it (``{config, status}``),
PUT updates it, DELETE removes it; each after checking ``authKey`` and the trigger as upstream does
(``Trigger authentication request failed.``). Schedules live in the store (``alarms`` table), so they
resume when the engine restarts; the key is never stored, only its SHA-256, and a fire is sent with the
engine's key only while that digest still matches.

A fire is ``POST /api/v1/namespaces/{ns}/triggers/{name}`` over HTTP to the engine, with the schedule's
payload, as upstream's provider sends it: 408, 409, 429, 5xx and connection failures are retried (up to
10 times, ``max(1 s, 1 s * n**2)`` apart); any other 4xx disables the schedule with its reason, as do 10
straight 429s.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import time
from typing import Any

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest

from ..errors import Conflict, FaasError, InvalidRequest, NotFound
from .alarm_schedules import UPDATABLE, check_config, iso, next_fire
from .base import ApiHandler
from .services import Services

__all__ = ["AlarmsWebHandler", "Provider"]

log = logging.getLogger("jupyter_faas.engine.alarms")
RETRIES = 10
_RETRIED = {408, 409, 429}


def _now() -> int:
    return int(time.time() * 1000)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _status(active: bool, reason: dict[str, Any] | None = None) -> dict[str, Any]:
    now = _now()
    status: dict[str, Any] = {"active": active, "dateChanged": now, "dateChangedISO": iso(now)}
    if reason is not None:
        status["reason"] = reason
    return status


class Provider:
    """The schedules of one engine: kept in its store, armed on its event loop."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._timers: dict[str, asyncio.TimerHandle] = {}

    def start(self) -> int:
        """Arm every active schedule (after a restart: from now on); how many."""
        docs = [d for d in self.services.store.list_alarms() if d["status"]["active"]]
        for doc in docs:
            self._arm(doc)
        return len(docs)

    def stop(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()

    # the web action's operations ----------------------------------------------------------------------
    def _trigger(self, params: dict[str, Any]) -> tuple[str, str]:
        """(``/ns/name``, its store path) of the parameters' trigger, once ``authKey`` is the engine's."""
        name = params.get("triggerName")
        if not isinstance(name, str) or not name.strip("/"):
            raise InvalidRequest("no trigger name parameter was provided")
        parts = name.strip("/").split("/")
        ns, trigger = (parts[0], parts[-1]) if len(parts) > 1 else (self.services.namespace, parts[0])
        key = params.get("authKey")
        if not isinstance(key, str) or not hmac.compare_digest(key.encode(), self.services.auth.encode()):
            raise FaasError("Trigger authentication request failed.", status=401)
        if ns not in ("_", self.services.namespace) or (
            self.services.store.get_entity("triggers", f"{self.services.namespace}/{trigger}") is None
        ):
            raise FaasError("Trigger authentication request failed.", status=404)
        ns = self.services.namespace
        return f"/{ns}/{trigger}", f"{ns}/{trigger}"

    def create(self, params: dict[str, Any]) -> dict[str, Any]:
        name, _ = self._trigger(params)
        if self.services.store.get_alarm(name) is not None:
            raise Conflict(f"trigger {name} already exists")
        config = check_config(params, _now())
        doc = {"name": name, "key": _digest(params["authKey"]), "config": config, "status": _status(True)}
        self.services.store.put_alarm(name, doc)
        self._arm(doc)
        return {"status": "success"}

    def read(self, params: dict[str, Any]) -> dict[str, Any]:
        name, _ = self._trigger(params)
        doc = self._existing(name)
        config = {
            k: v for k, v in doc["config"].items() if v is not None and k not in ("type", "maxTriggers")
        }
        ns, _, trigger = name.strip("/").partition("/")
        return {"config": {"name": trigger, "namespace": ns, **config}, "status": doc["status"]}

    def update(self, params: dict[str, Any]) -> dict[str, Any]:
        name, _ = self._trigger(params)
        doc = self._existing(name)
        given = {k: v for k, v in params.items() if _truthy(v)}  # upstream's `if (params.minutes)`...
        if not any(k in given for k in UPDATABLE):
            raise InvalidRequest("no updatable parameters were specified")
        merged = {**_as_params(doc["config"]), **given}
        doc = {**doc, "config": check_config(merged, _now(), doc["config"]), "status": _status(True)}
        self.services.store.put_alarm(name, doc)
        self._arm(doc)
        return {"status": "success"}

    def delete(self, params: dict[str, Any]) -> dict[str, Any]:
        name, _ = self._trigger(params)
        self._existing(name)
        self._disarm(name)
        self.services.store.delete_alarm(name)
        return {"status": "success"}

    def _existing(self, name: str) -> dict[str, Any]:
        doc = self.services.store.get_alarm(name)
        if doc is None:
            raise NotFound(f"could not find trigger {name} in the database")
        return doc

    # firing ------------------------------------------------------------------------------------------------
    def _arm(self, doc: dict[str, Any]) -> None:
        self._disarm(doc["name"])
        when = next_fire(doc["config"], _now())
        if when is None:
            self._disable(doc, None, "Automatically disabled after the stop date")
            return
        loop = asyncio.get_running_loop()
        delay = max(0.0, (when - _now()) / 1000)
        self._timers[doc["name"]] = loop.call_later(delay, self._due, doc["name"])

    def _disarm(self, name: str) -> None:
        timer = self._timers.pop(name, None)
        if timer is not None:
            timer.cancel()

    def _due(self, name: str) -> None:
        self._timers.pop(name, None)
        task = asyncio.get_running_loop().create_task(self._fire(name))
        _running.add(task)
        task.add_done_callback(_running.discard)

    async def _fire(self, name: str) -> None:
        doc = self.services.store.get_alarm(name)
        if doc is None or not doc["status"]["active"]:
            return
        status, message = await self._post(doc)
        doc = self.services.store.get_alarm(name)  # deleted or updated while the fire was in flight
        if doc is None or not doc["status"]["active"]:
            return
        if status is not None and 400 <= status < 500:
            self._disable(doc, status, message)
            return
        config = doc["config"]
        if config["type"] == "once":
            await self._after_once(doc)
            return
        if config.get("maxTriggers", -1) > 0:
            config["maxTriggers"] -= 1
            if config["maxTriggers"] == 0:
                self._disable(doc, None, "Automatically disabled after reaching max triggers")
                return
            self.services.store.put_alarm(name, doc)
        self._arm(doc)

    async def _post(self, doc: dict[str, Any]) -> tuple[int | None, str]:
        """Fire the trigger, retrying as upstream's provider does: (the final status, its message)."""
        if not hmac.compare_digest(doc["key"], _digest(self.services.auth)):
            return 401, "The engine's key changed since the feed was created."
        throttles, status, message = 0, None, ""
        for attempt in range(RETRIES + 1):
            status, message = await self._request("POST", f"triggers/{doc['name'].split('/')[-1]}", doc)
            if status is not None and status < 400:
                return status, message
            if status is not None and status < 500 and status not in _RETRIED:
                return status, message
            throttles = throttles + 1 if status == 429 else 0
            if throttles >= RETRIES:
                return status, message
            if attempt < RETRIES:
                await asyncio.sleep(max(1.0, float(throttles**2)))
        log.warning("alarm %s: fire failed after %d retries: %s %s", doc["name"], RETRIES, status, message)
        return None, message

    async def _request(self, method: str, path: str, doc: dict[str, Any]) -> tuple[int | None, str]:
        auth = base64.b64encode(self.services.auth.encode()).decode()
        body = json.dumps(doc["config"]["payload"]) if method == "POST" else None
        request = HTTPRequest(
            f"{self.services.api_host}/api/v1/namespaces/_/{path}",
            method=method,
            body=body,
            headers={"Authorization": f"Basic {auth}", "Content-Type": "application/json"},
            request_timeout=60,
        )
        try:
            reply = await AsyncHTTPClient().fetch(request)
            return reply.code, ""
        except HTTPClientError as exc:
            text = exc.response.body.decode(errors="replace") if exc.response is not None else str(exc)
            return exc.code, _error_text(text)
        except OSError as exc:
            return None, str(exc)

    async def _after_once(self, doc: dict[str, Any]) -> None:
        after = doc["config"].get("deleteAfterFire")
        if not after:
            self._disable(doc, None, "Automatically disabled after firing once")
            return
        trigger = doc["name"].split("/")[-1]
        if after == "rules":
            stored = self.services.store.get_entity("triggers", f"{self.services.namespace}/{trigger}")
            for rule in (stored or {}).get("rules") or {}:
                await self._request("DELETE", f"rules/{rule.split('/')[-1]}", doc)
        await self._request("DELETE", f"triggers/{trigger}", doc)
        self.services.store.delete_alarm(doc["name"])

    def _disable(self, doc: dict[str, Any], status: int | None, message: str) -> None:
        reason = {"kind": "AUTO", "statusCode": status, "message": message}
        self.services.store.put_alarm(doc["name"], {**doc, "status": _status(False, reason)})
        log.info("alarm %s disabled: %s", doc["name"], message)


_running: set[asyncio.Task[None]] = set()


def _truthy(value: Any) -> bool:
    """JavaScript's truthiness, which upstream's update tests each parameter with: the package's default
    ``trigger_payload: ""`` changes nothing."""
    return (
        value is not None
        and value is not False
        and value != ""
        and not (isinstance(value, (int, float)) and value == 0)
    )


def _error_text(text: str) -> str:
    try:
        return str(json.loads(text).get("error", text))
    except (ValueError, AttributeError):
        return text


def _as_params(config: dict[str, Any]) -> dict[str, Any]:
    """A stored config as the CREATE parameters that make it again (what an UPDATE changes)."""
    out = {k: v for k, v in config.items() if k not in ("type", "payload") and v is not None}
    out["fireOnce"], out["isInterval"] = config["type"] == "once", config["type"] == "interval"
    out["trigger_payload"] = config["payload"]
    if out.get("maxTriggers") == -1:
        del out["maxTriggers"]
    return out


class AlarmsWebHandler(ApiHandler):
    """``/api/v1/web/whisk.system/alarmsWeb/alarmWebAction[.http]``: the feed actions' provider. No engine
    key in the header (a web action); the body's ``authKey`` is checked instead. Answers
    ``{"error"}`` with upstream's status on failure."""

    requires_auth = False

    @property
    def provider(self) -> Provider:
        provider = self.services.alarms
        assert isinstance(provider, Provider)
        return provider

    def _call(self, operation: Any) -> None:
        try:
            params = json.loads(self.request.body or b"{}")
            if not isinstance(params, dict):
                raise ValueError
        except ValueError:
            self.reply({"error": "The request body must be a JSON object."}, 400)
            return
        try:
            self.reply(operation(params))
        except FaasError as exc:
            self.reply({"error": exc.message}, exc.status)

    def post(self) -> None:
        self._call(self.provider.create)

    def get(self) -> None:
        self._call(self.provider.read)

    def put(self) -> None:
        self._call(self.provider.update)

    def delete(self) -> None:
        self._call(self.provider.delete)
