"""Request bodies: the one place that bounds their size and parses them as JSON, strictly.

Every handler that reads a body goes through ``json_object``: the size is checked before parsing (413 with
upstream's ``entity_too_big`` text), the JSON is strict (``strict_json``: no NaN/Infinity, a too deep
nesting is malformed, not a 500), and the value must be an object (400 with upstream's
``malformed_content`` text). What this module does not own: the fields' meaning (``validation.py``,
``entities.py``) and the content type (``ApiHandler.require_json``).
"""

from __future__ import annotations

from typing import Any

from .. import strict_json
from ..contract import MAX_PAYLOAD_BYTES
from ..errors import InvalidRequest, RequestTooLarge
from . import messages as msg

__all__ = ["ENTITY_BODY_BYTES", "json_object"]

# A trigger, rule or package PUT: parameters and annotations may be 1 MB each (checked one by one, as
# upstream's LimitedWhiskEntityPut does); the whole body is bounded above both together.
ENTITY_BODY_BYTES = 3 * MAX_PAYLOAD_BYTES


def json_object(raw: bytes, *, max_bytes: int | None = None, empty: Any = None) -> Any:
    """The body as a JSON object; ``empty`` when it is blank. Raises 413 over ``max_bytes``, 400 otherwise."""
    if max_bytes is not None and len(raw) > max_bytes:
        raise RequestTooLarge(msg.entity_too_big("Request", len(raw), max_bytes))
    if not raw.strip():
        return empty
    try:
        body = strict_json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidRequest(msg.malformed_content(str(exc))) from exc
    if not isinstance(body, dict):
        raise InvalidRequest(msg.malformed_content("Object expected"))
    return body
