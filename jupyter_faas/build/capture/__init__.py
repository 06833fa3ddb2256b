"""Capture one class from a notebook: its source and everything it needs, and a report of why.

Entry points: ``capture_from_cells`` (pure: a list of ``Cell``), ``capture_from_notebook`` (an
``.ipynb`` file, for the CLI and the sidebar) and ``capture_from_kernel`` (a ``Kernel``: the cells and
namespace of a live kernel, read by the magics; no shell reaches capture). Each returns a ``Capture``: the
captured statements in dependency order, the imports (standard library, third-party, local), local modules
and data files to bundle, the method to call, and notes. It does not map imports to distributions
(``requirements.py``), write ``__main__.py`` (``codegen.py``) or zip (``packaging/``).

Modules: ``cells.py`` (cells, magics, adapters), ``statements.py`` (per-statement analysis),
``closure.py`` (name resolution and order), ``bundle.py`` (imports, local modules, data files).
"""

from __future__ import annotations

import ast
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...contract import ZIP_MAIN
from ...errors import CaptureError
from . import values
from .bundle import BundledFile, ImportRef, find_data_files, find_imports, folder_files, included_files
from .cells import Cell, CleanCell, Kernel, cells_from_notebook, clean_cell
from .closure import Piece, closure
from .statements import Statement, analyse_cell

__all__ = [
    "BundledFile",
    "Capture",
    "Cell",
    "ImportRef",
    "Kernel",
    "MethodSignature",
    "Piece",
    "capture_from_cells",
    "capture_from_folder",
    "capture_from_kernel",
    "capture_from_module",
    "capture_from_notebook",
]

DEFAULT_METHODS = ("predict", "__call__")


@dataclass(frozen=True)
class MethodSignature:
    """The parameters of the method an activation calls (``self`` left out)."""

    name: str
    params: tuple[str, ...]  # positional-or-keyword and keyword-only names, in order
    required: tuple[str, ...]  # those without a default
    var_keyword: bool  # has **kwargs
    is_async: bool = False  # `async def`: main() runs it to completion


@dataclass
class Capture:
    """What one class needs to run as an action."""

    class_name: str
    method: MethodSignature
    pieces: list[Piece]  # dependency order
    imports: list[ImportRef]
    modules: list[BundledFile]  # local modules from the notebook's folder
    files: list[BundledFile]  # data files (--include, paths in constants)
    source: str  # the notebook's path, or "kernel"
    base_dir: Path | None
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    entry: Path | None = None  # an action folder's own __main__.py (then codegen writes none)

    @property
    def third_party(self) -> list[ImportRef]:
        return [i for i in self.imports if i.origin == "third-party"]

    @property
    def cell_ids(self) -> list[str]:
        """The ids of the cells the captured code comes from, in notebook order (for provenance)."""
        cells = {
            p.statement.cell.index: p.statement.cell.id for p in self.pieces if p.statement.cell.index >= 0
        }
        return [cells[i] for i in sorted(cells)]

    def report(self) -> str:
        """What was captured and why: each statement with its cell, files, imports, skipped cells."""
        lines = [f"Captured class {self.class_name} from {self.source} (calls .{self.method.name}):"]
        for piece in self.pieces:
            title = piece.statement.title
            lines.append(f"  {piece.statement.where:<28} {title[:48]:<48}  {piece.reason}")
        taken = [p.value.name for p in self.pieces if p.value is not None]
        if taken:
            lines.append("Taken from the kernel as values: " + ", ".join(taken))
        changed = sorted({n for p in self.pieces for n in p.changes})
        if changed:
            lines.append("Changed after their definition, included as code: " + ", ".join(changed))
        for label, items in (("Local modules", self.modules), ("Files", self.files)):
            if items:
                lines.append(f"{label}:")
                lines += [f"  {f.arcname} ({f.path.stat().st_size:,} bytes): {f.reason}" for f in items]
        third = sorted({i.top for i in self.third_party})
        if third:
            lines.append("Third-party imports: " + ", ".join(third))
        if self.skipped:
            lines.append("Skipped: " + "; ".join(self.skipped))
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)


def capture_from_notebook(path: str | Path, class_name: str, **options: Any) -> Capture:
    """Capture ``class_name`` from an ``.ipynb`` file; local modules and files are found beside it."""
    path = Path(path)
    options.setdefault("base_dir", path.resolve().parent)
    options.setdefault("source", str(path))
    return capture_from_cells(cells_from_notebook(path), class_name, **options)


def capture_from_module(path: str | Path, class_name: str, **options: Any) -> Capture:
    """Capture ``class_name`` from a Python file, read as one cell; modules and files are found beside it."""
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CaptureError(f"Cannot read {path}: {exc}", fix="Check the path of the .py file.") from None
    options.setdefault("base_dir", path.resolve().parent)
    options.setdefault("source", str(path))
    return capture_from_cells([Cell(source=source, id=path.name, index=0)], class_name, **options)


def capture_from_folder(path: str | Path, *, include: Sequence[str | Path] = ()) -> Capture:
    """An action folder as it is (``__main__.py`` with ``main(args)`` and the files beside it): no class
    to capture; its imports become requirements, every other file is bundled."""
    folder = Path(path).resolve()
    main = folder / ZIP_MAIN
    if not main.is_file():
        raise CaptureError(
            f"{folder} has no __main__.py.",
            fix="Give a notebook, a .py file with --class, or a folder whose __main__.py defines main(args).",
        )
    try:
        tree = ast.parse(main.read_text(encoding="utf-8"))
    except SyntaxError as exc:
        raise CaptureError(
            f"{main} has a syntax error at line {exc.lineno}: {exc.msg}", fix="Fix it."
        ) from None
    if not any(isinstance(n, ast.FunctionDef) and n.name == "main" for n in tree.body):
        raise CaptureError(
            f"{main} defines no main(args).", fix="Define def main(args): ... returning a dict."
        )
    imports, modules = find_imports([(tree, ZIP_MAIN, None)], folder)
    files = {f.arcname: f for f in folder_files(folder, "in the action folder") if f.arcname != ZIP_MAIN}
    for module in modules:
        files.pop(module.arcname, None)
    extra = {f.arcname: f for f in included_files(include, folder)}
    return Capture(
        class_name=folder.name,
        method=MethodSignature("main", ("args",), (), False),
        pieces=[],
        imports=imports,
        modules=modules,
        files=sorted({**files, **extra}.values(), key=lambda f: f.arcname),
        source=str(folder),
        base_dir=folder,
        notes=["an action folder: its __main__.py is deployed as it is"],
        entry=main,
    )


def capture_from_kernel(kernel: Kernel, class_name: str, **options: Any) -> Capture:
    """Capture ``class_name`` from a live kernel's cells and namespace (the kernel's folder is the base)."""
    options.setdefault("base_dir", Path(os.getcwd()))
    options.setdefault("source", "kernel")
    options.setdefault("namespace", kernel.namespace)
    return capture_from_cells(kernel.cells, class_name, **options)


def capture_from_cells(
    cells: Sequence[Cell],
    class_name: str,
    *,
    method: str | None = None,
    base_dir: str | Path | None = None,
    include: Sequence[str | Path] = (),
    namespace: dict[str, Any] | None = None,
    source: str = "cells",
) -> Capture:
    """Capture ``class_name`` and its closure from ``cells`` (in execution order)."""
    base = Path(base_dir) if base_dir is not None else None
    statements: list[Statement] = []
    skipped: list[CleanCell] = []
    broken: list[CleanCell] = []
    for cell in cells:
        clean = clean_cell(cell)
        if clean.skipped:
            skipped.append(clean)
        elif clean.syntax_error:
            broken.append(clean)
        else:
            statements += analyse_cell(cell, clean.python, len(statements))
    class_stmt = _find_class(class_name, statements, skipped, broken)
    pieces = closure(class_stmt, statements, skipped=skipped, broken=broken, namespace=namespace)
    signature = _method(class_stmt, method, pieces)
    _check_constructor(class_stmt)
    trees = [(p.statement.node, p.statement.cell.label, set(p.names)) for p in pieces]
    imports, modules = find_imports(trees, base)
    data_trees: list[tuple[ast.AST, str]] = [(t, w) for t, w, _ in trees]
    data_trees += [
        (ast.parse(m.path.read_text("utf-8")), m.arcname) for m in modules if m.path.suffix == ".py"
    ]
    data, notes = find_data_files(data_trees, base)
    data += [
        BundledFile(values.arcname(p.value), values.npy_file(p.value.value), p.reason)
        for p in pieces
        if p.value is not None and p.value.array
    ]
    if namespace is not None:
        notes += _changes_run_again(pieces, statements, namespace)
    extra = included_files(include, base)
    module_names = {m.arcname for m in modules}
    files = {f.arcname: f for f in data + extra if f.arcname not in module_names}
    skipped_text = [f"{c.cell.label} ({c.skipped})" for c in skipped] + [
        f"{c.cell.label} (syntax error at line {c.syntax_error.lineno}; not needed)"
        for c in broken
        if c.syntax_error
    ]
    return Capture(
        class_name=class_name,
        method=signature,
        pieces=pieces,
        imports=imports,
        modules=modules,
        files=sorted(files.values(), key=lambda f: f.arcname),
        source=source,
        base_dir=base,
        skipped=skipped_text,
        notes=notes,
    )


def _changes_run_again(
    pieces: list[Piece], statements: list[Statement], namespace: dict[str, Any]
) -> list[str]:
    """A name changed after its definition whose kernel value is not plain data: its changing statements run
    again in the action. Fine when they read plain data only (a note says so); when they read training
    variables the kernel holds as objects (a DataFrame, a fitted model), re-running them would answer
    differently or not at all: stop, naming the name, the cell and the line."""
    kinds = {n: s.kind for s in statements for n in s.binds}
    notes = []
    for piece in pieces:
        for name in piece.changes:
            reads = piece.statement.eager - set(piece.changes) - piece.statement.binds
            heavy = sorted(
                n
                for n in reads
                if kinds.get(n) in ("constant", "statement")
                and n in namespace
                and not (values.is_plain(namespace[n]) or values.is_array(namespace[n]))
            )
            kind = type(namespace.get(name)).__name__
            if heavy:
                raise CaptureError(
                    f"{name} is changed at {piece.statement.where} from {', '.join(heavy)}, and "
                    f"neither its value ({kind}) nor theirs is plain data: the action cannot take it from "
                    "the kernel, and re-running that code there needs the training data.",
                    fix=f"Make {name} plain data (a dict or list of numbers and strings, or an array), save "
                    "it to a file the class loads, or build it in the class's __init__.",
                )
            notes.append(
                f"{name} is changed after its definition ({piece.statement.where}) and its value in the "
                f"kernel is not plain data ({kind}): the statements that change it run again in the action."
            )
    return notes


def _find_class(
    name: str, statements: list[Statement], skipped: list[CleanCell], broken: list[CleanCell]
) -> Statement:
    found = [s for s in statements if isinstance(s.node, ast.ClassDef) and s.node.name == name]
    for clean in broken:
        if f"class {name}" in clean.cell.source and (not found or clean.cell.index > found[-1].cell.index):
            exc = clean.syntax_error
            assert exc is not None
            raise CaptureError(
                f"Class {name} is in {clean.cell.label}, which has a syntax error at line {exc.lineno}: "
                f"{exc.msg}",
                fix="Fix the cell and run it again.",
            )
    if found:
        return found[-1]
    for clean in skipped:
        if f"class {name}" in clean.cell.source:
            raise CaptureError(
                f"Class {name} is defined only in {clean.cell.label}, which capture skips ({clean.skipped}).",
                fix="Move the class into a plain code cell (no %% magic first line, no # faas: ignore).",
            )
    classes = sorted({s.node.name for s in statements if isinstance(s.node, ast.ClassDef)})
    listing = (
        f"Classes in the notebook: {', '.join(classes)}." if classes else "The notebook defines no class."
    )
    raise CaptureError(
        f"Class {name} not found. {listing}", fix="Give the name of a class defined in a code cell (--class)."
    )


def _methods(class_stmt: Statement, pieces: list[Piece]) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    node = class_stmt.node
    assert isinstance(node, ast.ClassDef)
    classes = {
        p.statement.node.name: p.statement for p in pieces if isinstance(p.statement.node, ast.ClassDef)
    }
    methods: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    for base in node.bases:
        if isinstance(base, ast.Name) and base.id in classes and base.id != node.name:
            methods.update(_methods(classes[base.id], pieces))
    for item in node.body:
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
            methods[item.name] = item
    return methods


def _method(class_stmt: Statement, wanted: str | None, pieces: list[Piece]) -> MethodSignature:
    methods = _methods(class_stmt, pieces)
    public = sorted(m for m in methods if not m.startswith("_") or m == "__call__")
    name = wanted or next((m for m in DEFAULT_METHODS if m in methods), None)
    node = class_stmt.node
    assert isinstance(node, ast.ClassDef)
    if name is None or name not in methods:
        listing = ", ".join(public) or "none"
        what = f"no method {name}" if name else "neither predict nor __call__"
        raise CaptureError(
            f"Class {node.name} has {what}. Its methods: {listing}.",
            fix="Name the method to call with --method.",
        )
    fn = methods[name]
    args = fn.args
    positional = [a.arg for a in args.posonlyargs + args.args]
    if not any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in fn.decorator_list):
        positional = positional[1:]  # self / cls
    defaults = len(args.defaults)
    required = positional[: len(positional) - defaults] if defaults else positional
    kwonly = [a.arg for a in args.kwonlyargs]
    kw_required = [a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is None]
    return MethodSignature(
        name=name,
        params=tuple(positional + kwonly),
        required=tuple(required + kw_required),
        var_keyword=args.kwarg is not None,
        is_async=isinstance(fn, ast.AsyncFunctionDef),
    )


def _check_constructor(class_stmt: Statement) -> None:
    node = class_stmt.node
    assert isinstance(node, ast.ClassDef)
    init = next((i for i in node.body if isinstance(i, ast.FunctionDef) and i.name == "__init__"), None)
    required: list[str] = []
    if init is not None:
        args = init.args
        positional = [a.arg for a in args.posonlyargs + args.args][1:]
        required = positional[: len(positional) - len(args.defaults)]
        required += [a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is None]
    elif any("dataclass" in ast.unparse(d) for d in node.decorator_list):  # fields without defaults
        required = [
            item.target.id
            for item in node.body
            if isinstance(item, ast.AnnAssign)
            and isinstance(item.target, ast.Name)
            and item.value is None
            and "ClassVar" not in ast.unparse(item.annotation)
        ]
    if required:
        raise CaptureError(
            f"{node.name}() needs arguments ({', '.join(required)}), but the action creates one instance "
            "with none when it starts.",
            fix=f"Give {', '.join(required)} default values in {node.name}.__init__.",
        )
