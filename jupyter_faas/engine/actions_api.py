"""``/namespaces/{ns}/actions[/{pkg}]/{name}``: create/update, get, delete, list, invoke.

Thin handlers: checks live in ``validation.py``, state in ``store.py``, execution in ``scheduler.py``.
Responses follow upstream's ``Actions.scala`` (``WhiskActionsApi``), including ``doInvoke``'s status
mapping and the ``x-openwhisk-activation-id`` header.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from ..contract import BLOCKING_WAIT_MS, MAX_PAYLOAD_BYTES
from ..errors import InvalidRequest, NotFound, RequestTooLarge
from ..runtime import ActionSpec, RunRequest
from . import messages as msg
from .base import ApiHandler, parse_bool, parse_skip_limit
from .records import public
from .scheduler import Job
from .validation import check_name, make_action, parse_put, update_action

__all__ = ["ActionHandler", "ActionsListHandler", "action_spec"]

_STATUS = {0: 200, 1: 502, 2: 502, 3: 500}


def _now_ms() -> int:
    return int(time.time() * 1000)


def _summary(action: dict[str, Any]) -> dict[str, Any]:
    """The ``actions`` view of upstream's design document: no code, ``exec`` only says ``binary``."""
    return {
        "namespace": action["namespace"],
        "name": action["name"],
        "version": action["version"],
        "publish": action["publish"],
        "annotations": action["annotations"],
        "limits": action["limits"],
        "exec": {"binary": action["exec"].get("binary", False)},
        "updated": action["updated"],
    }


def action_spec(action: dict[str, Any], path: str) -> ActionSpec:
    """The runtime's view of one revision; ``updated`` in the key makes every update run cold."""
    exec_ = action["exec"]
    limits = action["limits"]
    return ActionSpec(
        key=f"{path}@{action['version']}#{action['updated']}",
        kind=exec_["kind"],
        code=exec_.get("code", ""),
        binary=bool(exec_.get("binary")),
        main=exec_.get("main") or "main",
        image=exec_.get("image"),
        memory_mb=limits["memory"],
        timeout_ms=limits["timeout"],
        logs_mb=limits["logs"],
    )


class ActionsListHandler(ApiHandler):
    """``GET .../actions`` (and ``GET .../actions/{pkg}/``: the actions of one package)."""

    def get(self, ns: str, package: str | None = None) -> None:
        namespace = self.namespace(ns)
        if package is not None:
            namespace = f"{namespace}/{check_name(package)}"
        skip, limit = parse_skip_limit(self, "actions")
        store = self.services.store
        if parse_bool(self, "count", False):
            self.reply({"actions": store.count_actions(namespace, skip)})
        else:
            self.reply([_summary(a) for a in store.list_actions(namespace, skip, limit)])


class ActionHandler(ApiHandler):
    """One action: ``PUT`` / ``GET`` / ``DELETE`` / ``POST`` (invoke)."""

    _spec_cache: dict[str, ActionSpec] = {}

    def _resolve(self, ns: str, first: str, second: str | None) -> tuple[str, str, str]:
        """(entity namespace, name, path) from the URL: ``{name}`` or ``{pkg}/{name}``."""
        user_ns = self.namespace(ns, first if second is None else f"{first}/{second}")
        check_name(first)
        if second is None:
            return user_ns, first, f"{user_ns}/{first}"
        check_name(second)
        entity_ns = f"{user_ns}/{first}"
        return entity_ns, second, f"{entity_ns}/{second}"

    def _existing(self, path: str) -> dict[str, Any]:
        action = self.services.store.get_action(path)
        if action is None:
            raise NotFound(msg.RESOURCE_NOT_FOUND)
        return action

    def put(self, ns: str, first: str, second: str | None = None) -> None:
        entity_ns, name, path = self._resolve(ns, first, second)
        self.require_json()
        put = parse_put(self.request.body)
        overwrite = parse_bool(self, "overwrite", False)
        store = self.services.store
        old = store.get_action(path)
        now = _now_ms()
        doc = update_action(old, put, overwrite, now) if old else make_action(entity_ns, name, put, now)
        store.put_action(path, doc)
        self.reply(doc)

    def get(self, ns: str, first: str, second: str | None = None) -> None:
        _, _, path = self._resolve(ns, first, second)
        code = parse_bool(self, "code", True)
        action = self._existing(path)
        if not code:
            action = {**action, "exec": {k: v for k, v in action["exec"].items() if k != "code"}}
        self.reply(action)

    def delete(self, ns: str, first: str, second: str | None = None) -> None:
        _, _, path = self._resolve(ns, first, second)
        action = self._existing(path)
        self.services.store.delete_action(path)
        self.reply(action)

    async def post(self, ns: str, first: str, second: str | None = None) -> None:
        _, _, path = self._resolve(ns, first, second)
        size = len(self.request.body)
        if size > MAX_PAYLOAD_BYTES:
            raise RequestTooLarge(msg.entity_too_big("Request", size, MAX_PAYLOAD_BYTES))
        blocking = parse_bool(self, "blocking", False)
        result_only = parse_bool(self, "result", False)
        wait_ms = self._timeout()
        action = self._existing(path)
        params = self._params(action)
        services = self.services
        activation_id = uuid.uuid4().hex
        spec = self._spec(action, path)
        request = RunRequest(
            params=params,
            activation_id=activation_id,
            namespace=self.user_namespace,
            action_name=f"/{path}",
            action_version=action["version"],
            api_host=services.api_host,
            api_key=services.auth if _provides_key(action) else None,
        )
        job = Job(action, spec, request, self.user_namespace, _now_ms())
        services.scheduler.admit(job, blocking=blocking)
        self.set_header("x-openwhisk-activation-id", activation_id)
        if not blocking:
            self.reply({"activationId": activation_id}, 202)
            return
        record = await services.scheduler.wait(job, wait_ms / 1000)
        if record is None:
            self.reply({"activationId": activation_id}, 202)  # still running: the caller polls
            return
        result = record["response"]["result"]
        if isinstance(result, list):
            body: Any = result
        elif result_only:
            body = result
        else:
            body = public(record, logs=False)
        self.reply(body, _STATUS[record["statusCode"]])

    def _timeout(self) -> int:
        raw = self.get_query_argument("timeout", None)
        if raw is None:
            return BLOCKING_WAIT_MS
        try:
            value = int(raw)
        except ValueError:
            value = -1
        if not 0 < value <= BLOCKING_WAIT_MS:
            raise InvalidRequest(msg.malformed_query_param("timeout", msg.invalid_timeout(BLOCKING_WAIT_MS)))
        return value

    def _params(self, action: dict[str, Any]) -> dict[str, Any]:
        """The action's parameters, overridden by the payload (a JSON object, or nothing)."""
        params = {p["key"]: p["value"] for p in action["parameters"]}
        body = self.request.body
        if body.strip():
            self.require_json()
            try:
                payload = json.loads(body)
            except (ValueError, UnicodeDecodeError) as exc:
                raise InvalidRequest(msg.malformed_content(str(exc))) from exc
            if not isinstance(payload, dict):
                raise InvalidRequest(msg.malformed_content("Object expected"))
            params.update(payload)
        return params

    def _spec(self, action: dict[str, Any], path: str) -> ActionSpec:
        key = f"{path}@{action['version']}#{action['updated']}"
        spec = self._spec_cache.get(key)
        if spec is None:
            if len(self._spec_cache) > 1024:  # old revisions: no need to keep them
                self._spec_cache.clear()
            spec = self._spec_cache[key] = action_spec(action, path)
        return spec


def _provides_key(action: dict[str, Any]) -> bool:
    return any(a["key"] == "provide-api-key" and a["value"] is True for a in action["annotations"])
