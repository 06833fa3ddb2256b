"""Top-level statements of a cell: what each binds, and which module-level names it reads, and when.

Owns the per-statement analysis that the closure is computed from. A name is read *eagerly* when it is
needed while the statement itself runs (an assigned value, a decorator, a base class, a default argument,
a class body) and *lazily* when it is needed only later, when a function or method is called. Python's
own ``symtable`` does the scoping (locals, comprehensions, class scopes, ``global``), so the rules are the
interpreter's, not ours. It does not decide what to capture (``closure.py``).
"""

from __future__ import annotations

import ast
import symtable
from dataclasses import dataclass, field

from .cells import Cell

__all__ = ["Statement", "analyse_cell"]

_COMPREHENSIONS = {"listcomp", "setcomp", "dictcomp", "genexpr"}


@dataclass
class Statement:
    """One top-level statement of one cell."""

    cell: Cell
    position: int  # global execution order across cells
    node: ast.stmt
    source: str  # the statement's text, with the comment lines right above it
    kind: str  # "import", "function", "class", "constant", "statement"
    binds: set[str]  # module-level names it (re)binds
    eager: set[str]  # module-level names read while it runs
    lazy: set[str]  # module-level names read when its functions run later
    mutates: set[str] = field(default_factory=set)  # `NAME[k] = v`, `NAME.append(v)`, in loops too
    star_import: bool = False

    @property
    def line(self) -> int:
        return self.node.lineno

    @property
    def where(self) -> str:
        return f"{self.cell.label}, line {self.line}"

    @property
    def title(self) -> str:
        """A short name for messages: `class Foo`, `def bar`, `import numpy as np`, `SIZE = ...`."""
        node = self.node
        if isinstance(node, ast.ClassDef):
            return f"class {node.name}"
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return f"def {node.name}"
        code = [ln for ln in self.source.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        first = code[0].strip() if code else ""
        return first if len(first) <= 40 else first[:37] + "..."


def analyse_cell(cell: Cell, python: str, first_position: int) -> list[Statement]:
    """Analyse every top-level statement of ``python`` (a cell's cleaned source, which must parse)."""
    tree = ast.parse(python)
    lines = python.splitlines()
    body = tree.body
    out = []
    for i, node in enumerate(body):
        prev_end = body[i - 1].end_lineno if i else 0
        next_start = body[i + 1].lineno if i + 1 < len(body) else None
        source = _segment(lines, node, prev_end or 0, next_start)
        out.append(_analyse(cell, first_position + i, node, source))
    return out


def _start_line(node: ast.stmt) -> int:
    decorators: list[ast.expr] = getattr(node, "decorator_list", None) or []
    return min([node.lineno] + [d.lineno for d in decorators])


def _segment(lines: list[str], node: ast.stmt, prev_end: int, next_start: int | None) -> str:
    start, end = _start_line(node), node.end_lineno or node.lineno
    if prev_end == start or next_start == end:  # shares a line with another statement (`a = 1; b = 2`)
        return ast.unparse(node)
    # Keep the comment lines directly above the statement: they usually explain it.
    while start - 2 >= 0 and start - 1 > prev_end and lines[start - 2].lstrip().startswith("#"):
        if "faas:" in lines[start - 2]:
            break
        start -= 1
    return "\n".join(lines[start - 1 : end]).rstrip()


def _kind(node: ast.stmt) -> str:
    if isinstance(node, ast.Import | ast.ImportFrom):
        return "import"
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return "function"
    if isinstance(node, ast.ClassDef):
        return "class"
    if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
        return "constant"
    return "statement"


def _analyse(cell: Cell, position: int, node: ast.stmt, source: str) -> Statement:
    kind = _kind(node)
    binds: set[str] = set()
    eager: set[str] = set()
    lazy: set[str] = set()
    star = False
    if isinstance(node, ast.Import):
        binds = {(a.asname or a.name.split(".")[0]) for a in node.names}
    elif isinstance(node, ast.ImportFrom):
        star = any(a.name == "*" for a in node.names)
        binds = {(a.asname or a.name) for a in node.names if a.name != "*"}
    else:
        try:
            table = symtable.symtable(source, "<cell>", "exec")
        except SyntaxError:  # a segment that does not compile on its own (odd continuation lines)
            table = symtable.symtable(ast.unparse(node), "<cell>", "exec")
        for sym in table.get_symbols():
            name = sym.get_name()
            if sym.is_assigned() or sym.is_imported():
                binds.add(name)
            if sym.is_referenced():
                eager.add(name)
        for child in table.get_children():
            _collect(child, eager=True, eager_out=eager, lazy_out=lazy)
    return Statement(
        cell=cell,
        position=position,
        node=node,
        source=source,
        kind=kind,
        binds=binds,
        eager=eager,
        lazy=lazy,
        mutates=_mutated_names(node),
        star_import=star,
    )


def _collect(table: symtable.SymbolTable, *, eager: bool, eager_out: set[str], lazy_out: set[str]) -> None:
    kind = table.get_type()
    kind = getattr(kind, "value", kind)  # str in 3.11, an enum in 3.13
    # a class body and a comprehension run when their parent does; functions and lambdas run later
    now = eager and (kind == "class" or (kind == "function" and table.get_name() in _COMPREHENSIONS))
    out = eager_out if now else lazy_out
    for sym in table.get_symbols():
        if sym.is_referenced() and sym.is_global():
            out.add(sym.get_name())
    for child in table.get_children():
        _collect(child, eager=now, eager_out=eager_out, lazy_out=lazy_out)


# Methods that change their object in place: ``NAME.append(x)`` after ``NAME = []`` changes NAME's value.
MUTATING_METHODS = frozenset(
    {
        "append", "extend", "insert", "remove", "pop", "clear", "sort", "reverse",  # list
        "update", "setdefault", "popitem",  # dict
        "add", "discard", "difference_update", "intersection_update", "symmetric_difference_update",  # set
        "appendleft", "extendleft", "rotate",  # collections.deque
        "__setitem__", "__delitem__", "fill", "resize", "put", "itemset",  # numpy arrays, explicit dunders
    }
)  # fmt: skip


_SCOPES = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


def _root(expr: ast.expr) -> str | None:
    while isinstance(expr, ast.Subscript | ast.Attribute | ast.Starred):
        expr = expr.value
    return expr.id if isinstance(expr, ast.Name) else None


def _mutated_names(node: ast.stmt) -> set[str]:
    """Module-level names whose object the statement changes in place, anywhere in it (loop and ``if``
    bodies, comprehensions), but not in function or class bodies (they run later, or in another scope):
    ``NAME[k] = v``, ``NAME.attr = v``, ``NAME[k] += v``, ``del NAME[k]``, ``NAME.append(v)`` and the
    other in-place methods, also on a part (``NAME[k].append(v)``)."""
    names: set[str] = set()
    if isinstance(node, _SCOPES | ast.Import | ast.ImportFrom):  # a definition's body runs later, elsewhere
        return names
    stack: list[ast.AST] = [node]
    while stack:
        sub = stack.pop()
        if isinstance(sub, _SCOPES | ast.Lambda):
            continue
        targets: list[ast.expr] = []
        if isinstance(sub, ast.Assign):
            targets = list(sub.targets)
        elif isinstance(sub, ast.AnnAssign | ast.AugAssign | ast.For | ast.AsyncFor):
            targets = [sub.target]
        elif isinstance(sub, ast.Delete):
            targets = list(sub.targets)
        elif (
            isinstance(sub, ast.Call)
            and isinstance(sub.func, ast.Attribute)
            and sub.func.attr in MUTATING_METHODS
            and (root := _root(sub.func.value))
        ):
            names.add(root)
        for target in targets:
            for part in ast.walk(target):
                if isinstance(part, ast.Subscript | ast.Attribute) and (root := _root(part)):
                    names.add(root)
        stack.extend(ast.iter_child_nodes(sub))
    return names
