"""The launcher's answers read as upstream's invoker reads the action proxy's: an ``Exchange`` (status,
result, timeout, whether the container must be destroyed) from an init's or a run's answer line and how the
exchange ended (``ok``, ``timeout``, ``memory``, ``exit``).

What this module does not own: getting the answer (``container.py``), the record (``runtime.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import strict_json
from ..contract import MAX_PAYLOAD_BYTES
from . import messages as msg

__all__ = ["DEVELOPER", "EXITED", "Exchange", "read_init_answer", "read_run_answer"]

EXITED = b"\x1eexited"  # the launcher's answer line (without its newline) after sys.exit() in a run
# launcher.js's prefix of a run upstream's Node.js runtime answers with a non-200 (a developer error)
DEVELOPER = b"\x1edeveloper "


@dataclass
class Exchange:
    """What one init or run produced. ``status`` 0 means the container answered as expected."""

    status: int
    result: Any = None
    timeout: bool = False
    fatal: bool = False  # the container is unusable and must be destroyed


def read_init_answer(answer: bytes | None, length: int, reason: str, timeout_ms: int) -> Exchange:
    """An init's outcome: status 0 when the action is ready to run."""
    if reason == "timeout":
        return Exchange(2, {"error": msg.timed_out(timeout_ms, True)}, timeout=True, fatal=True)
    if reason == "memory":
        return Exchange(2, {"error": msg.MEMORY_EXHAUSTED}, fatal=True)
    if answer is None:
        return Exchange(2, {"error": msg.ABNORMAL_INIT}, fatal=True)
    try:
        data = strict_json.loads(answer)
    except ValueError:
        return Exchange(2, {"error": msg.ABNORMAL_INIT}, fatal=True)
    if isinstance(data, dict) and data.get("ok") is True:
        return Exchange(0)
    error = data.get("error", msg.ABNORMAL_INIT) if isinstance(data, dict) else msg.ABNORMAL_INIT
    return Exchange(2, {"error": error}, fatal=True)


def read_run_answer(answer: bytes | None, length: int, reason: str, timeout_ms: int) -> Exchange:
    """A run's outcome from the answer, as upstream's invoker reads the proxy's answer."""
    if reason == "timeout":
        return Exchange(2, {"error": msg.timed_out(timeout_ms, False)}, timeout=True, fatal=True)
    if reason == "memory":
        return Exchange(2, {"error": msg.MEMORY_EXHAUSTED}, fatal=True)
    if answer is None:
        return Exchange(2, {"error": msg.ABNORMAL_RUN}, fatal=True)
    if answer == EXITED:  # sys.exit() in the action: the proxy's 400 {"error": "command exited"}
        return Exchange(2, {"error": msg.COMMAND_EXITED}, fatal=True)
    if answer.startswith(DEVELOPER):  # the invoker: a non-200 answer is a developer error, with its error
        try:
            said = strict_json.loads(answer[len(DEVELOPER) :])
        except ValueError:
            said = None
        error = said.get("error") if isinstance(said, dict) else None
        return Exchange(2, {"error": error if error is not None else msg.ABNORMAL_RUN}, fatal=True)
    if length > MAX_PAYLOAD_BYTES:
        trunk = answer[:MAX_PAYLOAD_BYTES].decode("utf-8", "ignore")
        return Exchange(1, {"error": msg.truncated_response(trunk, length, MAX_PAYLOAD_BYTES)})
    text = answer.decode("utf-8", "replace")
    try:
        result = strict_json.loads(text)  # NaN / Infinity: invalid for the Go proxy too
    except ValueError:
        return Exchange(2, {"error": msg.NOT_DICT_OR_ARRAY}, fatal=True)
    if isinstance(result, dict):
        if "error" in result:
            return Exchange(1, {"error": result["error"]})
        return Exchange(0, result)
    if isinstance(result, list):
        return Exchange(0, result)
    if result is None:  # the proxy passes `null` on; the invoker then rejects it
        return Exchange(2, {"error": msg.invalid_run_response(text.strip())}, fatal=True)
    return Exchange(2, {"error": msg.NOT_DICT_OR_ARRAY}, fatal=True)
