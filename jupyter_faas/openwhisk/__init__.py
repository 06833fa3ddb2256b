"""The OpenWhisk REST client, shaped like openwhisk-client-js: ``Client(config)`` with one object per
resource (``.actions``, ``.activations``, ``.namespaces``), one ``request()`` owning HTTP, and pure name
parsing. It works against any OpenWhisk and the embedded engine alike.

Modules: ``client.py`` (request, auth, TLS, retries, errors), ``names.py`` (qualified names),
``actions.py`` (CRUD, invoke, sequences), ``invocation.py`` (the handle of one invocation),
``activations.py`` (records, waiting, polling), ``mapping.py`` (map over many inputs), ``namespaces.py``,
``triggers.py`` (triggers, rules), ``packages.py``, ``trace.py`` (what a firing caused).
"""

from __future__ import annotations

from .activations import PollSchedule
from .client import ACTIVATION_ID_HEADER, Client, Reply
from .invocation import Invocation, check_record
from .mapping import MapFailure, MapResult
from .names import QualifiedName, parse_name
from .resources import check_payload
from .trace import Firing, Trace, trace

__all__ = [
    "ACTIVATION_ID_HEADER",
    "Client",
    "Firing",
    "Invocation",
    "MapFailure",
    "MapResult",
    "PollSchedule",
    "QualifiedName",
    "Reply",
    "Trace",
    "check_payload",
    "check_record",
    "parse_name",
    "trace",
]
