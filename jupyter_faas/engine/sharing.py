"""Who may see what outside their own namespace: upstream's entitlement for shared (``publish: true``)
packages, which is how every namespace reaches the ``/whisk.system`` catalog (``catalog.py``).

The rule (``EntitlementProvider``, ``PackageCollection.implicitRights``, ``Packages.scala``'s list):
- in the caller's own namespace, everything;
- in another namespace, only **reads and activations** of a package that is published, and of the actions
  in it (``GET``, invoke, a sequence component, a rule's action, a binding's package); its default package
  (``/ns/name`` without a package) and every write stay 403;
- listing another namespace's packages shows only its published ones.
An engine has one key, so "another namespace" is only ever the catalog's; the rule is still checked on
every path, so that no route reaches a private entity of ``whisk.system`` (``alarmsWeb``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import Forbidden
from . import messages as msg

if TYPE_CHECKING:
    from .store import Store

__all__ = ["SYSTEM_NAMESPACE", "check_shared_package", "check_visible", "is_shared", "shared_package"]

SYSTEM_NAMESPACE = "whisk.system"


def shared_package(store: Store, namespace: str, package: str) -> dict[str, Any] | None:
    """The package ``namespace/package`` if it exists and is published, else ``None``."""
    doc = store.get_entity("packages", f"{namespace}/{package}")
    return doc if doc is not None and doc.get("publish") is True else None


def is_shared(store: Store, user_ns: str, path: str) -> bool:
    """May ``user_ns`` read or activate the entity at ``path`` (``ns/name`` or ``ns/pkg/name``)?"""
    parts = path.split("/")
    if parts[0] == user_ns:
        return True
    return len(parts) == 3 and shared_package(store, parts[0], parts[1]) is not None


def check_visible(store: Store, user_ns: str, path: str) -> None:
    """403 (upstream's words) unless ``user_ns`` may read or activate ``path``."""
    if not is_shared(store, user_ns, path):
        raise Forbidden(msg.not_authorized(path))


def check_shared_package(store: Store, path: str) -> dict[str, Any]:
    """The published package at ``ns/pkg`` of another namespace, or 403 (missing or private alike)."""
    namespace, _, package = path.partition("/")
    doc = shared_package(store, namespace, package)
    if doc is None:
        raise Forbidden(msg.not_authorized(path))
    return doc
