"""``/namespaces/{ns}/packages[/{name}]``, per upstream's ``Packages.scala``: enough for ``pkg/action``
names, shared default parameters and bindings.

``PUT`` (``binding: {namespace, name}`` makes a binding; the ``binding`` annotation is set by the engine),
``GET`` (a binding shows its package's actions and its parameters over the package's), ``DELETE``
(``?force=true`` deletes the actions of a package that has some, else 409), list. Invoking
``pkg/action`` or ``binding/action`` merges the parameters in ``invoker.resolve``. Unlike upstream, an
action may still be created under a package name that does not exist (the engine did so before packages).
"""

from __future__ import annotations

from typing import Any

from ..errors import Conflict, InvalidRequest
from . import messages as msg
from .base import EntityHandler, parse_bool
from .entities import make_package, package_binding, parse_body, update_package
from .invoker import now_ms
from .sharing import check_shared_package
from .validation import check_name

__all__ = ["PackageHandler", "PackagesListHandler"]

RESERVED = "default"


def _is_feed(action: dict[str, Any]) -> bool:
    return any(a["key"] == "feed" for a in action["annotations"])


def _summary(p: dict[str, Any]) -> dict[str, Any]:
    """WhiskPackage.summaryAsJson: a plain package's ``binding`` is ``false`` in a listing (``{}`` in GET)."""
    keys = ("namespace", "name", "version", "publish", "annotations", "binding", "updated")
    out = {k: p[k] for k in keys}
    out["binding"] = out["binding"] or False
    return out


class PackagesListHandler(EntityHandler):
    collection = "packages"

    def get(self, ns: str) -> None:
        """Any namespace's packages may be listed; another namespace shows only its shared ones."""
        self._list(ns, _summary, shared=True)


class PackageHandler(EntityHandler):
    collection = "packages"

    def put(self, ns: str, name: str) -> None:
        user_ns, path = self._path(ns, name)
        if name == RESERVED:
            raise InvalidRequest(f"Package name '{name}' is reserved.")
        self.require_json()
        body = parse_body(self.request.body)
        overwrite = parse_bool(self, "overwrite", False)
        binding = package_binding(body, user_ns)
        store = self.services.store
        if binding is not None:
            bound = store.get_entity("packages", f"{binding['namespace']}/{binding['name']}")
            if bound is None:
                raise InvalidRequest(msg.BINDING_DOES_NOT_EXIST)
            if binding["namespace"] != user_ns:  # a binding reads its package: only a shared one
                check_shared_package(store, f"{binding['namespace']}/{binding['name']}")
            if bound.get("binding"):
                raise InvalidRequest(msg.BINDING_CANNOT_REFERENCE_BINDING)
        old = store.get_entity("packages", path)
        now = now_ms()
        if old is None:
            doc = make_package(user_ns, name, body, binding, now)
        else:
            doc = update_package(old, body, binding, overwrite, now)
        store.put_entity("packages", path, doc)
        self.reply(doc)

    def get(self, ns: str, name: str) -> None:
        user_ns = self.readable_namespace(ns)
        path = f"{user_ns}/{check_name(name)}"
        if user_ns != self.user_namespace:  # another namespace's package: only a shared one (sharing.py)
            check_shared_package(self.services.store, path)
        package = self._existing(path)
        store = self.services.store
        binding = package.get("binding")
        actions_of = path
        out = dict(package)
        if binding:
            actions_of = f"{binding['namespace']}/{binding['name']}"
            bound = self._existing(actions_of)
            merged = {p["key"]: p for p in bound["parameters"]}
            merged.update({p["key"]: p for p in package["parameters"]})
            out["parameters"] = list(merged.values())
        inside = [
            {"name": a["name"], "version": a["version"], "annotations": a["annotations"]}
            for a in store.list_actions(actions_of, 0, 10_000)
            if a["namespace"] == actions_of
        ]  # WhiskPackageWithActions: an action annotated ``feed`` is listed as a feed
        out["actions"] = [a for a in inside if not _is_feed(a)]
        out["feeds"] = [a for a in inside if _is_feed(a)]
        self.reply(out)

    def delete(self, ns: str, name: str) -> None:
        path = self._path(ns, name)[1]
        package = self._existing(path)
        store = self.services.store
        if not package.get("binding"):
            inside = [a for a in store.list_actions(path, 0, 10_000) if a["namespace"] == path]
            if inside and not parse_bool(self, "force", False):
                raise Conflict(msg.package_not_empty(len(inside)))
            for action in inside:
                store.delete_action(f"{path}/{action['name']}")
        store.delete_entity("packages", path)
        self.reply(package)
