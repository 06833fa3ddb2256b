"""The path a composition's run took: which components ran, which branch each ``when`` chose, what erred.

A composition's record (kind ``sequence``, annotation ``conductor: true``) lists in ``logs`` the ids of
what it caused, in order: the conductor's own steps and the components between them (upstream's records).
Each conductor step printed ``path:`` lines (``conductor.py``): its decisions. So the path is read from the
records alone, on any OpenWhisk: the composition's, then each derived one (waited for), a nested
composition's recursively. Owns no display (``display/compose.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..openwhisk.activations import DEFAULT_WAIT_S
from .conductor import PATH_PREFIX

if TYPE_CHECKING:
    from ..openwhisk import Client

__all__ = ["Path", "Step", "path"]


@dataclass
class Step:
    """A component that ran (``kind`` "component") or a decision of the conductor ("decision")."""

    kind: str
    text: str  # the component's name, or the decision ("when image-quality-gate.ok is false: else")
    depth: int = 0
    activation_id: str | None = None
    status: str | None = None  # "success", "application error", ...
    duration: int | None = None


@dataclass
class Path:
    name: str
    activation_id: str
    record: dict[str, Any]
    steps: list[Step] = field(default_factory=list)

    @property
    def result(self) -> Any:
        return self.record.get("response", {}).get("result")

    @property
    def status(self) -> str:
        return str(self.record.get("response", {}).get("status", ""))

    def components(self) -> list[str]:
        """The components that ran, in order."""
        return [s.text for s in self.steps if s.kind == "component"]

    def decisions(self) -> list[str]:
        return [s.text for s in self.steps if s.kind == "decision"]


def _is_conductor(record: dict[str, Any]) -> bool:
    return any(a.get("key") == "conductor" and a.get("value") for a in record.get("annotations", []))


def _decisions(record: dict[str, Any]) -> list[str]:
    """The ``path:`` lines of a conductor step, without OpenWhisk's ``<time> stdout: `` prefix."""
    out = []
    for line in record.get("logs", []):
        text = line.split(" stdout: ", 1)[1] if " stdout: " in line else line
        if text.startswith(PATH_PREFIX):
            decision = text[len(PATH_PREFIX) :]
            if not decision.startswith("call "):  # the component's own record says it ran
                out.append(decision)
    return out


def _walk(client: Client, record: dict[str, Any], depth: int, timeout: float | None) -> list[Step]:
    steps: list[Step] = []
    own = record.get("name")
    for derived_id in record.get("logs", []):
        derived = client.activations.wait(derived_id, timeout=timeout)
        response = derived.get("response", {})
        if derived.get("name") == own and not _is_conductor(derived):  # the conductor's own step
            steps += [Step("decision", d, depth, derived_id) for d in _decisions(derived)]
            continue
        steps.append(
            Step("component", str(derived.get("name", "")), depth, derived_id,
                 str(response.get("status", "")), derived.get("duration"))
        )  # fmt: skip
        if _is_conductor(derived):
            steps += _walk(client, derived, depth + 1, timeout)
    return steps


def path(client: Client, activation_id: str, *, timeout: float | None = DEFAULT_WAIT_S) -> Path:
    """The path of the composition run ``activation_id`` (waited for, with each record it caused)."""
    record = client.activations.wait(activation_id, timeout=timeout)
    return Path(str(record.get("name", "")), activation_id, record, _walk(client, record, 0, timeout))
