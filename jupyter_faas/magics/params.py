"""Magic lines parsed like a shell: the one parser for every magic that takes parameters.

``parse_line(magic, line)`` splits a line the way a POSIX shell (and ``wsk -p``) does: ``key="a b"``,
``key='a b'``, ``\\"`` escapes, ``key=`` for an empty string; a JSON object anywhere in the line (spaces and
quotes inside it included) is taken whole first. ``params(pairs, payload)`` turns ``key=value`` words into
parameters, each value read as JSON when it is JSON (``n=3``, ``flag=true``, ``xs=[1,2]``, ``o={"a":1}``)
and as a string otherwise; ``value(text)`` does the same for ``--param K V``. ``{variable}`` and
``$variable`` are expanded by IPython itself before a line magic sees its line. Errors are ``UsageError``
with the fix. What this module does not own: the magics' options (their ``@magic_arguments``).
"""

from __future__ import annotations

import json
import shlex
from typing import Any

from IPython.core.error import UsageError

__all__ = ["parse_line", "parse_params", "split_payload", "value"]

_DECODER = json.JSONDecoder()
_QUOTING = (
    'Quote a value with spaces as key="a b" or key=\'a b\' (escape a quote inside as \\"), '
    'or give one JSON object: {"key": "a b"}.'
)


def value(text: str) -> Any:
    """A parameter's value: JSON when it parses as JSON (numbers, booleans, null, lists, objects, strings
    in double quotes), else the text itself."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def split_payload(line: str) -> tuple[str, dict[str, Any] | None]:
    """Take the first JSON object that is a word of its own out of ``line`` (optionally in one pair of
    quotes; ``key={...}`` stays a parameter): (the rest of the line, the object), or (line, None)."""
    start = line.find("{")
    while start != -1:
        quote = line[start - 1] if start > 0 and line[start - 1] in "'\"" else ""
        before_word = start - len(quote)
        if before_word > 0 and not line[before_word - 1].isspace():  # inside a word: key={...}
            start = line.find("{", start + 1)
            continue
        try:
            obj, end = _DECODER.raw_decode(line, start)
        except ValueError:
            obj, end = None, start
        if isinstance(obj, dict):
            before, after = line[: start - len(quote)], line[end:]
            if quote and after.startswith(quote):
                after = after[1:]
            return before + " " + after, obj
        start = line.find("{", start + 1)
    return line, None


def _words(line: str) -> list[str]:
    try:
        return shlex.split(line, posix=True)
    except ValueError as exc:  # "No closing quotation", "No escaped character"
        raise UsageError(f"Cannot read the line: {exc} in {line.strip()!r}.\n{_QUOTING}") from None


def parse_line(magic: Any, line: str) -> Any:
    """``parse_argstring`` for a magic declared with ``@magic_arguments``, with shell quoting."""
    parsed = magic.parser.parse_args(_words(line))
    return parsed


def parse_params(pairs: list[str], payload: dict[str, Any] | None = None) -> dict[str, Any]:
    """``key=value`` words (already unquoted by the shell split) over a JSON ``payload``."""
    params = dict(payload or {})
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep and pair.lstrip().startswith(("{", "[")):
            try:
                json.loads(" ".join(pairs))
            except ValueError as exc:
                raise UsageError(f"The parameters are not JSON: {exc}.\n{_QUOTING}") from None
            raise UsageError(f"The parameters must be a JSON object.\n{_QUOTING}")
        if not sep or not key.strip():
            raise UsageError(f"{pair!r} is not key=value.\n{_QUOTING}")
        params[key.strip()] = value(raw)
    return params
