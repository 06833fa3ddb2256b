"""What every REST resource of the client shares: the ``Collection`` base (names, paths, ``list``/``get``/
``delete`` and the PUT of an entity), qualified names, and the checks of an entity's body.

Each resource module (``actions.py``, ``triggers.py``, ``rules.py``, ``packages.py``) extends
``Collection`` with what its REST resource adds, as the official OpenWhisk JS client's resource classes
extend its base. What this module does not own: HTTP (``client.py``), name parsing (``names.py``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..contract import MAX_PAYLOAD_BYTES
from ..errors import InvalidRequest, RequestTooLarge
from .names import QualifiedName, parse_name

if TYPE_CHECKING:
    from .client import Client

__all__ = ["Collection", "check_payload", "entity_fields", "qualified"]

_MB = 1024 * 1024


def qualified(name: str | QualifiedName, default_namespace: str) -> QualifiedName:
    return name if isinstance(name, QualifiedName) else parse_name(name, default_namespace)


def check_payload(value: Any, what: str) -> None:
    """Refuse, before sending, a JSON value over OpenWhisk's 1 MB limit."""
    size = len(json.dumps(value, separators=(",", ":")).encode("utf-8"))
    if size > MAX_PAYLOAD_BYTES:
        raise RequestTooLarge(
            f"The {what} is {size} bytes ({size / _MB:.2f} MB), over OpenWhisk's limit of "
            f"{MAX_PAYLOAD_BYTES} bytes (1 MB); nothing was sent.",
            fix="Pass large inputs by reference (a URL or object-store key) and fetch them in the action.",
            status=413,
        )


def key_values(values: Mapping[str, Any] | None) -> list[dict[str, Any]] | None:
    """``{k: v}`` -> OpenWhisk's ``[{key, value}]``."""
    return None if values is None else [{"key": k, "value": v} for k, v in values.items()]


def entity_fields(
    parameters: Mapping[str, Any] | None, annotations: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The ``parameters`` / ``annotations`` of any entity's PUT body, each checked against 1 MB first."""
    body: dict[str, Any] = {}
    for key, value in (("parameters", parameters), ("annotations", annotations)):
        if value is not None:
            body[key] = key_values(value)
            check_payload(body[key], key)
    return body


class Collection:
    """One REST collection: ``namespaces/{ns}/{collection}/{name}``. ``in_packages``: its entities may
    be named ``pkg/name`` (actions); the others refuse a package in the name before sending anything."""

    collection = ""
    singular = ""
    in_packages = False

    def __init__(self, client: Client) -> None:
        self.client = client

    def _name(self, name: str | QualifiedName) -> QualifiedName:
        qn = qualified(name, self.client.namespace)
        if qn.package and not self.in_packages:
            raise InvalidRequest(
                f"{self.singular.capitalize()} {name!r} cannot be in a package.",
                fix=f"Name the {self.singular} 'name' or '/namespace/name'.",
            )
        return qn

    def _path(self, qn: QualifiedName) -> str:
        return f"namespaces/{qn.namespace}/{self.collection}/{qn.path}"

    def _what(self, qn: QualifiedName) -> str:
        return f"{self.singular} {qn}"

    def list(
        self, *, limit: int | None = None, skip: int | None = None, namespace: str | None = None
    ) -> list[dict[str, Any]]:
        """The collection's summaries, newest first (``limit``/``skip`` as the REST API pages them)."""
        path = f"namespaces/{namespace or self.client.namespace}/{self.collection}"
        return list(self.client.request("GET", path, params={"limit": limit, "skip": skip}).body or [])

    def get(self, name: str | QualifiedName) -> dict[str, Any]:
        qn = self._name(name)
        return dict(self.client.request("GET", self._path(qn), what=self._what(qn)).body)

    def delete(self, name: str | QualifiedName) -> dict[str, Any]:
        qn = self._name(name)
        return dict(self.client.request("DELETE", self._path(qn), what=self._what(qn)).body)

    def _put(self, qn: QualifiedName, body: dict[str, Any], overwrite: bool) -> dict[str, Any]:
        params = {"overwrite": True} if overwrite else None
        reply = self.client.request("PUT", self._path(qn), params=params, json=body, what=self._what(qn))
        return dict(reply.body)
