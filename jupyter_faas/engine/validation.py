"""Checks and merges an action PUT the way OpenWhisk's controller does (pure: no I/O, no HTTP).

Owns: entity-name rules, the ``exec`` / ``limits`` / ``parameters`` / ``annotations`` checks with upstream's
messages and statuses, the create and update rules (version bump, annotation merge, ``exec`` and
``provide-api-key`` annotations, ``python:default`` resolution) and the binary detection of ``exec.code``.
Does not own: storage (``store.py``) or how errors reach the wire (``routes.py``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from .. import strict_json
from ..contract import DEFAULT_PYTHON_KIND, KINDS, LIMITS, MAX_CODE_BYTES, MAX_PAYLOAD_BYTES, NODE_KINDS
from ..errors import Conflict, InvalidRequest, RequestTooLarge
from ..runtime.node import absent_reason, node_kinds_found, resolve_node_kind
from . import messages as msg

__all__ = [
    "BLACKBOX",
    "ENTITY_NAME_MAX",
    "SEQUENCE",
    "ActionPut",
    "PutFields",
    "check_name",
    "check_sizes",
    "is_binary_code",
    "make_action",
    "parse_put",
    "runtimes",
    "update_action",
]

BLACKBOX = "blackbox"
SEQUENCE = "sequence"
ENTITY_NAME_MAX = 256
# EntityName.REGEX in EntityPath.scala (Java's \w is ASCII)
_NAME = re.compile(r"\A([\w]|[\w][\w@ .&-]{0,254}[\w@.&-])\Z", re.ASCII)
# Exec.isBase64Pattern in Exec.scala
_BASE64 = re.compile(r"^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)$")
_SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")


def runtimes() -> list[str]:
    """What "Valid values are" lists: the kinds this engine runs (a Node.js kind where its node is found),
    plus the two intrinsic ones (Exec.scala)."""
    return sorted([*KINDS, *node_kinds_found(), BLACKBOX, SEQUENCE])


def check_name(segment: str, *, field: str = "Name segement") -> str:
    """An entity name from a URL segment, or 400 (upstream spells its field "Name segement")."""
    if _NAME.match(segment):
        return segment
    if len(segment) > ENTITY_NAME_MAX:
        raise InvalidRequest(msg.name_too_long(field, len(segment), ENTITY_NAME_MAX))
    raise InvalidRequest(msg.ENTITY_NAME_ILLEGAL)


def is_binary_code(code: str) -> bool:
    """Exec.isBinaryCode: base64-shaped code is a zip."""
    t = code.strip()
    return len(t) > 0 and len(t) % 4 == 0 and _BASE64.match(t) is not None


class PutFields:
    """The fields every entity PUT shares (actions, triggers, rules, packages); ``None`` means absent."""

    def __init__(self, body: dict[str, Any]) -> None:
        self.parameters = _params(body.get("parameters"), "parameters")
        self.annotations = _params(body.get("annotations"), "annotations")
        self.version = _version(body.get("version"))
        publish = body.get("publish")
        if publish is not None and not isinstance(publish, bool):
            raise InvalidRequest(
                msg.malformed_content("Expected JsBoolean as JsBoolean, but got " + str(publish))
            )
        self.publish: bool | None = publish


class ActionPut(PutFields):
    """The checked fields of an action's PUT body; ``None`` means "absent" (keep the old value on update)."""

    def __init__(self, body: dict[str, Any]) -> None:
        self.exec: dict[str, Any] | None = _exec(body["exec"]) if body.get("exec") is not None else None
        super().__init__(body)
        self.limits = _limits(body.get("limits"))


def parse_put(raw: bytes) -> ActionPut:
    """Parse and check a PUT body: malformed JSON -> 400, sizes -> 413, limit ranges -> 400."""
    try:
        body = strict_json.loads(raw or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidRequest(msg.malformed_content(str(exc))) from exc
    if not isinstance(body, dict):
        raise InvalidRequest(msg.malformed_content("Object expected in field 'exec'"))
    check_sizes(body)
    put = ActionPut(body)
    _check_limit_ranges(put.limits)
    return put


def check_sizes(body: dict[str, Any]) -> None:
    """LimitedWhiskEntityPut.isWithinSizeLimits: exec (the base64 string), then parameters, annotations."""
    exec_ = body.get("exec")
    if isinstance(exec_, dict):
        size = sum(len(str(exec_.get(k, "")).encode()) for k in ("code", "main", "image") if exec_.get(k))
        if size > MAX_CODE_BYTES:
            raise RequestTooLarge(msg.entity_too_big("exec", size, MAX_CODE_BYTES))
    for field in ("parameters", "annotations"):
        value = body.get(field)
        if isinstance(value, list):
            size = sum(
                len(str(p.get("key", ""))) + len(json.dumps(p.get("value")))
                for p in value
                if isinstance(p, dict)
            )
            if size > MAX_PAYLOAD_BYTES:
                raise RequestTooLarge(msg.entity_too_big(field, size, MAX_PAYLOAD_BYTES))


def _exec(value: Any) -> dict[str, Any]:
    """Exec.serdes.read: kind, code, main, image, with upstream's deserialisation messages."""
    if not isinstance(value, dict):
        raise InvalidRequest(msg.malformed_content("'kind' must be a string defined in 'exec'"))
    kind = value.get("kind")
    if not isinstance(kind, str):
        raise InvalidRequest(msg.malformed_content("'kind' must be a string defined in 'exec'"))
    kind = kind.strip().lower()
    main = value.get("main")
    if main is not None and not isinstance(main, str):
        raise InvalidRequest(
            msg.malformed_content(f"if defined, 'main' be a string in 'exec' for '{kind}' actions")
        )
    code = value.get("code")
    if kind == SEQUENCE:
        return {"kind": SEQUENCE, "components": _components(value.get("components"))}
    if kind == BLACKBOX:
        image = value.get("image")
        if not isinstance(image, str) or not image.strip():
            raise InvalidRequest(
                msg.malformed_content(f"'image' must be a string defined in 'exec' for '{BLACKBOX}' actions")
            )
        out: dict[str, Any] = {"kind": BLACKBOX, "image": image.strip()}
        if isinstance(code, str) and code.strip():
            out.update(code=code, binary=is_binary_code(code))
        elif code is not None and not isinstance(code, str):
            raise InvalidRequest(msg.malformed_content("'code' must be a string defined in 'exec'"))
        else:
            out["binary"] = False
    else:
        resolved = DEFAULT_PYTHON_KIND if kind == "python:default" else resolve_node_kind(kind)
        if resolved not in KINDS and resolved not in node_kinds_found():
            said = msg.invalid_runtime(kind, runtimes())
            if resolved in NODE_KINDS:  # a kind of the platform this machine lacks: say why
                said += " " + absent_reason(resolved)
            raise InvalidRequest(msg.malformed_content(said))
        if not isinstance(code, str):
            raise InvalidRequest(
                msg.malformed_content(
                    f"'code' must be a string or attachment object defined in 'exec' for '{kind}' actions"
                )
            )
        out = {"kind": resolved, "code": code, "binary": is_binary_code(code)}
    if main is not None:
        out["main"] = main
    return out


def _components(value: Any) -> list[str]:
    """SequenceExec: each component a fully qualified name, kept as ``/ns[/pkg]/name`` (``_`` resolved by
    the caller); the checks of length, existence and cycles need the store (``sequences.py``)."""
    if value is None:
        raise InvalidRequest(msg.malformed_content("'components' must be defined for sequence kind"))
    if not isinstance(value, list):
        raise InvalidRequest(msg.malformed_content("'components' must be an array"))
    out = []
    for c in value:
        parts = c.strip().strip("/").split("/") if isinstance(c, str) else []
        if not 2 <= len(parts) <= 3 or not all(_NAME.match(p) for p in parts):
            raise InvalidRequest(msg.malformed_content("fully qualified name malformed"))
        out.append("/" + "/".join(parts))
    return out


def _params(value: Any, field: str) -> list[dict[str, Any]] | None:
    if value is None:
        return None
    ok = isinstance(value, list) and all(isinstance(p, dict) and isinstance(p.get("key"), str) for p in value)
    if not ok:
        raise InvalidRequest(msg.malformed_content(f"{field} malformed"))
    return [
        {"key": p["key"], "value": p.get("value"), **({"init": True} if p.get("init") else {})} for p in value
    ]


_LIMIT_NAMES = {"timeout": "time", "memory": "memory", "logs": "log", "concurrency": "concurrency"}


def _limits(value: Any) -> dict[str, int] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InvalidRequest(msg.malformed_content("limits malformed"))
    out: dict[str, int] = {}
    for key, word in _LIMIT_NAMES.items():
        v = value.get(key)
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise InvalidRequest(msg.malformed_content(f"{word} limit malformed"))
        if v != int(v):
            raise InvalidRequest(msg.malformed_content(f"{word} limit must be whole number"))
        out[key] = int(v)
    return out


def _check_limit_ranges(limits: dict[str, int] | None) -> None:
    """checkActionLimits: each given limit within the namespace's range (400 with upstream's text)."""
    for key, v in (limits or {}).items():
        r = LIMITS[key]
        if key == "timeout":
            if v > r.max:
                raise InvalidRequest(msg.duration_above("duration", v, r.max))
            if v < r.min:
                raise InvalidRequest(msg.duration_below("duration", v, r.min))
        elif key == "concurrency":
            if v > r.max:
                raise InvalidRequest(f"concurrency {v} exceeds allowed threshold of {r.max}")
            if v < r.min:
                raise InvalidRequest(f"concurrency {v} below allowed threshold of {r.min}")
        else:
            field = "memory" if key == "memory" else "log"
            if v > r.max:
                raise InvalidRequest(msg.size_above(field, v, r.max))
            if v < r.min:
                raise InvalidRequest(msg.size_below(field, v, r.min))


def _version(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _SEMVER.fullmatch(value):
        raise InvalidRequest(msg.malformed_content(f"bad semantic version {value}"))
    return value


def _bump(version: str) -> str:
    major, minor, patch = (int(x) for x in version.split("."))
    return f"{major}.{minor}.{patch + 1}"


def _merge(old: list[dict[str, Any]], new: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Parameters ++ Parameters: merge by key, a new value replaces the old one in place."""
    out = {p["key"]: p for p in old}
    for p in new or []:
        out[p["key"]] = p
    return list(out.values())


def _amend(annotations: list[dict[str, Any]], kind: str, create: bool) -> list[dict[str, Any]]:
    """WhiskActionsApi.amendAnnotations: provide-api-key:false on create unless given; exec always."""
    if create and not any(a["key"] == "provide-api-key" for a in annotations):
        annotations = [*annotations, {"key": "provide-api-key", "value": False}]
    return _merge(annotations, [{"key": "exec", "value": kind}])


def make_action(namespace: str, name: str, put: ActionPut, now_ms: int) -> dict[str, Any]:
    """A new action document (makeWhiskAction); 400 ``exec undefined`` without exec."""
    if put.exec is None:
        raise InvalidRequest(msg.EXEC_UNDEFINED)
    limits = {k: r.default for k, r in LIMITS.items()}
    limits.update(put.limits or {})
    return {
        "namespace": namespace,
        "name": name,
        "version": put.version or "0.0.1",
        "publish": bool(put.publish),
        "exec": put.exec,
        "annotations": _amend(put.annotations or [], put.exec["kind"], create=True),
        "parameters": _sequence_params(put.exec) or put.parameters or [],
        "limits": {k: limits[k] for k in ("timeout", "memory", "logs", "concurrency")},
        "updated": now_ms,
    }


def update_action(old: dict[str, Any], put: ActionPut, overwrite: bool, now_ms: int) -> dict[str, Any]:
    """updateWhiskAction: absent fields keep old values, limits per field, annotations by key, patch bump."""
    if not overwrite:
        raise Conflict(msg.RESOURCE_EXISTS)
    exec_ = put.exec or old["exec"]
    limits = dict(old["limits"])
    limits.update(put.limits or {})
    return {
        "namespace": old["namespace"],
        "name": old["name"],
        "version": put.version or _bump(old["version"]),
        "publish": old["publish"] if put.publish is None else put.publish,
        "exec": exec_,
        "annotations": _amend(_merge(old["annotations"], put.annotations), exec_["kind"], create=False),
        "parameters": _update_params(old, put),
        "limits": limits,
        "updated": now_ms,
    }


def _sequence_params(exec_: dict[str, Any] | None) -> list[dict[str, Any]] | None:
    """Actions.scala: a sequence's only parameter is ``_actions``, its components (any others are dropped)."""
    if exec_ is None or exec_["kind"] != SEQUENCE:
        return None
    return [{"key": "_actions", "value": list(exec_["components"])}]


def _update_params(old: dict[str, Any], put: ActionPut) -> list[dict[str, Any]]:
    """updateWhiskAction's rules: a sequence keeps ``_actions``; leaving a sequence drops them."""
    seq = _sequence_params(put.exec)
    if seq is not None:
        return seq
    was_sequence = old["exec"]["kind"] == SEQUENCE
    if put.exec is None:
        return list(old["parameters"]) if was_sequence or put.parameters is None else put.parameters
    if put.parameters is not None:
        return put.parameters
    return [] if was_sequence else list(old["parameters"])
