"""Entity names, parsed as the ``wsk`` CLI and openwhisk-client-js parse them. Pure: no I/O, no config.

Accepted forms (``_`` is the caller's own namespace)::

    action               -> namespace=default, package=None,  name=action
    pkg/action           -> namespace=default, package=pkg,   name=action
    /ns/action           -> namespace=ns,      package=None,  name=action
    /ns/pkg/action       -> namespace=ns,      package=pkg,   name=action
    ns/pkg/action        -> as /ns/pkg/action (three parts always start with the namespace)

Each part must match OpenWhisk's entity name pattern and be at most 256 characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from ..errors import InvalidRequest

__all__ = ["ENTITY_NAME", "QualifiedName", "parse_name"]

# OpenWhisk's EntityName: \A([\w]|[\w][\w@ .-]*[\w@.-]+)\z, at most 256 characters.
ENTITY_NAME = re.compile(r"\A(\w|\w[\w@ .-]*[\w@.-]+)\Z")
_MAX = 256
_FORMS = '"action", "pkg/action", "/namespace/action" or "/namespace/pkg/action"'


@dataclass(frozen=True)
class QualifiedName:
    namespace: str
    name: str
    package: str | None = None

    @property
    def entity(self) -> str:
        """``pkg/action`` or ``action``: the part of the URL after ``/actions/``."""
        return f"{self.package}/{self.name}" if self.package else self.name

    @property
    def path(self) -> str:
        """URL-quoted ``pkg/action`` (a space in a name is legal)."""
        return "/".join(quote(part, safe="@") for part in self.entity.split("/"))

    def __str__(self) -> str:
        return f"/{self.namespace}/{self.entity}"


def _check(part: str, whole: str) -> str:
    if not part or len(part) > _MAX or not ENTITY_NAME.match(part):
        raise InvalidRequest(
            f"{whole!r} is not a valid entity name: {part!r} contains illegal characters or is empty.",
            fix=f"Use {_FORMS}; each part of letters, digits, _ @ . - and inner spaces, at most 256 long.",
            status=400,
        )
    return part


def parse_name(text: str, default_namespace: str = "_") -> QualifiedName:
    """Parse ``text`` into a ``QualifiedName``; a name without a namespace gets ``default_namespace``."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidRequest("An entity name is required.", fix=f"Use {_FORMS}.")
    parts = text.split("/")
    if len(parts) == 3 and parts[0]:  # ns/pkg/action: three parts always start with the namespace
        text, parts = "/" + text, ["", *parts]
    if text.startswith("/"):
        if len(parts) not in (3, 4):
            raise InvalidRequest(f"{text!r} is not a valid qualified name.", fix=f"Use {_FORMS}.")
        namespace = _check(parts[1], text)
        package = _check(parts[2], text) if len(parts) == 4 else None
        return QualifiedName(namespace, _check(parts[-1], text), package)
    if len(parts) > 2:
        raise InvalidRequest(f"{text!r} is not a valid qualified name.", fix=f"Use {_FORMS}.")
    package = _check(parts[0], text) if len(parts) == 2 else None
    return QualifiedName(default_namespace or "_", _check(parts[-1], text), package)
