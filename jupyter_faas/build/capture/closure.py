"""The closure of one class: every module-level definition it needs, transitively, in dependency order.

Owns three things. Resolution: a name read later, when a function runs, resolves to its latest definition;
a name read while a statement runs (a default, a base class, a decorator, ``X = X + 1``) to the definition
before that statement, the value the live object was built with. Order: imports first, then a topological
order of what must exist when each statement runs, ties broken by notebook order. Errors: names defined
nowhere, said with where they are used. It does not read cells (``cells.py``), analyse
statements (``statements.py``) or find files (``bundle.py``).
"""

from __future__ import annotations

import ast
import builtins
import heapq
import itertools
import re
import sys
import types
from dataclasses import dataclass
from typing import Any

from ...errors import CaptureError
from . import values
from .cells import Cell, CleanCell
from .statements import Statement, analyse_cell

__all__ = ["Piece", "closure"]

_MODULE_NAMES = {"__name__", "__file__", "__doc__", "__builtins__", "__spec__", "__loader__", "__package__"}
_IPYTHON_ONLY = {"get_ipython", "display", "In", "Out", "exit", "quit", "_", "__", "___", "_ih", "_oh"}
_NAMESPACE_CELL = Cell(source="", id="namespace", index=-1)


@dataclass
class Piece:
    """One captured statement, with why it was captured."""

    statement: Statement
    source: str  # as written, or reduced to the needed names for an import
    names: tuple[str, ...]  # the needed names it defines
    reason: str
    value: values.Snapshot | None = None  # set when the statement writes a kernel value, not notebook code
    changes: tuple[str, ...] = ()  # captured names it changes after their definition (kept as code)


class _Resolver:
    def __init__(self, statements: list[Statement], namespace: dict[str, Any] | None) -> None:
        self.statements = statements
        self.by_name: dict[str, list[Statement]] = {}
        for stmt in statements:
            for name in stmt.binds:
                self.by_name.setdefault(name, []).append(stmt)
        self.namespace = namespace or {}
        self._synthetic = 0  # statements made from the namespace get positions -1, -2, ...
        self.snapshots = values.candidates(statements, self.namespace) if namespace else {}
        self.taken: dict[str, Statement] = {}  # name -> its kernel-value statement, once one is used

    def _synthetic_statement(self, text: str) -> Statement:
        self._synthetic -= 1
        return analyse_cell(_NAMESPACE_CELL, text, self._synthetic)[-1]

    def snapshot(self, name: str, user: Statement, eager: bool) -> Statement | None:
        """The kernel-value statement of ``name`` when ``user`` reads its final value: at call time, or
        while running after the name's last change."""
        snap = self.snapshots.get(name)
        if snap is None or (eager and user.position <= snap.last.position) or name in user.binds:
            return None
        if name not in self.taken:
            if snap.array and values.NUMPY_ALIAS not in self.by_name:
                self.by_name[values.NUMPY_ALIAS] = [
                    self._synthetic_statement(f"import numpy as {values.NUMPY_ALIAS}")
                ]
            self.taken[name] = self._synthetic_statement(values.snapshot_source(snap))
        return self.taken[name]

    def resolve(self, name: str, user: Statement, eager: bool) -> Statement | None:
        """The definition of ``name`` that ``user`` reads, or None for a builtin."""
        taken = self.snapshot(name, user, eager)
        if taken is not None:
            return taken
        defs = self.by_name.get(name, [])
        before = [d for d in defs if d.position < user.position]
        if name in user.binds:
            if not eager:
                return None  # a function calling itself
            return before[-1] if before else None
        if eager and before:  # read while `user` ran: the value it saw then, as the live object has it
            return before[-1]
        return defs[-1] if defs else None  # read later, at call time: the latest definition

    def from_namespace(self, name: str) -> Statement | None:
        """An import for a name that the live namespace has but no captured cell defines (``%run``)."""
        if name not in self.namespace:
            return None
        value = self.namespace[name]
        if isinstance(value, types.ModuleType):
            module = value.__name__
            text = f"import {module}" if module == name else f"import {module} as {name}"
        else:
            module = getattr(value, "__module__", None) or ""
            qualname = getattr(value, "__qualname__", "")
            if (
                module in ("", "__main__", "builtins")
                or getattr(sys.modules.get(module), qualname, None) is not value
            ):
                return None
            text = f"from {module} import {qualname}" + ("" if qualname == name else f" as {name}")
        stmt = self._synthetic_statement(text)
        self.by_name[name] = [stmt]
        return stmt


def closure(
    class_stmt: Statement,
    statements: list[Statement],
    *,
    skipped: list[CleanCell],
    broken: list[CleanCell],
    namespace: dict[str, Any] | None = None,
) -> list[Piece]:
    """Every statement ``class_stmt`` needs, in an order that runs; raises CaptureError for unknown names."""
    resolver = _Resolver(statements, namespace)
    reasons: dict[int, str] = {class_stmt.position: "the class"}
    needed: dict[int, set[str]] = {class_stmt.position: {class_stmt.node.name}}  # type: ignore[attr-defined]
    included: dict[int, Statement] = {class_stmt.position: class_stmt}
    edges: dict[int, set[int]] = {}  # statement -> statements that must run before it
    changed: dict[int, set[str]] = {}  # statement -> captured names it changes after their definition
    work = [class_stmt]
    star_imports = [s for s in statements if s.star_import]
    while work:
        stmt = work.pop()
        uses = [(n, True) for n in sorted(stmt.eager)] + [(n, False) for n in sorted(stmt.lazy)]
        for name, eager in uses:
            target = resolver.resolve(name, stmt, eager)
            if target is None and name not in resolver.by_name and not _is_builtin(name):
                target = resolver.from_namespace(name)
                if target is None:
                    if star_imports:
                        for star in star_imports:
                            _include(star, "*", stmt, included, needed, reasons, work)
                        continue
                    raise _undefined(name, stmt, skipped, broken)
            if target is None:
                continue
            _include(target, name, stmt, included, needed, reasons, work)
            # `import a.b` and `import a.c` both bind `a`, and code using `a.b` and `a.c` needs both
            for sibling in _package_imports(name, target, resolver.by_name.get(name, [])):
                _include(sibling, name, stmt, included, needed, reasons, work)
            if eager and target is not stmt:
                edges.setdefault(stmt.position, set()).add(target.position)
        # Changes to a captured name after its definition (`CONFIG["size"] = 224`, a loop filling a table)
        # belong with it, unless the kernel's value is taken instead.
        for name in stmt.binds & needed.get(stmt.position, set()):
            for other in statements:
                later = other.position > stmt.position and name not in other.binds
                if later and name in other.mutates and resolver.resolve(name, other, True) is stmt:
                    _include(other, name, stmt, included, needed, reasons, work, verb="changes")
                    changed.setdefault(other.position, set()).add(name)
                    edges.setdefault(other.position, set()).add(stmt.position)
    # Two captured definitions of one name keep their notebook order (the later one must win at the end);
    # a kernel value is the final value: it comes after any code that defines the same name.
    by_name: dict[str, list[int]] = {}
    final = {s.position for s in resolver.taken.values()}
    for position, stmt in included.items():
        for name in stmt.binds & needed.get(position, set()):
            by_name.setdefault(name, []).append(position)
    for positions in by_name.values():
        positions.sort(key=lambda p: (p in final, p))
        for first, second in itertools.pairwise(positions):
            edges.setdefault(second, set()).add(first)
    for stmt in statements:  # `from __future__ import ...` changes how the whole file compiles
        node = stmt.node
        if isinstance(node, ast.ImportFrom) and node.module == "__future__" and stmt.position not in included:
            included[stmt.position] = stmt
            needed[stmt.position] = set(stmt.binds)
            reasons[stmt.position] = "a compiler flag: applies to the whole generated file"
    order = _topological(included, edges)
    taken = {stmt.position: resolver.snapshots[name] for name, stmt in resolver.taken.items()}
    for position, snap in taken.items():
        reasons[position] = f"{snap.name}: its value from the kernel ({snap.reason})"
    return [
        Piece(
            statement=s,
            source=_reduced_import(s, needed.get(s.position, set())),
            names=tuple(sorted(needed.get(s.position, set()))),
            reason=reasons[s.position],
            value=taken.get(s.position),
            changes=tuple(sorted(changed.get(s.position, ()))),
        )
        for s in order
    ]


def _include(
    target: Statement,
    name: str,
    user: Statement,
    included: dict[int, Statement],
    needed: dict[int, set[str]],
    reasons: dict[int, str],
    work: list[Statement],
    verb: str = "used by",
) -> None:
    needed.setdefault(target.position, set()).add(name)
    if target.position not in included:
        included[target.position] = target
        reasons[target.position] = f"{name}: {verb} {user.title} ({user.where})"
        work.append(target)


def _package_imports(name: str, target: Statement, defs: list[Statement]) -> list[Statement]:
    """Other ``import name.sub`` statements since ``name`` was last bound by anything else."""

    def plain(stmt: Statement) -> bool:
        node = stmt.node
        return isinstance(node, ast.Import) and any(
            a.asname is None and a.name.split(".")[0] == name for a in node.names
        )

    if not plain(target):
        return []
    siblings: list[Statement] = []
    for stmt in defs:
        if stmt.position > target.position:
            break
        siblings = [*siblings, stmt] if plain(stmt) else []
    return [s for s in siblings if s is not target]


def _is_builtin(name: str) -> bool:
    return name in _MODULE_NAMES or (hasattr(builtins, name) and name not in _IPYTHON_ONLY)


def _topological(included: dict[int, Statement], edges: dict[int, set[int]]) -> list[Statement]:
    def key(stmt: Statement) -> tuple[int, int]:
        node = stmt.node
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            return (0, stmt.position)
        return (1 if stmt.kind == "import" else 2, stmt.position)

    before = {p: {q for q in edges.get(p, set()) if q in included and q != p} for p in included}
    after: dict[int, set[int]] = {p: set() for p in included}
    for p, qs in before.items():
        for q in qs:
            after[q].add(p)
    heap = [(key(included[p]), p) for p, qs in before.items() if not qs]
    heapq.heapify(heap)
    order: list[Statement] = []
    while heap:
        _, p = heapq.heappop(heap)
        order.append(included[p])
        for q in sorted(after[p]):
            before[q].discard(p)
            if not before[q]:
                heapq.heappush(heap, (key(included[q]), q))
    if len(order) < len(included):  # a cycle of eager reads cannot run anywhere; keep notebook order
        done = {s.position for s in order}
        order += sorted((s for p, s in included.items() if p not in done), key=key)
    return order


def _reduced_import(stmt: Statement, names: set[str]) -> str:
    node = stmt.node
    if not isinstance(node, ast.Import | ast.ImportFrom) or stmt.star_import:
        return stmt.source
    keep = [a for a in node.names if (a.asname or a.name.split(".")[0]) in names]
    if len(keep) == len(node.names):
        return stmt.source
    copy = (
        ast.Import(names=keep)
        if isinstance(node, ast.Import)
        else ast.ImportFrom(node.module, keep, node.level)
    )
    return ast.unparse(copy)


def _use_line(name: str, stmt: Statement) -> int:
    for sub in ast.walk(stmt.node):
        if isinstance(sub, ast.Name) and sub.id == name:
            return sub.lineno
    return stmt.line


def _undefined(name: str, user: Statement, skipped: list[CleanCell], broken: list[CleanCell]) -> CaptureError:
    where = f"{user.cell.label}, line {_use_line(name, user)}"
    if name in _IPYTHON_ONLY:
        return CaptureError(
            f"{user.title} ({where}) uses {name}, which exists only inside IPython.",
            fix=f"Remove the use of {name} from the captured code (an action has no IPython).",
        )
    for clean in broken:
        if _mentions(clean.cell.source, name):
            exc = clean.syntax_error
            line = exc.lineno if exc else "?"
            return CaptureError(
                f"{name} (used by {user.title}, {where}) is defined in {clean.cell.label}, "
                f"which has a syntax error at line {line}: {exc.msg if exc else ''}",
                fix="Fix the syntax error in that cell and run it again.",
            )
    for clean in skipped:
        if _mentions(clean.cell.source, name):
            return CaptureError(
                f"{name} (used by {user.title}, {where}) is defined only in {clean.cell.label}, "
                f"which capture skips ({clean.skipped}).",
                fix="Move the definition into a plain code cell (no %% magic, no # faas: ignore).",
            )
    return CaptureError(
        f"{name} is used by {user.title} ({where}) but defined nowhere in the notebook.",
        fix=f"Define or import {name} in a code cell (or fix the spelling), then build again.",
    )


def _mentions(source: str, name: str) -> bool:
    """Whether ``source`` looks like it defines ``name`` (it need not parse)."""
    n = re.escape(name)
    pattern = rf"(\b(def|class)\s+{n}\b)|(^\s*{n}\s*(:|=(?!=)))|(^\s*(from\s+\S+\s+)?import\b.*\b{n}\b)"
    return re.search(pattern, source, re.MULTILINE) is not None
