"""JSON as OpenWhisk's own sides read it: no ``NaN`` / ``Infinity``, no nesting deeper than the stack.

Python's ``json`` accepts ``NaN``, ``Infinity`` and ``-Infinity`` and writes them back, which no other JSON
parser (spray-json in the controller, Go in the action proxy, ``JSON.parse`` in a browser) reads: a body
holding one would be stored, then echoed as invalid JSON. ``loads`` refuses them, and turns a nesting too
deep for the decoder into the same ``ValueError`` as any malformed text, so that every caller maps both
to its own "malformed" answer (400 at the REST API, "did not return a dictionary" for an action's answer).
What this module does not own: what each caller answers (``engine/bodies.py``, ``runtime/answers.py``).
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["dumps", "loads"]


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def loads(text: str | bytes) -> Any:
    """``json.loads`` without NaN/Infinity; a too deep nesting is a ``ValueError`` too."""
    try:
        return json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise ValueError("the JSON value is nested too deeply") from None


def dumps(value: Any) -> str:
    """Compact JSON that any parser reads (``allow_nan=False``: a float NaN is refused, not written)."""
    return json.dumps(value, separators=(",", ":"), allow_nan=False)
