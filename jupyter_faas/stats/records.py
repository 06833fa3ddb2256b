"""One activation record -> one ``Timing``: cold or warm, init / wait / run times, status. Pure.

Read per the contract: a cold start is exactly "has an ``initTime`` annotation"; ``duration`` includes the
init on a cold start, so run = duration - initTime; ``waitTime`` is the time spent before a container
took the activation. Works on full records and on list summaries (which carry ``statusCode`` instead of
``response``). What this module does not own: aggregation (``summary.py``) and plots (``plots.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..contract import STATUS_CODES

__all__ = ["Timing", "annotation", "timing", "timings"]


@dataclass(frozen=True)
class Timing:
    activation_id: str
    action: str  # "pkg/action" or "action" (from the path annotation when present)
    version: str
    start: int  # epoch ms
    end: int
    duration_ms: float
    init_ms: float  # 0 on a warm start
    wait_ms: float
    run_ms: float  # duration minus init
    cold: bool
    status: str  # "success", "application error", "action developer error", "whisk internal error"
    success: bool
    # Ran in a container: False for a trigger's record (no ``kind`` annotation) and for a sequence's record
    # (``kind: sequence``, its time is its components'), which are not cold or warm starts.
    ran: bool = True


def annotation(record: Mapping[str, Any], key: str, default: Any = None) -> Any:
    """The value of annotation ``key`` of ``record`` (annotations are ``[{key, value}]``)."""
    for item in record.get("annotations") or []:
        if isinstance(item, Mapping) and item.get("key") == key:
            return item.get("value")
    return default


def _action(record: Mapping[str, Any]) -> str:
    path = annotation(record, "path")
    if isinstance(path, str) and path.count("/") >= 1:
        return path.split("/", 1)[1]  # "guest/pkg/action" -> "pkg/action"
    return str(record.get("name", "?"))


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def timing(record: Mapping[str, Any]) -> Timing:
    """The ``Timing`` of one activation record (full or summary)."""
    init = annotation(record, "initTime")
    cold = isinstance(init, int | float) and not isinstance(init, bool)
    init_ms = _number(init) if cold else 0.0
    start = int(_number(record.get("start")))
    end = int(_number(record.get("end"))) or start
    duration = _number(record.get("duration")) if "duration" in record else float(max(0, end - start))
    response = record.get("response")
    if isinstance(response, Mapping) and "status" in response:
        status = str(response.get("status"))
        success = bool(response.get("success", status == "success"))
    else:
        code = record.get("statusCode", 0)
        status = STATUS_CODES.get(int(code) if isinstance(code, int) else 3, "whisk internal error")
        success = status == "success"
    return Timing(
        activation_id=str(record.get("activationId", "")),
        action=_action(record),
        version=str(record.get("version", "")),
        start=start,
        end=end,
        duration_ms=duration,
        init_ms=init_ms,
        wait_ms=_number(annotation(record, "waitTime", 0)),
        run_ms=max(0.0, duration - init_ms),
        cold=cold,
        status=status,
        success=success,
        ran=annotation(record, "kind") not in (None, "sequence") or "annotations" not in record,
    )


def timings(records: Iterable[Mapping[str, Any] | Timing]) -> list[Timing]:
    """``Timing`` of each record, oldest first."""
    out = [r if isinstance(r, Timing) else timing(r) for r in records]
    return sorted(out, key=lambda t: (t.start, t.activation_id))
