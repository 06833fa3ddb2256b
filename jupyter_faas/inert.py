"""Outside text made inert where it crosses into generated Python: the one escaper for comments and
docstrings of ``__main__.py``.

A notebook's file name, a cell id, a label, a reason that quotes them: each may hold a newline, a quote or
a backslash that would end the comment or the string and make the rest code. ``text(value)`` is one line
of printable ASCII with JSON's escapes (``\\n``, ``\\"``, ``\\u2028``), cut to ``limit`` characters before
escaping so that no escape is ever cut in half. Values that cross as code go through ``repr``/``pprint``
(``capture/values.py``), never through here.
"""

from __future__ import annotations

import json

__all__ = ["text"]


def text(value: str, limit: int = 120) -> str:
    """``value`` as inert comment or docstring text."""
    short = value if len(value) <= limit else value[:limit] + "..."
    return json.dumps(short, ensure_ascii=True)[1:-1]
