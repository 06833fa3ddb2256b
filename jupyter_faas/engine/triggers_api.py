"""``/namespaces/{ns}/triggers[/{name}]`` and ``/namespaces/{ns}/rules[/{name}]``, per upstream's
``Triggers.scala`` and ``Rules.scala``.

A trigger keeps its rules as upstream does (``rules: {"guest/r": {action: {path, name}, status}}``); a rule's
status is read from its trigger (``inactive`` when the trigger is gone). Firing (``POST`` a trigger):
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
from typing import Any

from ..contract import MAX_PAYLOAD_BYTES
from ..errors import Conflict, FaasError, InvalidRequest, NotFound, RequestTooLarge, Throttled
from . import messages as msg
from .actions_api import start_sequence
from .base import ApiHandler, parse_bool, parse_skip_limit
from .bodies import json_object
from .conductors import is_conductor
from .entities import (
    fqn_json,
    fqn_string,
    make_rule,
    make_trigger,
    parse_body,
    rule_refs,
    rule_response,
    update_rule,
    update_trigger,
)
from .invoker import now_ms, resolve, start_job
from .records import response_json
from .validation import SEQUENCE, check_name

__all__ = [
    "EntityHandler",
    "RuleHandler",
    "RulesListHandler",
    "TriggerHandler",
    "TriggersListHandler",
    "fire_rule",
]

_HIDDEN_HEADERS = {"authorization", "timeout-access"}


def _trigger_summary(t: dict[str, Any]) -> dict[str, Any]:
    keys = ("namespace", "name", "version", "publish", "annotations", "updated")
    return {k: t[k] for k in keys}


class EntityHandler(ApiHandler):
    """What trigger, rule and package handlers share: name -> path, lookup, list."""

    collection = ""

    def _path(self, ns: str, name: str) -> tuple[str, str]:
        user_ns = self.namespace(ns, name)
        return user_ns, f"{user_ns}/{check_name(name)}"

    def _existing(self, path: str) -> dict[str, Any]:
        doc = self.services.store.get_entity(self.collection, path)
        if doc is None:
            raise NotFound(msg.RESOURCE_NOT_FOUND)
        return doc

    def _list(self, ns: str, view: Any, *, shared: bool = False) -> None:
        """List a collection; ``shared`` (packages) lets another namespace's published entities be listed."""
        namespace = self.readable_namespace(ns) if shared else self.namespace(ns)
        public = namespace != self.user_namespace
        skip, limit = parse_skip_limit(self, self.collection)
        store = self.services.store
        if parse_bool(self, "count", False):
            count = store.count_entities(self.collection, namespace, skip, public_only=public)
            self.reply({self.collection: count})
        else:
            docs = store.list_entities(self.collection, namespace, skip, limit, public_only=public)
            self.reply([view(d) for d in docs])


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
    services: Any, user_ns: str, rule_name: str, ref: dict[str, Any], args: dict[str, Any]
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
                in_flight = services.scheduler.in_flight(user_ns)
                if in_flight >= services.scheduler.limit:
                    raise Throttled(msg.too_many_concurrent(in_flight, services.scheduler.limit))
                activation_id = uuid.uuid4().hex
                start_sequence(services, resolved, dict(args), user_ns, activation_id)
            else:
                activation_id = start_job(services, resolved, args, user_ns, blocking=False).activation_id
            status, outcome = 0, {"activationId": activation_id}
        except FaasError as exc:  # as the HTTP answer of an invoke: 5xx a whisk error, others application
            status = 3 if exc.status >= 500 else 1
            outcome = {"error": exc.message}
    return {"statusCode": status, "success": status == 0, **outcome, "rule": rule_name, "action": action_name}


# rules -----------------------------------------------------------------------------------------------------
def _status(services: Any, rule: dict[str, Any]) -> str:
    trigger = services.store.get_entity("triggers", fqn_string(rule["trigger"]))
    link = ((trigger or {}).get("rules") or {}).get(f"{rule['namespace']}/{rule['name']}")
    return str(link["status"]) if link else "inactive"


def _link(services: Any, trigger_path: str, rule_name: str, link: dict[str, Any] | None) -> None:
    """Add (or, with ``None``, remove) the rule's entry in its trigger, if the trigger exists."""
    store = services.store
    trigger = store.get_entity("triggers", trigger_path)
    if trigger is None:
        return
    rules = dict(trigger.get("rules") or {})
    rules.pop(rule_name, None)
    if link is not None:
        rules[rule_name] = link
    trigger["rules"] = rules
    store.put_entity("triggers", trigger_path, trigger)


class RulesListHandler(EntityHandler):
    collection = "rules"

    def get(self, ns: str) -> None:
        self._list(ns, lambda r: r)


class RuleHandler(EntityHandler):
    collection = "rules"

    def put(self, ns: str, name: str) -> None:
        user_ns, path = self._path(ns, name)
        self.require_json()
        body = parse_body(self.request.body)
        overwrite = parse_bool(self, "overwrite", False)
        trigger, action = rule_refs(body, user_ns)
        services = self.services
        old = services.store.get_entity("rules", path)
        if old is not None and not overwrite:
            raise Conflict(msg.RESOURCE_EXISTS)
        if old is None and (trigger is None or action is None):
            raise InvalidRequest(msg.RULE_NEEDS_TRIGGER_AND_ACTION)
        if old is not None:
            trigger = trigger or (old["trigger"]["path"], old["trigger"]["name"])
            action = action or (old["action"]["path"], old["action"]["name"])
        assert trigger is not None and action is not None
        t_path, a_path = "/".join(trigger), "/".join(action)
        if services.store.get_entity("triggers", t_path) is None:
            raise InvalidRequest(f"trigger /{t_path} does not exist")
        if resolve(services, a_path, user_ns) is None:
            raise InvalidRequest(f"action /{a_path} does not exist")
        status = "active" if old is None else _status(services, old)
        now = now_ms()
        doc = make_rule(user_ns, name, body, trigger, action, now) if old is None else None
        if old is not None:
            doc = update_rule(old, body, trigger, action, now)
            if fqn_string(old["trigger"]) != t_path:
                _link(services, fqn_string(old["trigger"]), path, None)
        assert doc is not None
        _link(services, t_path, path, {"action": fqn_json(*action), "status": status})
        services.store.put_entity("rules", path, doc)
        self.reply(rule_response(doc, status))

    def get(self, ns: str, name: str) -> None:
        rule = self._existing(self._path(ns, name)[1])
        self.reply(rule_response(rule, _status(self.services, rule)))

    def delete(self, ns: str, name: str) -> None:
        path = self._path(ns, name)[1]
        rule = self._existing(path)
        _link(self.services, fqn_string(rule["trigger"]), path, None)
        self.services.store.delete_entity("rules", path)
        self.reply(rule_response(rule, "inactive"))

    def post(self, ns: str, name: str) -> None:
        """Enable or disable: ``{"status": "active" | "inactive"}``."""
        path = self._path(ns, name)[1]
        self.require_json()
        body = parse_body(self.request.body)
        wanted = body.get("status")
        if not isinstance(wanted, str):
            raise InvalidRequest(msg.malformed_content("Object is missing required member 'status'"))
        if wanted not in ("active", "inactive"):
            raise InvalidRequest(msg.malformed_content(msg.rule_state_unknown(wanted)))
        rule = self._existing(path)
        t_path = fqn_string(rule["trigger"])
        if self.services.store.get_entity("triggers", t_path) is None:
            raise NotFound(msg.RULE_TRIGGER_MISSING)
        if _status(self.services, rule) != wanted:
            _link(self.services, t_path, path, {"action": rule["action"], "status": wanted})
        self.set_status(200)  # pekko-http complete(OK): the status's text, no JSON
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.finish("OK")


def _compact(value: Any) -> str:
    """spray-json's compactPrint."""
    return json.dumps(value, separators=(",", ":"))
