"""Conductor actions, as upstream's controller runs them (``PrimitiveActions.scala``: ``invokeComposition``,
``invokeConductor``, ``tryInvokeNext``; contract part 2, section 2).

An action whose ``conductor`` annotation is truthy (and which is no sequence) is a composition: the
engine runs the conductor on the payload (plus the ``state`` it returned last), and as long as its result
names an ``action``, runs that component on the result's ``params`` and feeds the component's result,
whatever its status, back to the conductor. A result without ``action`` ends the composition (its
``params`` unwrapped). At most ``MAX_SEQUENCE`` components and ``2 * MAX_SEQUENCE + 1`` conductor runs,
counted across nested compositions. The primary record (id: the session's, what a non-blocking invoke
returns) has the derived activations' ids in ``logs``, their summed ``duration``, and the annotations
``topmost``, ``path``, ``kind: sequence``, ``conductor: true``, (``causedBy``,) ``waitTime`` and
``limits``; every derived record has ``cause`` = the primary id. Does not own HTTP nor atomic runs.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from . import messages as msg
from .invoker import Resolved, now_ms, resolve
from .records import composite_annotations, composite_record, filter_name, pending_doc, response_json
from .services import Services
from .sharing import is_shared
from .validation import SEQUENCE, check_name

__all__ = ["is_conductor", "run_composition"]

log = logging.getLogger("jupyter_faas.engine")
_APPLICATION_ERROR, _WHISK_ERROR = 1, 3


def _truthy(value: Any) -> bool:
    """Parameter.isTruthy: true, a non-zero number, a non-empty string (even "false"), any object or array."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, str):
        return value != ""
    return isinstance(value, (dict, list))


def is_conductor(action: dict[str, Any]) -> bool:
    if action["exec"]["kind"] == SEQUENCE:
        return False
    return any(a.get("key") == "conductor" and _truthy(a.get("value")) for a in action.get("annotations", []))


@dataclass
class Counters:
    """Shared by a composition and the compositions nested in it."""

    limit: int
    components: int = 0
    conductors: int = 0


@dataclass
class _Session:
    logs: list[str] = field(default_factory=list)
    duration: int = 0
    max_memory: int = 0

    def add(self, record: dict[str, Any]) -> None:
        self.logs.append(record["activationId"])
        self.duration += int(record.get("duration", 0))
        for a in record.get("annotations", []):
            if a["key"] == "limits" and isinstance(a["value"], dict) and "memory" in a["value"]:
                self.max_memory = max(self.max_memory, int(a["value"]["memory"]))


def _component_path(value: Any, user_ns: str) -> str | None:
    """``name``, ``pkg/name``, ``/ns/name`` or ``/ns/pkg/name`` (``/_/...``: the caller's) as a store path."""
    if not isinstance(value, str) or not value.strip("/"):
        return None
    parts = value.strip("/").split("/")
    if value.startswith("/"):
        if len(parts) < 2 or len(parts) > 3:
            return None
        if parts[0] == "_":
            parts[0] = user_ns
    elif len(parts) > 2:
        return None
    else:
        parts = [user_ns, *parts]
    try:
        for part in parts:
            check_name(part)
    except Exception:
        return None
    return "/".join(parts)


async def run_composition(
    services: Services,
    resolved: Resolved,
    payload: dict[str, Any],
    user_ns: str,
    activation_id: str,
    *,
    accepted_ms: int,
    cause: str | None = None,
    counters: Counters | None = None,
) -> dict[str, Any]:
    """Run the conductor action ``resolved`` as a composition; store and return its primary record."""
    from .sequences import MAX_SEQUENCE, new_id, run_component, run_sequence

    counters = counters or Counters(MAX_SEQUENCE)
    action = resolved.action
    start = now_ms()
    services.store.add_pending(
        activation_id, user_ns, filter_name(action), accepted_ms,
        pending_doc(action, user_ns, activation_id, accepted_ms),
    )  # fmt: skip
    session = _Session(max_memory=int(action["limits"]["memory"]))
    state: dict[str, Any] | None = None
    current: Any = payload
    status: int = 0
    result: Any = {}
    try:
        while True:
            if counters.conductors > 2 * counters.limit:
                status, result = _APPLICATION_ERROR, {"error": msg.COMPOSITION_TOO_LONG}
                break
            args = {**current, **(state or {})} if isinstance(current, dict) else {}
            counters.conductors += 1
            conductor_id, ran = await run_component(services, resolved, args, user_ns, cause=activation_id)
            if ran is None:
                session.logs.append(conductor_id)
                status, result = _WHISK_ERROR, {"error": msg.composition_retrieve_timeout(conductor_id)}
                break
            session.add(ran)
            r = ran["response"]["result"]
            r = r if isinstance(r, dict) else {}
            params = r.get("params")
            if "params" in r and not isinstance(params, dict):
                params = {"value": params}
            state = r.get("state") if isinstance(r.get("state"), dict) else (
                {"state": r["state"]} if "state" in r else None
            )  # fmt: skip
            if "action" not in r:
                status, result = ran["statusCode"], (params if "params" in r else r)
                break
            path = _component_path(r["action"], user_ns)
            if path is None:
                text = json.dumps(r["action"], separators=(",", ":"))
                current = {"error": msg.composition_bad_name(text)}
                continue
            if counters.components >= counters.limit:
                current = {"error": msg.COMPOSITION_TOO_LONG}
                continue
            if not is_shared(services.store, user_ns, path):
                current = {"error": msg.composition_not_entitled(f"/{path}")}
                continue
            component = resolve(services, path)
            if component is None:
                current = {"error": msg.composition_not_found(f"/{path}")}
                continue
            counters.components += 1
            given = params or {}
            kind = component.action["exec"]["kind"]
            if kind == SEQUENCE:
                record, _ = await run_sequence(
                    services, component.action, component.path, user_ns, given, new_id(),
                    accepted_ms=now_ms(), cause=activation_id,
                )  # fmt: skip
            elif is_conductor(component.action):
                record = await run_composition(
                    services, component, given, user_ns, new_id(),
                    accepted_ms=now_ms(), cause=activation_id, counters=counters,
                )  # fmt: skip
            else:
                component_id, done = await run_component(
                    services, component, given, user_ns, cause=activation_id
                )
                if done is None:
                    session.logs.append(component_id)
                    status, result = _WHISK_ERROR, {"error": msg.composition_retrieve_timeout(component_id)}
                    break
                record = done
            session.add(record)
            current = record["response"]["result"]
    except Exception:  # a whisk failure: the composition still gets its record
        log.exception("composition %s failed", activation_id)
        status, result = _WHISK_ERROR, {"error": msg.COMPOSITION_FAILED}
    record = _record(action, resolved.path, user_ns, activation_id, session, status, result,
                     start, accepted_ms, cause)  # fmt: skip
    services.store.finish(record, session.logs, filter_name(action))
    return record


def _record(
    action: dict[str, Any], path: str, user_ns: str, activation_id: str, session: _Session, status: int,
    result: Any, start: int, accepted_ms: int, cause: str | None,
) -> dict[str, Any]:  # fmt: skip
    limits = {**action["limits"], "memory": session.max_memory}
    annotations = composite_annotations(path, cause, start - accepted_ms, limits, conductor=True)
    return composite_record(
        action, user_ns, activation_id, start=start, end=now_ms(), cause=cause, duration=session.duration,
        status=status, response=response_json(status, result), logs=session.logs, annotations=annotations,
    )  # fmt: skip
