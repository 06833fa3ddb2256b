"""Compositions written as Python source: one expression (a notebook cell, the CLI's ``-e``), or a file
that sets ``composition`` (else ends in an expression), evaluated with the combinators in scope.

The source is the user's own code, run in their own process (their kernel, their shell), as a cell is.
Whatever it gives must be a composition (a combinator's ``Node`` or an action's name); anything else, and
source that is not Python, is a ``CompositionError`` that says what to write instead. Shared by the magic
(``magics/compose.py``) and the CLI (``cli/compose.py``).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import CompositionError
from .combinators import (
    Node,
    action,
    let,
    literal,
    merge,
    retry,
    sequence,
    try_,
    when,
)

__all__ = ["COMBINATORS", "EXAMPLE", "from_expression", "from_file"]

# What a cell or a file that builds a composition can use without importing anything.
COMBINATORS = {
    "action": action,
    "sequence": sequence,
    "when": when,
    "try_": try_,
    "retry": retry,
    "let": let,
    "literal": literal,
    "merge": merge,
}
EXAMPLE = "e.g. sequence('a', 'b') or when('gate', 'crop', literal({'rejected': True}), field='ok')"


def from_expression(source: str, scope: Mapping[str, Any] | None = None) -> Node | str:
    """The composition one Python expression gives, with the combinators and ``scope`` (which wins)."""
    try:
        code = compile(source, "<composition>", "eval")
    except SyntaxError as exc:
        raise CompositionError(
            f"the expression is not valid Python ({exc.msg}, line {exc.lineno}): a composition must be one "
            f"Python expression, {EXAMPLE}."
        ) from None
    return _checked(eval(code, {**COMBINATORS, **(scope or {})}), "the expression")


def from_file(file: Path) -> Node | str:
    """The composition a file sets as ``composition``, else its last expression."""
    try:
        tree = ast.parse(file.read_text(), str(file))
    except OSError as exc:
        raise CompositionError(f"Cannot read {file}: {exc.strerror}.") from None
    except SyntaxError as exc:
        raise CompositionError(f"{file} is not valid Python: {exc.msg} (line {exc.lineno}).") from None
    last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    if last is not None:
        tree.body.pop()
    scope: dict[str, Any] = dict(COMBINATORS)
    exec(compile(tree, str(file), "exec"), scope)
    value = scope.get("composition")
    if value is None and last is not None:
        value = eval(compile(ast.Expression(last.value), str(file), "eval"), scope)
    return _checked(value, str(file))


def _checked(value: Any, where: str) -> Node | str:
    if not isinstance(value, (Node, str)):
        raise CompositionError(
            f"{where} gives {type(value).__name__}, not a composition.",
            fix="Build it with the combinators (sequence, when, try_, retry, let, literal, merge), "
            f"{EXAMPLE}; in a file, assign it to `composition`.",
        )
    return value
