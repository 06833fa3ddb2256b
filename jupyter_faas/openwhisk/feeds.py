"""Feeds: ``feeds.create|get|update|delete``, as openwhisk-client-js's ``lib/feeds.js``.

A feed is an action (``/whisk.system/alarms/interval``...) that a client invokes, blocking, with
``lifecycleEvent`` (CREATE, READ, UPDATE, DELETE), ``triggerName`` (``/ns/trigger``) and ``authKey`` (the
client's key, so that the feed's provider may fire the trigger), plus the feed's own parameters (which win).
OpenWhisk's controller never calls a feed: the client does. These calls neither create nor delete the
trigger; ``Triggers.create(..., feed=...)`` does the whole of ``wsk trigger create --feed``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import ActivationFailed, FeedError, Step
from .names import QualifiedName, parse_name

if TYPE_CHECKING:
    from .client import Client

__all__ = ["EVENTS", "Feeds"]

Name = str | QualifiedName
Params = Mapping[str, Any] | None
Record = dict[str, Any]

EVENTS = ("CREATE", "READ", "UPDATE", "DELETE")


class Feeds:
    def __init__(self, client: Client) -> None:
        self.client = client

    def _trigger(self, trigger: str | QualifiedName) -> str:
        """``/ns/name``: as given when it starts with ``/``, else in the client's namespace."""
        text = str(trigger)
        return text if text.startswith("/") else f"/{self.client.namespace}/{text}"

    def call(
        self,
        event: str,
        feed: str | QualifiedName,
        trigger: str | QualifiedName,
        params: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Invoke ``feed`` for ``trigger`` with ``event``: the feed's activation record (``FeedError``
        when the feed fails, with what it answered)."""
        if event not in EVENTS:
            raise ValueError(f"lifecycleEvent must be one of {', '.join(EVENTS)}, not {event!r}")
        qn = feed if isinstance(feed, QualifiedName) else parse_name(str(feed), self.client.namespace)
        body = {
            "lifecycleEvent": event,
            "authKey": self.client.config.auth,
            "triggerName": self._trigger(trigger),
            **dict(params or {}),
        }
        try:
            return dict(self.client.actions.invoke(qn, body, blocking=True))
        except ActivationFailed as exc:
            raise FeedError(
                f"Unable to configure feed '{qn}': {_reason(exc.details)}",
                fix="Check the feed's parameters (its package lists them: {0})." if qn.package else None,
                steps=(Step("package.get", (f"/{qn.namespace}/{qn.package}",)),) if qn.package else (),
                activation_id=exc.activation_id,
                details=exc.details,
            ) from None

    def create(self, feed: Name, trigger: Name, params: Params = None) -> Record:
        return self.call("CREATE", feed, trigger, params)

    def get(self, feed: Name, trigger: Name, params: Params = None) -> Record:
        return self.call("READ", feed, trigger, params)

    def update(self, feed: Name, trigger: Name, params: Params = None) -> Record:
        return self.call("UPDATE", feed, trigger, params)

    def delete(self, feed: Name, trigger: Name, params: Params = None) -> Record:
        return self.call("DELETE", feed, trigger, params)


def _reason(record: Any) -> str:
    """What a failed feed activation answered, as the CLI prints it."""
    result = ((record or {}).get("response") or {}).get("result") or {}
    error = result.get("error", result) if isinstance(result, dict) else result
    if isinstance(error, dict) and isinstance(error.get("error"), str):
        return str(error["error"])
    return str(error)
