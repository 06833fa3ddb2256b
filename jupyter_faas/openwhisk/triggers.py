"""Triggers: ``create``/``update``/``get``/``delete``/``list`` and ``fire`` (a payload; ``invoke`` is
openwhisk-client-js's name for it); a trigger with a ``feed`` is created and deleted as ``wsk`` does it
(``feeds.py``).

Bodies follow the REST contract: a trigger ``{parameters, annotations}``. ``fire`` returns the trigger's
activation id, or ``None`` when no rule is active (204: nothing ran). What this module does not own: the
rules that a firing runs (``rules.py``), following what a firing caused (``trace.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import FaasError, NotFound
from .names import QualifiedName
from .resources import Collection, check_payload, entity_fields, qualified
from .trace import Trace, trace

if TYPE_CHECKING:
    pass

__all__ = ["Triggers"]

log = logging.getLogger("jupyter_faas.openwhisk")


def _feed_of(doc: Mapping[str, Any] | None) -> str | None:
    """The ``feed`` annotation of a trigger's document: the feed action that fires it, if any."""
    notes = (doc or {}).get("annotations") or []
    source = next((a.get("value") for a in notes if isinstance(a, dict) and a.get("key") == "feed"), None)
    return source if isinstance(source, str) else None


class Triggers(Collection):
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
