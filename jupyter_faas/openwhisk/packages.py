"""Packages: ``create``/``update``/``get``/``delete``/``list``; a package's parameters are defaults of
every action in it; ``binding=`` makes a binding (its own parameters over the bound package's).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .names import QualifiedName
from .resources import Collection, entity_fields, qualified

__all__ = ["Packages"]


class Packages(Collection):
    collection = "packages"
    singular = "package"

    def create(
        self,
        name: str | QualifiedName,
        *,
        parameters: Mapping[str, Any] | None = None,
        annotations: Mapping[str, Any] | None = None,
        binding: str | QualifiedName | None = None,
        overwrite: bool = False,
    ) -> dict[str, Any]:
        body = entity_fields(parameters, annotations)
        if binding is not None:
            bound = qualified(binding, self.client.namespace)
            body["binding"] = {"namespace": bound.namespace, "name": bound.name}
        return self._put(self._name(name), body, overwrite)

    def update(self, name: str | QualifiedName, **options: Any) -> dict[str, Any]:
        return self.create(name, overwrite=True, **options)

    def delete(self, name: str | QualifiedName, *, force: bool = False) -> dict[str, Any]:
        """Delete a package; ``force`` deletes the actions in it too (else 409 when it has some)."""
        qn = self._name(name)
        params = {"force": True} if force else None
        return dict(self.client.request("DELETE", self._path(qn), params=params, what=self._what(qn)).body)
