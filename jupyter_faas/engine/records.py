"""Activation records in OpenWhisk's shape (contract section 2), made from the runtime's ``RunOutcome``.

Owns the record's fields and their order, the annotations (``limits``, ``path``, ``kind``, ``timeout``,
``initTime`` on cold starts only, ``waitTime``), the ``response`` object, the list summaries, and the record
of an activation lost to an engine stop. Does not own running the action (``runtime/``) or storing it.
"""

from __future__ import annotations

import json
from typing import Any

from ..contract import STATUS_CODES
from ..runtime import RunOutcome

__all__ = [
    "WHISK_ERROR",
    "action_path",
    "build_record",
    "composite_record",
    "filter_name",
    "lost_record",
    "pending_doc",
    "public",
    "response_json",
    "summary",
]

WHISK_ERROR = 3
LOST = "The activation did not complete because the engine stopped while it was in flight."


def action_path(action: dict[str, Any]) -> str:
    """``guest/pkg/name``: the ``path`` annotation, and the key of the action in the store."""
    return f"{action['namespace']}/{action['name']}"


def response_json(status_code: int, result: Any) -> dict[str, Any]:
    """ActivationResponse.toExtendedJson: result, size, status, success."""
    return {
        "result": result,
        "size": len(json.dumps(result, separators=(",", ":")).encode()),
        "status": STATUS_CODES[status_code],
        "success": status_code == 0,
    }


def pending_doc(action: dict[str, Any], user_ns: str, activation_id: str, accepted_ms: int) -> dict[str, Any]:
    """What the pending row keeps: enough to write a whisk-error record if the engine dies."""
    return {
        "namespace": user_ns,
        "name": action["name"],
        "subject": user_ns,
        "activationId": activation_id,
        "version": action["version"],
        "path": action_path(action),
        "kind": action["exec"]["kind"],
        "limits": action["limits"],
        "start": accepted_ms,
    }


def _annotations(
    limits: dict[str, Any],
    path: str,
    kind: str,
    timeout: bool,
    init_ms: int | None,
    wait_ms: int,
    caused_by_sequence: bool = False,
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [
        {"key": "limits", "value": limits},
        {"key": "path", "value": path},
        {"key": "kind", "value": kind},
        {"key": "timeout", "value": timeout},
    ]
    if caused_by_sequence:  # ContainerProxy: causedBy follows timeout
        out.append({"key": "causedBy", "value": "sequence"})
    if init_ms is not None:
        out.append({"key": "initTime", "value": init_ms})
    out.append({"key": "waitTime", "value": wait_ms})
    return out


def build_record(
    action: dict[str, Any], user_ns: str, activation_id: str, outcome: RunOutcome, cause: str | None = None
) -> dict[str, Any]:
    """The full record; ``statusCode`` is kept (for summaries) and dropped by ``public``.

    ``cause``: the id of the sequence this activation is a component of (then ``causedBy: sequence``)."""
    record: dict[str, Any] = {
        "namespace": user_ns,
        "name": action["name"],
        "subject": user_ns,
        "activationId": activation_id,
        "start": outcome.start_ms,
        "end": outcome.end_ms,
    }
    if cause is not None:
        record["cause"] = cause
    record.update(
        {
            "duration": outcome.end_ms - outcome.start_ms,
            "statusCode": outcome.status_code,
            "response": response_json(outcome.status_code, outcome.result),
            "logs": outcome.logs,
            "version": action["version"],
            "publish": False,
            "annotations": _annotations(
                action["limits"],
                action_path(action),
                action["exec"]["kind"],
                outcome.timeout,
                outcome.init_ms,
                outcome.wait_ms,
                cause is not None,
            ),
        }
    )
    return record


def lost_record(doc: dict[str, Any], now_ms: int) -> dict[str, Any]:
    """The record of an activation that was in flight when the engine stopped: a whisk internal error."""
    start = int(doc["start"])
    return {
        "namespace": doc["namespace"],
        "name": doc["name"],
        "subject": doc["subject"],
        "activationId": doc["activationId"],
        "start": start,
        "end": max(start, now_ms),
        "duration": max(0, now_ms - start),
        "statusCode": WHISK_ERROR,
        "response": response_json(WHISK_ERROR, {"error": LOST}),
        "logs": [],
        "version": doc["version"],
        "publish": False,
        "annotations": _annotations(doc["limits"], doc["path"], doc["kind"], False, None, 0),
    }


def public(record: dict[str, Any], *, logs: bool = True) -> dict[str, Any]:
    """The record as the API shows it (no internal ``statusCode``; ``logs: []`` when not wanted)."""
    out = {k: v for k, v in record.items() if k != "statusCode"}
    if not logs:
        out["logs"] = []
    return out


def summary(record: dict[str, Any]) -> dict[str, Any]:
    """The activations list's summary (the ``activations`` view of upstream's design document); ``cause``
    when there is one; a trigger's record (no ``end``) has no end, duration or statusCode."""
    out = {
        "namespace": record["namespace"],
        "name": record["name"],
        "version": record["version"],
        "publish": record["publish"],
        "annotations": record["annotations"],
        "activationId": record["activationId"],
        "start": record["start"],
    }
    if "cause" in record:
        out["cause"] = record["cause"]
    if "end" in record:
        out.update(end=record["end"], duration=record["duration"], statusCode=record["statusCode"])
    return out


def filter_name(action: dict[str, Any]) -> str:
    """What the activations list's ``name`` filter matches: ``name`` or ``pkg/name``."""
    ns_parts = action["namespace"].split("/", 1)
    return f"{ns_parts[1]}/{action['name']}" if len(ns_parts) == 2 else action["name"]


def composite_annotations(
    path: str,
    cause: str | None,
    wait_ms: int,
    limits: dict[str, Any] | None,
    *,
    conductor: bool = False,
) -> list[dict[str, Any]]:
    """A sequence's or a composition's annotations: ``topmost``, ``path``, ``kind: sequence``,
    (``conductor``,) ``causedBy`` when nested, ``waitTime``, and ``limits`` when given."""
    annotations: list[dict[str, Any]] = [
        {"key": "topmost", "value": cause is None},
        {"key": "path", "value": path},
        {"key": "kind", "value": "sequence"},
    ]
    if conductor:
        annotations.append({"key": "conductor", "value": True})
    if cause is not None:
        annotations.append({"key": "causedBy", "value": "sequence"})
    annotations.append({"key": "waitTime", "value": max(0, wait_ms)})
    if limits is not None:
        annotations.append({"key": "limits", "value": limits})
    return annotations


def composite_record(
    action: dict[str, Any],
    user_ns: str,
    activation_id: str,
    *,
    start: int,
    end: int,
    cause: str | None,
    duration: int,
    status: int,
    response: dict[str, Any],
    logs: list[str],
    annotations: list[dict[str, Any]],
) -> dict[str, Any]:
    """The record of a sequence or a composition (makeSequenceActivation): its components' ids in ``logs``."""
    record: dict[str, Any] = {
        "namespace": user_ns,
        "name": action["name"],
        "subject": user_ns,
        "activationId": activation_id,
        "start": start,
        "end": end,
    }
    if cause is not None:
        record["cause"] = cause
    record.update(
        duration=duration,
        statusCode=status,
        response=response,
        logs=list(logs),
        version=action["version"],
        publish=False,
        annotations=annotations,
    )
    return record
