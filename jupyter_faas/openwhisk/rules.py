"""Rules: ``create``/``update``/``get``/``delete``/``list``, ``enable``/``disable``.

Bodies follow the REST contract: a rule ``{trigger: "/ns/t", action: "/ns/[pkg/]a"}``, active when
created; ``enable``/``disable`` POST ``{status}``. What this module does not own: firing a trigger
(``triggers.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .names import QualifiedName
from .resources import Collection, entity_fields, qualified

__all__ = ["Rules"]


class Rules(Collection):
    collection = "rules"
    singular = "rule"

    def _ref(self, name: str | QualifiedName) -> str:
        return str(qualified(name, self.client.namespace))

    def create(
        self,
        name: str | QualifiedName,
        trigger: str | QualifiedName | None = None,
        action: str | QualifiedName | None = None,
        *,
        annotations: Mapping[str, Any] | None = None,
        overwrite: bool = False,
    ) -> dict[str, Any]:
        """PUT a rule: when ``trigger`` fires, invoke ``action`` (``pkg/action`` allowed). Active at once."""
        body = entity_fields(None, annotations)
        if trigger is not None:
            body["trigger"] = self._ref(trigger)
        if action is not None:
            body["action"] = self._ref(action)
        return self._put(self._name(name), body, overwrite)

    def update(self, name: str | QualifiedName, *args: Any, **options: Any) -> dict[str, Any]:
        return self.create(name, *args, overwrite=True, **options)

    def enable(self, name: str | QualifiedName) -> None:
        self._status(name, "active")

    def disable(self, name: str | QualifiedName) -> None:
        self._status(name, "inactive")

    def _status(self, name: str | QualifiedName, status: str) -> None:
        qn = self._name(name)
        self.client.request("POST", self._path(qn), json={"status": status}, what=self._what(qn))
