"""The handle of one invocation: ``.wait()``, ``.result()``, ``.logs()``, whatever the server said first.

A non-blocking invoke returns an ``Invocation`` at once (202 with the id). A blocking invoke that the
server demoted to 202 (the action outlived the blocking wait) continues through the same handle, so the
user is never left with only an id. What this module does not own: the HTTP calls (``activations.py``).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from ..errors import ActivationFailed, NotFound, Step
from .activations import DEFAULT_WAIT_S, PollSchedule
from .names import QualifiedName

if TYPE_CHECKING:
    from .client import Client

__all__ = ["Invocation", "check_record"]


def check_record(record: dict[str, Any]) -> dict[str, Any]:
    """Return ``record`` if the activation succeeded, else raise ``ActivationFailed`` carrying it."""
    response = record.get("response") or {}
    if response.get("success", response.get("status") == "success"):
        return record
    result = response.get("result")
    error = result.get("error") if isinstance(result, dict) else None
    activation_id = record.get("activationId")
    raise ActivationFailed(
        f"The activation failed ({response.get('status', 'unknown status')}): {error or result}",
        fix="Read its logs: {0}." if activation_id else None,
        steps=(Step("activation.logs", (activation_id,)),) if activation_id else (),
        activation_id=activation_id,
        details=record,
    )


class Invocation:
    """One invocation of ``name``; ``activation_id`` is known, the record arrives with ``wait()``."""

    def __init__(
        self,
        client: Client,
        name: QualifiedName,
        activation_id: str,
        *,
        started: float | None = None,
        record: dict[str, Any] | None = None,
    ) -> None:
        self.client = client
        self.name = name
        self.activation_id = activation_id
        self.started = time.monotonic() if started is None else started
        self.record = record

    def __repr__(self) -> str:
        state = "done" if self.record is not None else "pending"
        return f"Invocation({str(self.name)!r}, activation_id={self.activation_id!r}, {state})"

    def done(self) -> bool:
        """One look (no waiting): has the record been stored?"""
        if self.record is None:
            try:
                self.record = self.client.activations.get(self.activation_id, namespace=self.name.namespace)
            except NotFound:
                return False
        return True

    def wait(self, timeout: float | None = DEFAULT_WAIT_S, *, check: bool = True) -> dict[str, Any]:
        """The activation record, polled with backoff until stored; ``ActivationTimeout`` (with the id)
        after ``timeout`` seconds from the invocation. With ``check``, a failure raises ``ActivationFailed``.
        """
        if self.record is None:
            expected = self.client.activations.expected_duration(str(self.name))
            self.record = self.client.activations.wait(
                self.activation_id,
                timeout=timeout,
                started=self.started,
                schedule=PollSchedule(expected),
                namespace=self.name.namespace,
            )
        return check_record(self.record) if check else self.record

    def result(self, timeout: float | None = DEFAULT_WAIT_S) -> Any:
        """``response.result`` of a successful activation (waits for it; raises ``ActivationFailed``)."""
        return self.wait(timeout)["response"]["result"]

    def logs(self, timeout: float | None = DEFAULT_WAIT_S) -> list[str]:
        """The activation's log lines (waits for the record first; logs are stored with it)."""
        record = self.wait(timeout, check=False)
        if record.get("logs"):
            return list(record["logs"])
        return self.client.activations.logs(self.activation_id, namespace=self.name.namespace)
