"""``/namespaces/{ns}/triggers[/{name}]``, per upstream's ``Triggers.scala``.

A trigger keeps its rules as upstream does (``rules: {"guest/r": {action: {path, name}, status}}``; the
rules' own routes are ``rules_api.py``'s). Firing (``POST`` a trigger):
204 without an active rule; else each rule's action is invoked non-blocking with the trigger's parameters
under ``__ow_headers`` and the payload, and the trigger's activation (result: the payload; no ``end``) is
stored with one log line per rule: ``{"statusCode", "success", "activationId" | "error", "rule",
"action"}``; 202 ``{activationId}``. Unlike upstream, the rules are activated before the 202 is sent (each
is only an admission), so the trigger's record is there as soon as its id is known.
The ``Authorization`` header is never passed to actions in ``__ow_headers`` (upstream passes every header).
"""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any

from ..contract import MAX_PAYLOAD_BYTES
from ..errors import FaasError, NotFound, RequestTooLarge
from . import messages as msg
from .actions_api import start_sequence
from .base import EntityHandler, parse_bool
from .bodies import json_object
from .conductors import is_conductor
from .entities import (
    fqn_string,
    make_trigger,
    parse_body,
    update_trigger,
)
from .invoker import now_ms, resolve, start_job
from .records import response_json
from .validation import SEQUENCE

if TYPE_CHECKING:
    from .services import Services

__all__ = ["TriggerHandler", "TriggersListHandler", "fire_rule"]

_HIDDEN_HEADERS = {"authorization", "timeout-access"}


def _trigger_summary(t: dict[str, Any]) -> dict[str, Any]:
    keys = ("namespace", "name", "version", "publish", "annotations", "updated")
    return {k: t[k] for k in keys}


class TriggersListHandler(EntityHandler):
    collection = "triggers"

    def get(self, ns: str) -> None:
        self._list(ns, _trigger_summary)


class TriggerHandler(EntityHandler):
    collection = "triggers"

    def put(self, ns: str, name: str) -> None:
        user_ns, path = self._path(ns, name)
        self.require_json()
        body = parse_body(self.request.body)
        overwrite = parse_bool(self, "overwrite", False)
        old = self.services.store.get_entity("triggers", path)
        now = now_ms()
        doc = update_trigger(old, body, overwrite, now) if old else make_trigger(user_ns, name, body, now)
        self.services.store.put_entity("triggers", path, doc)
        self.reply(doc)

    def get(self, ns: str, name: str) -> None:
        self.reply(self._existing(self._path(ns, name)[1]))

    def delete(self, ns: str, name: str) -> None:
        path = self._path(ns, name)[1]
        doc = self._existing(path)
        self.services.store.delete_entity("triggers", path)
        self.reply(doc)

    def post(self, ns: str, name: str) -> None:
        user_ns, path = self._path(ns, name)
        payload = self._payload()
        trigger = self._existing(path)
        rules: dict[str, Any] = trigger.get("rules") or {}
        if not any(r["status"] == "active" for r in rules.values()):
            self.set_status(204)
            self.finish()
            return
        headers = {
            k.lower(): v for k, v in self.request.headers.get_all() if k.lower() not in _HIDDEN_HEADERS
        }
        args = {p["key"]: p["value"] for p in trigger["parameters"]}
        args.update({"__ow_headers": headers, **(payload or {})})
        activation_id = uuid.uuid4().hex
        start = now_ms()
        lines = [_compact(fire_rule(self.services, user_ns, r, ref, args)) for r, ref in rules.items()]
        record = {
            "namespace": user_ns,
            "name": trigger["name"],
            "subject": user_ns,
            "activationId": activation_id,
            "start": start,
            "statusCode": 0,
            "response": response_json(0, payload if payload is not None else {}),
            "logs": lines,
            "version": trigger["version"],
            "publish": False,
            "annotations": [],
        }
        self.services.store.finish(record, lines, trigger["name"])
        self.set_header("x-openwhisk-activation-id", activation_id)
        self.reply({"activationId": activation_id}, 202)

    def _payload(self) -> dict[str, Any] | None:
        """A fire's payload: at most 1 MB, as an invoke's (413 before anything is stored)."""
        raw = self.request.body
        if len(raw) > MAX_PAYLOAD_BYTES:
            raise RequestTooLarge(msg.entity_too_big("Request", len(raw), MAX_PAYLOAD_BYTES))
        if not raw.strip():
            return None
        self.require_json()
        payload: dict[str, Any] = json_object(raw)
        return payload


def fire_rule(
    services: Services, user_ns: str, rule_name: str, ref: dict[str, Any], args: dict[str, Any]
) -> dict[str, Any]:
    """Invoke one rule's action non-blocking: upstream's RuleActivationResult as a dict."""
    action_name = fqn_string(ref["action"])
    if ref["status"] != "active":
        status, outcome = 1, {"error": msg.trigger_with_inactive_rule(rule_name, action_name)}
    else:
        try:
            resolved = resolve(services, action_name, user_ns)
            if resolved is None:
                raise NotFound(msg.RESOURCE_NOT_FOUND)
            if resolved.action["exec"]["kind"] == SEQUENCE or is_conductor(resolved.action):
                activation_id = start_sequence(services, resolved, dict(args), user_ns)[0]
            else:
                activation_id = start_job(services, resolved, args, user_ns, blocking=False).activation_id
            status, outcome = 0, {"activationId": activation_id}
        except FaasError as exc:  # as the HTTP answer of an invoke: 5xx a whisk error, others application
            status = 3 if exc.status >= 500 else 1
            outcome = {"error": exc.message}
    return {"statusCode": status, "success": status == 0, **outcome, "rule": rule_name, "action": action_name}


def _compact(value: Any) -> str:
    """spray-json's compactPrint."""
    return json.dumps(value, separators=(",", ":"))
