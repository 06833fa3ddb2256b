"""The notebook as the sidebar sends it: its path and current cells -> ``Cell`` records and its classes.

The front end sends the cells of the open notebook (unsaved edits count), never a file to read. This module
checks that payload, turns it into capture's ``Cell`` list, resolves the notebook's folder under the
server's root (a path outside the root is refused), and lists the top-level classes with their methods, for
the sidebar's class list and its "deploy the class under the cursor" command. It does not capture or build
(``jupyter_faas.build.capture``, ``jupyter_faas.build``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ..build.capture import Cell
from ..build.capture.cells import clean_cell
from ..errors import FaasError

__all__ = ["NotebookPayload", "list_classes", "parse_notebook"]

_DEFAULT_METHODS = ("predict", "__call__")


@dataclass(frozen=True)
class NotebookPayload:
    """A notebook as sent by the sidebar: path relative to the server root, and its code cells."""

    path: str
    cells: list[Cell]
    base_dir: Path  # the notebook's folder, inside the server's root


def _bad(message: str) -> FaasError:
    return FaasError(
        message, fix="Reload the page so the sidebar and the server extension match.", status=400
    )


def parse_notebook(body: Any, root_dir: Path) -> NotebookPayload:
    """Check ``{"path": str, "cells": [{"id", "source", "cell_type"}]}`` and resolve the notebook's folder."""
    if not isinstance(body, dict):
        raise _bad("The request body must be a JSON object with 'path' and 'cells'.")
    path = body.get("path", "")
    cells = body.get("cells")
    if not isinstance(path, str) or not isinstance(cells, list):
        raise _bad("'path' must be a string and 'cells' a list of cells.")
    root = root_dir.resolve()
    parts = PurePosixPath(path).parent
    base = (root / parts).resolve()
    if base != root and root not in base.parents:
        raise FaasError(
            f"The notebook path {path!r} is outside the server's root folder.",
            fix="Open a notebook inside the folder Jupyter was started in.",
            status=403,
        )
    out: list[Cell] = []
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict) or not isinstance(cell.get("source", ""), str):
            raise _bad(f"Cell {index + 1} must be an object with a string 'source'.")
        if cell.get("cell_type", "code") != "code":
            continue
        cell_id = str(cell.get("id") or f"cell-{index + 1}")
        out.append(Cell(source=str(cell.get("source", "")), id=cell_id, index=index))
    return NotebookPayload(path=path, cells=out, base_dir=base)


def _params(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    args = fn.args
    names = [a.arg for a in args.posonlyargs + args.args]
    if not any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in fn.decorator_list):
        names = names[1:]
    return names + [a.arg for a in args.kwonlyargs]


def _describe(node: ast.ClassDef, cell: Cell) -> dict[str, Any]:
    methods = {
        item.name: item for item in node.body if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    public = [m for m in methods if not m.startswith("_") or m == "__call__"]
    default = next((m for m in _DEFAULT_METHODS if m in methods), None)
    return {
        "name": node.name,
        "cellId": cell.id,
        "cellIndex": cell.index,
        "line": node.lineno,
        "endLine": node.end_lineno or node.lineno,
        "methods": public,
        "method": default,
        "params": _params(methods[default]) if default else [],
        "doc": (ast.get_docstring(node) or "").split("\n\n")[0],
    }


def list_classes(cells: list[Cell]) -> list[dict[str, Any]]:
    """Top-level classes of ``cells`` (the last definition of a name wins), in notebook order.

    A cell that capture would skip (a ``%%`` magic cell, ``# faas: ignore``) or that does not parse
    contributes nothing, exactly as it contributes nothing to a build.
    """
    found: dict[str, dict[str, Any]] = {}
    for cell in cells:
        clean = clean_cell(cell)
        if clean.skipped or clean.syntax_error:
            continue
        try:
            tree = ast.parse(clean.python)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                found.pop(node.name, None)
                found[node.name] = _describe(node, cell)
    return list(found.values())
