"""Triggers and rules: ``create``/``update``/``get``/``delete``/``list``, ``triggers.fire`` (a payload;
``invoke`` is openwhisk-client-js's name for it), ``rules.enable``/``rules.disable``; a trigger with a
``feed`` is created and deleted as ``wsk`` does it (``feeds.py``).

Bodies follow the REST contract: a trigger ``{parameters, annotations}``, a rule ``{trigger: "/ns/t",
action: "/ns/[pkg/]a"}``. ``fire`` returns the trigger's activation id, or ``None`` when no rule is
active (204: nothing ran). What this module does not own: following what a firing caused (``trace.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import FaasError, InvalidRequest, NotFound
from .actions import check_payload, entity_fields
from .names import QualifiedName, parse_name
from .trace import Trace, trace

if TYPE_CHECKING:
    from .client import Client

__all__ = ["Rules", "Triggers", "qualified"]

log = logging.getLogger("jupyter_faas.openwhisk")


def _feed_of(doc: Mapping[str, Any] | None) -> str | None:
    """The ``feed`` annotation of a trigger's document: the feed action that fires it, if any."""
    notes = (doc or {}).get("annotations") or []
    source = next((a.get("value") for a in notes if isinstance(a, dict) and a.get("key") == "feed"), None)
    return source if isinstance(source, str) else None


def qualified(name: str | QualifiedName, default_namespace: str) -> QualifiedName:
    return name if isinstance(name, QualifiedName) else parse_name(name, default_namespace)


class _Collection:
    collection = ""
    singular = ""

    def __init__(self, client: Client) -> None:
        self.client = client

    def _name(self, name: str | QualifiedName) -> QualifiedName:
        qn = qualified(name, self.client.namespace)
        if qn.package:
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


class Triggers(_Collection):
    collection = "triggers"
    singular = "trigger"

    def create(
        self,
        name: str | QualifiedName,
        *,
        parameters: Mapping[str, Any] | None = None,
        annotations: Mapping[str, Any] | None = None,
        overwrite: bool = False,
        feed: str | QualifiedName | None = None,
        feed_parameters: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """PUT a trigger; its parameters are defaults that a firing's payload overrides.

        With ``feed`` (``/whisk.system/alarms/interval``...), as ``wsk trigger create --feed``: the trigger
        is annotated ``feed``, then the feed is invoked with CREATE and ``feed_parameters`` (UPDATE when
        ``overwrite`` finds the trigger already fed by the same feed; a different feed is told DELETE
        first); if the feed fails, a trigger this call created is deleted again and ``FeedError`` says
        why."""
        qn = self._name(name)
        if feed is None:
            return self._put(qn, entity_fields(parameters, annotations), overwrite)
        feed_qn = qualified(feed, self.client.namespace)
        existing = self._find(qn) if overwrite else None
        previous = _feed_of(existing)
        notes = {**dict(annotations or {}), "feed": str(feed_qn)}
        doc = self._put(qn, entity_fields(parameters, notes), overwrite)
        if previous is not None and previous != str(feed_qn):
            self._tell_delete(previous, qn)
        event = "UPDATE" if previous == str(feed_qn) else "CREATE"
        try:
            self.client.feeds.call(event, feed_qn, qn, feed_parameters)
        except FaasError:
            if existing is None:
                self.delete(qn, feed=False)
            raise
        return doc

    def update(self, name: str | QualifiedName, **options: Any) -> dict[str, Any]:
        return self.create(name, overwrite=True, **options)

    def delete(self, name: str | QualifiedName, *, feed: bool = True) -> dict[str, Any]:
        """Delete the trigger; one made with a feed first has its feed told (DELETE), as ``wsk trigger
        delete`` does: a failing feed does not stop the delete (``feed=False`` skips it)."""
        qn = self._name(name)
        source = _feed_of(self.get(qn)) if feed else None
        if source is not None:
            self._tell_delete(source, qn)
        return super().delete(qn)

    def _tell_delete(self, feed: str, qn: QualifiedName) -> None:
        try:
            self.client.feeds.call("DELETE", feed, qn)
        except FaasError as exc:
            log.warning("the feed %s of trigger %s did not take the delete: %s", feed, qn, exc.message)

    def _find(self, qn: QualifiedName) -> dict[str, Any] | None:
        try:
            return self.get(qn)
        except NotFound:
            return None

    def fire(self, name: str | QualifiedName, payload: Mapping[str, Any] | None = None) -> str | None:
        """Fire the trigger: the trigger activation's id, or ``None`` when it has no active rule."""
        qn = self._name(name)
        body = dict(payload or {})
        check_payload(body, "trigger payload")
        reply = self.client.request("POST", self._path(qn), json=body, what=self._what(qn), retries=0)
        if reply.status == 204:
            return None
        return str((reply.body or {}).get("activationId") or reply.activation_id)

    invoke = fire  # openwhisk-client-js: triggers.invoke

    def trace(self, activation_id: str, *, wait: bool = True, timeout: float | None = 600.0) -> Trace:
        """What the firing with this trigger activation id caused (``trace.trace``)."""
        return trace(self.client, activation_id, wait=wait, timeout=timeout)


class Rules(_Collection):
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
