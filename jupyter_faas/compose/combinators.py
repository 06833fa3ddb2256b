"""Compositions as Python values: Composer's combinators, and the program a conductor action runs.

A composition is a tree of nodes, built with the functions here (in the spirit of Apache OpenWhisk Composer):

* ``action("name")``: a component, any action, sequence or composition (a plain string means the same);
* ``sequence(a, b, ...)``: each result is the next one's input;
* ``when(test, then, else_=None, field="value")``: run ``test`` on the input, then ``then`` if its result's
  ``field`` is truthy, else ``else_``; both branches get the *input*, not the test's result (Composer's
  ``if``), or with ``keep_input=False`` the test's result (Composer's ``if_nosave``); without ``else_``
  that goes on unchanged;
* ``try_(body, catch)``: when ``body`` ends in an error result (``{"error": ...}``), run ``catch`` on it;
* ``retry(times, body)``: run ``body`` again on the same input, up to ``times`` more times, while it errs;
* ``let(bindings, body)``: every component in ``body`` gets ``bindings`` as parameters (its input wins);
* ``literal(value)``: the input becomes ``value`` (a dict);
* ``merge(body)``: ``body``'s result laid over its input (value passing: keep what came before).

``program(node)`` flattens the tree into a list of instructions with absolute jumps; ``conductor.py``
interprets them inside the conductor action. ``describe(node)`` is the one-line text of a composition.
An error result that no ``try_`` or ``retry`` takes ends the composition with that result.
Owns no HTTP (``deploy.py``) and no generated code (``conductor.py``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..errors import CompositionError

__all__ = [
    "Node",
    "action",
    "describe",
    "let",
    "literal",
    "merge",
    "program",
    "retry",
    "sequence",
    "try_",
    "when",
]


@dataclass(frozen=True)
class Node:
    """One combinator applied: ``op`` and its parts (nodes, names, values)."""

    op: str
    parts: tuple[Any, ...] = ()

    def __repr__(self) -> str:
        return describe(self)


def _node(value: Any, where: str) -> Node:
    if isinstance(value, Node):
        return value
    if isinstance(value, str):
        return action(value)
    raise CompositionError(
        f"{where} is {type(value).__name__} {value!r}, not a composition.",
        fix="Give an action's name (a string) or a combinator: action, sequence, when, try_, retry, let, "
        "literal, merge.",
    )


def action(name: str) -> Node:
    """A component: an action (``name``, ``pkg/name`` or ``/namespace/pkg/name``), sequence or composition."""
    if not isinstance(name, str) or not name.strip("/ "):
        raise CompositionError(f"An action's name must be a non-empty string, not {name!r}.")
    return Node("action", (name,))


def sequence(*steps: Any) -> Node:
    """Each step's result is the next one's input."""
    return Node("sequence", tuple(_node(s, f"step {i + 1} of sequence()") for i, s in enumerate(steps)))


def when(test: Any, then: Any, else_: Any = None, *, field: str = "value", keep_input: bool = True) -> Node:
    """If ``test``'s result has a truthy ``field``, run ``then``, else ``else_`` (if given), on the input
    (or, with ``keep_input=False``, on the test's result)."""
    if not isinstance(field, str) or not field:
        raise CompositionError(f"when(field=...) must name a field of the test's result, not {field!r}.")
    other = None if else_ is None else _node(else_, "when()'s else_")
    test_node, then_node = _node(test, "when()'s test"), _node(then, "when()'s then")
    return Node("when", (test_node, then_node, other, field, bool(keep_input)))


def try_(body: Any, catch: Any) -> Node:
    """Run ``body``; if it ends in an error result, run ``catch`` on that result."""
    return Node("try", (_node(body, "try_()'s body"), _node(catch, "try_()'s catch")))


def retry(times: int, body: Any) -> Node:
    """Run ``body``; while it errs, run it again on the same input, at most ``times`` more times."""
    if not isinstance(times, int) or isinstance(times, bool) or not 0 <= times <= 100:
        raise CompositionError(f"retry() takes a number of retries from 0 to 100, not {times!r}.")
    return Node("retry", (times, _node(body, "retry()'s body")))


def _json_object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise CompositionError(f"{what} must be a dict (a JSON object), not {type(value).__name__}.")
    try:
        return dict(json.loads(json.dumps(value)))
    except (TypeError, ValueError) as exc:
        raise CompositionError(f"{what} must be JSON: {exc}.") from None


def let(bindings: dict[str, Any], body: Any) -> Node:
    """Every component in ``body`` gets ``bindings`` as parameters, under its own input."""
    return Node("let", (_json_object(bindings, "let()'s bindings"), _node(body, "let()'s body")))


def literal(value: dict[str, Any]) -> Node:
    """The input becomes ``value``."""
    return Node("literal", (_json_object(value, "literal()'s value"),))


def merge(body: Any) -> Node:
    """``body``'s result laid over its input: what came before is kept unless ``body`` replaces it."""
    return Node("merge", (_node(body, "merge()'s body"),))


def program(node: Any) -> list[dict[str, Any]]:
    """The instructions ``conductor.py`` runs, with absolute jump targets."""
    out: list[dict[str, Any]] = []
    _emit(_node(node, "The composition"), out)
    return out


def _emit(node: Node, out: list[dict[str, Any]]) -> None:
    op, parts = node.op, node.parts
    if op == "action":
        out.append({"op": "call", "action": parts[0]})
    elif op == "sequence":
        for step in parts:
            _emit(step, out)
    elif op == "when":
        test, then, other, field, keep_input = parts
        if keep_input:
            out.append({"op": "save"})
        _emit(test, out)
        branch = {"op": "branch", "field": field, "test": describe(test), "else": -1, "restore": keep_input}
        out.append(branch)
        _emit(then, out)
        jump = {"op": "jump", "to": -1}
        out.append(jump)
        branch["else"] = len(out)
        if other is not None:
            _emit(other, out)
        jump["to"] = len(out)
    elif op == "try":
        body, catch = parts
        start = {"op": "try", "catch": -1}
        out.append(start)
        _emit(body, out)
        out.append({"op": "untry"})
        jump = {"op": "jump", "to": -1}
        out.append(jump)
        start["catch"] = len(out)
        _emit(catch, out)
        jump["to"] = len(out)
    elif op == "retry":
        out.append({"op": "retry", "times": parts[0]})
        _emit(parts[1], out)
        out.append({"op": "unretry"})
    elif op == "let":
        out.append({"op": "let", "bindings": parts[0]})
        _emit(parts[1], out)
        out.append({"op": "unlet"})
    elif op == "literal":
        out.append({"op": "literal", "value": parts[0]})
    elif op == "merge":
        out.append({"op": "save"})
        _emit(parts[0], out)
        out.append({"op": "merge"})
    else:  # pragma: no cover - the constructors above make every node
        raise CompositionError(f"Unknown combinator {op!r}.")


def describe(node: Any) -> str:
    """One line: ``when(image-quality-gate.ok, sequence(smart-body-crop, auto-tag), literal({...}))``."""
    n = _node(node, "The composition")
    op, parts = n.op, n.parts
    if op == "action":
        return str(parts[0])
    if op == "sequence":
        return "sequence(" + ", ".join(describe(p) for p in parts) + ")"
    if op == "when":
        test, then, other, field, keep_input = parts
        text = f"when({describe(test)}.{field}, {describe(then)}"
        text += f", {describe(other)}" if other is not None else ""
        return text + (")" if keep_input else ", keep_input=False)")
    if op == "try":
        return f"try_({describe(parts[0])}, {describe(parts[1])})"
    if op == "retry":
        return f"retry({parts[0]}, {describe(parts[1])})"
    if op == "let":
        return f"let({json.dumps(parts[0], sort_keys=True)}, {describe(parts[1])})"
    if op == "literal":
        return f"literal({json.dumps(parts[0], sort_keys=True)})"
    return f"merge({describe(parts[0])})"
