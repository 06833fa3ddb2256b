"""``/namespaces/{ns}/activations``: list (filters, summaries or docs, count), one record, its result,
its logs.

Follows upstream's ``Activations.scala``: ids are checked before the lookup (400 for a bad length), a record
is 404 until it is stored, lists are newest first by ``start`` with ``since``/``upto`` inclusive.
"""

from __future__ import annotations

import re

from ..errors import InvalidRequest, NotFound
from . import messages as msg
from .base import LONG_MAX, LONG_MIN, ApiHandler, parse_bool, parse_skip_limit
from .records import public
from .validation import check_name

__all__ = ["ActivationHandler", "ActivationsListHandler"]

_HEX = re.compile(r"\A[0-9a-fA-F]{32}\Z")


def check_activation_id(value: str) -> str:
    """ActivationId.parse: 32 characters, all hexadecimal."""
    if len(value) != 32:
        raise InvalidRequest(msg.activation_id_length(len(value)))
    if not _HEX.match(value):
        raise InvalidRequest("The activation id is not valid.")
    return value


class ActivationsListHandler(ApiHandler):
    def get(self, ns: str) -> None:
        namespace = self.namespace(ns)
        skip, limit = parse_skip_limit(self, "activations")
        count = parse_bool(self, "count", False)
        docs = parse_bool(self, "docs", False)
        name = self._name()
        since, upto = self._epoch("since"), self._epoch("upto")
        store = self.services.store
        if count and docs:
            raise InvalidRequest(msg.DOCS_WITH_COUNT)
        if count:
            n = store.count_activations(namespace, name=name, since=since, upto=upto, skip=skip)
            self.reply({"activations": n})
            return
        records = store.list_activations(
            namespace, name=name, since=since, upto=upto, skip=skip, limit=limit, docs=docs
        )
        self.reply([public(r) for r in records] if docs else records)  # summaries unless docs

    def _name(self) -> str | None:
        """The ``name`` filter: ``name`` or ``package/name`` (stringToRestrictedEntityPath)."""
        raw = self.get_query_argument("name", None)
        if raw is None or not raw.strip():
            return None
        parts = raw.strip("/").split("/")
        try:
            if len(parts) > 2:
                raise InvalidRequest("")
            for part in parts:
                check_name(part)
        except InvalidRequest:
            raise InvalidRequest(msg.malformed_query_param("name", msg.bad_name_filter(raw))) from None
        return "/".join(parts)

    def _epoch(self, name: str) -> int | None:
        raw = self.get_query_argument(name, None)
        if raw is None:
            return None
        try:
            value = int(raw)
        except ValueError:
            raise InvalidRequest(msg.malformed_query_param(name, msg.bad_epoch(raw))) from None
        if not LONG_MIN <= value <= LONG_MAX:  # a Scala Long upstream; beyond it SQLite would overflow
            raise InvalidRequest(msg.malformed_query_param(name, msg.bad_epoch(raw)))
        return value


class ActivationHandler(ApiHandler):
    """``GET .../activations/{id}`` and ``.../{id}/result``, ``.../{id}/logs``."""

    def get(self, ns: str, activation_id: str, part: str | None = None) -> None:
        namespace = self.namespace(ns, activation_id)
        check_activation_id(activation_id)
        record = self.services.store.get_activation(
            activation_id.lower(), namespace, with_logs=part != "result"
        )
        if record is None:
            raise NotFound(msg.RESOURCE_NOT_FOUND)
        if part == "result":
            self.reply(record["response"])
        elif part == "logs":
            self.reply({"logs": record["logs"]})
        else:
            self.reply(public(record))
