"""Triggers, rules and packages as OpenWhisk's controller stores and shows them (pure: no I/O, no HTTP).

Owns their documents (field order of upstream's ``WhiskTrigger``, ``WhiskRule``/``WhiskRuleResponse``,
``ReducedRule``, ``WhiskPackage``), the checks and merges of their PUT bodies (absent fields keep old
values, the version's patch is bumped on update), and fully qualified names as upstream reads them
(``"/ns/name"``, ``"/ns/pkg/name"`` or ``{"path", "name"}``; ``_`` is the caller's namespace).
Does not own storage (``store.py``), existence checks or firing (``triggers_api.py``, ``rules_api.py``,
``invoker.py``).
"""

from __future__ import annotations

from typing import Any

from ..errors import Conflict, InvalidRequest
from . import messages as msg
from .bodies import ENTITY_BODY_BYTES, json_object
from .validation import PutFields, _bump, check_name, check_sizes

__all__ = [
    "fqn",
    "fqn_json",
    "fqn_string",
    "make_package",
    "make_rule",
    "make_trigger",
    "parse_body",
    "rule_response",
    "update_package",
    "update_rule",
    "update_trigger",
]

FQN_MALFORMED = "fully qualified name malformed"


def parse_body(raw: bytes) -> dict[str, Any]:
    """A trigger, rule or package PUT body: bounded, strict JSON, parameters and annotations 1 MB each."""
    body: dict[str, Any] = json_object(raw, max_bytes=ENTITY_BODY_BYTES, empty={})
    check_sizes(body)
    return body


def fqn(value: Any, user_ns: str) -> tuple[str, str]:
    """(path, name) of a fully qualified name: ``/ns/name``, ``ns/pkg/name`` or ``{path, name}``."""
    if isinstance(value, dict):
        path, name = value.get("path"), value.get("name")
        if not isinstance(path, str) or not isinstance(name, str):
            raise InvalidRequest(msg.malformed_content(FQN_MALFORMED))
        parts = [*path.strip("/").split("/"), name]
    elif isinstance(value, str):
        parts = value.strip().strip("/").split("/")
    else:
        raise InvalidRequest(msg.malformed_content(FQN_MALFORMED))
    if not 2 <= len(parts) <= 3:
        raise InvalidRequest(msg.malformed_content(FQN_MALFORMED))
    try:
        for part in parts:
            check_name(part)
    except InvalidRequest:
        raise InvalidRequest(msg.malformed_content(FQN_MALFORMED)) from None
    if parts[0] == "_":
        parts[0] = user_ns
    return "/".join(parts[:-1]), parts[-1]


def fqn_json(path: str, name: str) -> dict[str, str]:
    return {"path": path, "name": name}


def fqn_string(ref: dict[str, str]) -> str:
    """``guest/name``: FullyQualifiedEntityName.asString (no leading slash)."""
    return f"{ref['path']}/{ref['name']}"


def _common(old: dict[str, Any] | None, put: PutFields) -> dict[str, Any]:
    if old is None:
        return {
            "parameters": put.parameters or [],
            "version": put.version or "0.0.1",
            "publish": bool(put.publish),
            "annotations": put.annotations or [],
        }
    return {
        # a rule has no parameters of its own
        "parameters": old.get("parameters", []) if put.parameters is None else put.parameters,
        "version": put.version or _bump(old["version"]),
        "publish": old["publish"] if put.publish is None else put.publish,
        "annotations": old["annotations"] if put.annotations is None else put.annotations,
    }


# triggers --------------------------------------------------------------------------------------------------
def make_trigger(namespace: str, name: str, body: dict[str, Any], now_ms: int) -> dict[str, Any]:
    c = _common(None, PutFields(body))
    return {"namespace": namespace, "name": name, "parameters": c["parameters"], "limits": {},
            "version": c["version"], "publish": c["publish"], "annotations": c["annotations"],
            "updated": now_ms}  # fmt: skip


def update_trigger(old: dict[str, Any], body: dict[str, Any], overwrite: bool, now_ms: int) -> dict[str, Any]:
    if not overwrite:
        raise Conflict(msg.RESOURCE_EXISTS)
    c = _common(old, PutFields(body))
    doc = {"namespace": old["namespace"], "name": old["name"], "parameters": c["parameters"],
           "limits": old.get("limits", {}), "version": c["version"], "publish": c["publish"],
           "annotations": c["annotations"]}  # fmt: skip
    if "rules" in old:
        doc["rules"] = old["rules"]
    doc["updated"] = now_ms
    return doc


# rules -----------------------------------------------------------------------------------------------------
def rule_refs(body: dict[str, Any], user_ns: str) -> tuple[tuple[str, str] | None, tuple[str, str] | None]:
    """The rule's trigger and action as (path, name), each ``None`` when absent."""
    trigger = None if body.get("trigger") is None else fqn(body["trigger"], user_ns)
    action = None if body.get("action") is None else fqn(body["action"], user_ns)
    return trigger, action


def make_rule(
    namespace: str,
    name: str,
    body: dict[str, Any],
    trigger: tuple[str, str],
    action: tuple[str, str],
    now: int,
) -> dict[str, Any]:
    c = _common(None, PutFields(body))
    return {"namespace": namespace, "name": name, "trigger": fqn_json(*trigger), "action": fqn_json(*action),
            "version": c["version"], "publish": c["publish"], "annotations": c["annotations"],
            "updated": now}  # fmt: skip


def update_rule(
    old: dict[str, Any], body: dict[str, Any], trigger: tuple[str, str], action: tuple[str, str], now: int
) -> dict[str, Any]:
    c = _common(old, PutFields(body))
    return {"namespace": old["namespace"], "name": old["name"], "trigger": fqn_json(*trigger),
            "action": fqn_json(*action), "version": c["version"], "publish": c["publish"],
            "annotations": c["annotations"], "updated": now}  # fmt: skip


def rule_response(rule: dict[str, Any], status: str) -> dict[str, Any]:
    """WhiskRuleResponse: the rule with its status (read from its trigger) after the name."""
    out = {"namespace": rule["namespace"], "name": rule["name"], "status": status}
    out.update({k: v for k, v in rule.items() if k not in ("namespace", "name")})
    return out


# packages --------------------------------------------------------------------------------------------------
def _binding(value: Any, user_ns: str) -> dict[str, str] | None:
    if value is None or value == {}:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("name"), str):
        raise InvalidRequest(msg.malformed_content("binding malformed"))
    ns = value.get("namespace") or user_ns
    if not isinstance(ns, str):
        raise InvalidRequest(msg.malformed_content("binding malformed"))
    return {"namespace": user_ns if ns == "_" else ns, "name": check_name(value["name"])}


def package_binding(body: dict[str, Any], user_ns: str) -> dict[str, str] | None:
    return _binding(body.get("binding"), user_ns)


def _package(namespace: str, name: str, binding: dict[str, str] | None, c: dict[str, Any], now: int) -> Any:
    annotations = [a for a in c["annotations"] if a["key"] != "binding"]
    if binding is not None:  # always set by the controller
        annotations.append({"key": "binding", "value": binding})
    return {"namespace": namespace, "name": name, "binding": binding or {}, "parameters": c["parameters"],
            "version": c["version"], "publish": c["publish"], "annotations": annotations,
            "updated": now}  # fmt: skip


def make_package(
    namespace: str, name: str, body: dict[str, Any], binding: dict[str, str] | None, now: int
) -> dict[str, Any]:
    return dict(_package(namespace, name, binding, _common(None, PutFields(body)), now))


def update_package(
    old: dict[str, Any], body: dict[str, Any], binding: dict[str, str] | None, overwrite: bool, now: int
) -> dict[str, Any]:
    if not overwrite:
        raise Conflict(msg.RESOURCE_EXISTS)
    if binding is not None and not old.get("binding"):
        raise Conflict(msg.PACKAGE_CANNOT_BECOME_BINDING)
    c = _common(old, PutFields(body))
    return dict(_package(old["namespace"], old["name"], binding or old.get("binding") or None, c, now))
