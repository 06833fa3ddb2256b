"""Following what a firing caused: trigger activation -> rules -> action activations (-> a sequence's
components), read from the records the platform keeps.

The trigger's record has one log line per rule, ``{"statusCode", "success", "activationId" | "error",
"rule", "action"}`` (upstream's ``RuleActivationResult``); each activation id is waited for; a sequence's
record lists its components' ids in ``logs``, and each of those records is fetched (inner sequences
recursively). Works against any OpenWhisk. Does not own firing (``triggers.py``) nor display.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .activations import DEFAULT_WAIT_S

if TYPE_CHECKING:
    from .client import Client

__all__ = ["Firing", "Trace", "is_sequence", "trace"]


def is_sequence(record: dict[str, Any]) -> bool:
    return any(a.get("key") == "kind" and a.get("value") == "sequence" for a in record.get("annotations", []))


@dataclass
class Firing:
    """What one rule did when its trigger fired."""

    rule: str
    action: str
    status_code: int
    activation_id: str | None = None
    error: str | None = None
    record: dict[str, Any] | None = None
    components: list[dict[str, Any]] = field(default_factory=list)  # a sequence's, in order (flattened)

    @property
    def success(self) -> bool:
        """The rule invoked its action and the activation succeeded (when it was waited for)."""
        if self.status_code != 0:
            return False
        return self.record is None or bool(self.record.get("response", {}).get("success"))


@dataclass
class Trace:
    trigger: str
    activation_id: str
    record: dict[str, Any]
    firings: list[Firing]

    def activation_ids(self) -> list[str]:
        """Every activation the firing caused: the rules' actions and the sequences' components."""
        out: list[str] = []
        for f in self.firings:
            if f.activation_id:
                out.append(f.activation_id)
            out.extend(c["activationId"] for c in f.components)
        return out


def _components(client: Client, record: dict[str, Any], timeout: float | None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for component_id in record.get("logs", []):
        component = client.activations.wait(component_id, timeout=timeout)
        out.append(component)
        if is_sequence(component):
            out.extend(_components(client, component, timeout))
    return out


def trace(
    client: Client, activation_id: str, *, wait: bool = True, timeout: float | None = DEFAULT_WAIT_S
) -> Trace:
    """The trace of the firing whose trigger activation is ``activation_id``; with ``wait``, each caused
    activation is waited for (``ActivationTimeout`` after ``timeout`` seconds)."""
    record = client.activations.wait(activation_id, timeout=timeout)
    firings = []
    for line in record.get("logs", []):
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if not isinstance(entry, dict) or "rule" not in entry:
            continue
        firing = Firing(
            rule=str(entry["rule"]),
            action=str(entry.get("action", "")),
            status_code=int(entry.get("statusCode", 0)),
            activation_id=entry.get("activationId"),
            error=entry.get("error"),
        )
        if wait and firing.activation_id:
            firing.record = client.activations.wait(firing.activation_id, timeout=timeout)
            if is_sequence(firing.record):
                firing.components = _components(client, firing.record, timeout)
        firings.append(firing)
    return Trace(str(record.get("name", "")), activation_id, record, firings)
