"""Sequences, as upstream's ``SequenceActions.scala`` runs them and ``Actions.scala`` checks them.

* ``check_components``: at PUT, 1..50 components, each existing, no cycle back to the sequence, at most 50
  atomic actions once inner sequences are inlined (upstream's messages, 400).
* ``run_sequence``: each component invoked blocking, in order, the result of one the parameters of the next
  (merged over the component's own parameters); a result with an ``error`` field stops the sequence and is
  its result, as does a missing component (``Sequence component does not exist.``) or the 51st atomic
  action. Each component's record has ``cause`` (the sequence's id) and ``causedBy: sequence``; the
  sequence's record has ``logs`` = the components' ids, ``duration`` = the sum of theirs, annotations
  ``topmost``, ``path``, ``kind: sequence``, (``causedBy``,) ``waitTime``, ``limits`` (the largest memory).

Components skip the namespace's throttle (upstream checks it once, for the sequence). Does not own HTTP.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from ..errors import InvalidRequest
from . import messages as msg
from .conductors import is_conductor, run_composition
from .invoker import Resolved, now_ms, resolve, start_job
from .records import composite_annotations, composite_record, filter_name, pending_doc, response_json
from .services import Services
from .sharing import is_shared
from .validation import SEQUENCE

__all__ = ["MAX_SEQUENCE", "check_components", "new_id", "run_component", "run_sequence"]

MAX_SEQUENCE = 50  # whisk.config actionSequenceMaxLimit in a stock deployment
_APPLICATION_ERROR, _WHISK_ERROR = 1, 3
log = logging.getLogger("jupyter_faas.engine")


def check_components(services: Services, seq_path: str, components: list[str]) -> None:
    """checkSequenceActionLimits: length, existence, cycles, inlined atomic count (400, upstream's text)."""
    if len(components) > MAX_SEQUENCE:
        raise InvalidRequest(msg.SEQUENCE_IS_TOO_LONG)
    if not components:
        raise InvalidRequest(msg.SEQUENCE_NO_COMPONENT)
    if _count_atomic(services, seq_path, components, 0) > MAX_SEQUENCE:
        raise InvalidRequest(msg.SEQUENCE_IS_TOO_LONG)


def _count_atomic(services: Services, seq_path: str, components: list[str], depth: int) -> int:
    total = 0
    for component in components:
        path = component.strip("/")
        if path == seq_path:
            raise InvalidRequest(msg.SEQUENCE_IS_CYCLIC)
        resolved = resolve(services, path, seq_path.split("/", 1)[0])  # a shared component is 403
        if resolved is None:
            raise InvalidRequest(msg.SEQUENCE_COMPONENT_NOT_FOUND)
        if resolved.path == seq_path:
            raise InvalidRequest(msg.SEQUENCE_IS_CYCLIC)
        exec_ = resolved.action["exec"]
        if exec_["kind"] == SEQUENCE:
            total += _count_atomic(services, seq_path, exec_["components"], depth + 1)
        else:
            total += 1
        if total > MAX_SEQUENCE:
            raise InvalidRequest(msg.SEQUENCE_IS_TOO_LONG)
    return total


class _Accounting:
    """SequenceAccounting: the last response, the components' ids, the summed duration, the largest memory."""

    def __init__(self, payload: dict[str, Any], atomic: int) -> None:
        self.status = 0
        self.response = response_json(0, payload)
        self.logs: list[str] = []
        self.duration = 0
        self.max_memory: int | None = None
        self.atomic = atomic

    def fail(self, status: int, error: str, activation_id: str | None = None) -> None:
        if activation_id:
            self.logs.append(activation_id)
        self.status = status
        self.response = response_json(status, {"error": error})

    def add(self, record: dict[str, Any]) -> bool:
        """Account for a component's record; ``True`` when the sequence goes on."""
        self.logs.append(record["activationId"])
        self.duration += int(record.get("duration", 0))
        self.status = record["statusCode"]
        self.response = record["response"]
        for a in record["annotations"]:
            if a["key"] == "limits" and isinstance(a["value"], dict) and "memory" in a["value"]:
                self.max_memory = max(self.max_memory or 0, int(a["value"]["memory"]))
        result = self.response.get("result")
        return not (isinstance(result, dict) and "error" in result)


async def run_sequence(
    services: Services,
    action: dict[str, Any],
    path: str,
    user_ns: str,
    payload: dict[str, Any],
    activation_id: str,
    *,
    accepted_ms: int,
    cause: str | None = None,
    atomic: int = 0,
    depth: int = 0,
) -> tuple[dict[str, Any], int]:
    """Run the sequence ``action`` and store its record; (the record, the atomic actions run so far).

    ``depth`` counts the sequences it is nested in: components that loop back to a sequence (through a
    package binding changed after the sequence was checked) stop at ``MAX_SEQUENCE`` levels with
    upstream's "too long" error, not a recursion that fills the store and the log.
    """
    start = now_ms()
    # marked in flight, so that an engine stopped mid-sequence records it at its next start (recover)
    services.store.add_pending(
        activation_id, user_ns, filter_name(action), accepted_ms,
        pending_doc(action, user_ns, activation_id, accepted_ms),
    )  # fmt: skip
    acc = _Accounting(payload, atomic)
    next_payload: dict[str, Any] = payload
    try:
        for component in action["exec"]["components"]:
            if acc.atomic >= MAX_SEQUENCE or depth >= MAX_SEQUENCE:
                acc.fail(_APPLICATION_ERROR, msg.SEQUENCE_IS_TOO_LONG)
                break
            target = component.strip("/")
            resolved = resolve(services, target) if is_shared(services.store, user_ns, target) else None
            if resolved is None:  # gone, or no longer shared with this namespace
                acc.fail(_APPLICATION_ERROR, msg.SEQUENCE_COMPONENT_NOT_FOUND)
                break
            if is_conductor(resolved.action):  # a composition of its own, one component of this sequence
                record = await run_composition(
                    services,
                    resolved,
                    next_payload,
                    user_ns,
                    new_id(),
                    accepted_ms=now_ms(),
                    cause=activation_id,
                )
                acc.atomic += 1
            elif resolved.action["exec"]["kind"] == SEQUENCE:
                record, acc.atomic = await run_sequence(
                    services, resolved.action, resolved.path, user_ns, next_payload, new_id(),
                    accepted_ms=now_ms(), cause=activation_id, atomic=acc.atomic, depth=depth + 1,
                )  # fmt: skip
            else:
                component_id, waited = await run_component(
                    services, resolved, next_payload, user_ns, cause=activation_id
                )
                if waited is None:
                    acc.fail(_WHISK_ERROR, msg.sequence_retrieve_timeout(component_id), component_id)
                    break
                record, acc.atomic = waited, acc.atomic + 1
            if not acc.add(record):
                break
            result = record["response"]["result"]
            next_payload = result if isinstance(result, dict) else {}
    except Exception:  # a whisk failure while running a component: the sequence still gets its record
        log.exception("sequence %s failed", activation_id)
        acc.fail(_WHISK_ERROR, msg.SEQUENCE_FAILED)
    record = _record(action, path, user_ns, activation_id, acc, start, accepted_ms, cause)
    services.store.finish(record, acc.logs, filter_name(action))
    return record, acc.atomic


def new_id() -> str:
    """A new activation id (the controller's ActivationId.generate: 32 hex)."""
    return uuid.uuid4().hex


async def run_component(
    services: Services, resolved: Resolved, payload: dict[str, Any], user_ns: str, *, cause: str
) -> tuple[str, dict[str, Any] | None]:
    """One atomic component of a sequence or a composition, run blocking (no throttle: upstream checks
    it once, for the whole) with ``cause``; (its id, its record, or None when the wait ran out)."""
    job = start_job(services, resolved, payload, user_ns, blocking=True, cause=cause, throttle=False)
    return job.activation_id, await services.scheduler.wait(
        job, resolved.action["limits"]["timeout"] / 1000 + 60
    )


def _record(
    action: dict[str, Any],
    path: str,
    user_ns: str,
    activation_id: str,
    acc: _Accounting,
    start: int,
    accepted_ms: int,
    cause: str | None,
) -> dict[str, Any]:
    """makeSequenceActivation: the record of one sequence run."""
    limits = None if acc.max_memory is None else {**action["limits"], "memory": acc.max_memory}
    annotations = composite_annotations(path, cause, start - accepted_ms, limits)
    return composite_record(
        action, user_ns, activation_id, start=start, end=now_ms(), cause=cause, duration=acc.duration,
        status=acc.status, response=acc.response, logs=acc.logs, annotations=annotations,
    )  # fmt: skip
