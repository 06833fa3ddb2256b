"""Cells: what capture reads, from a notebook file or from a live kernel.

Owns the ``Cell`` record, the rules for what part of a cell is Python (IPython magics, ``!`` shell lines
and cells marked ``# faas: ignore`` are skipped), reading cells from an ``.ipynb`` file (nbformat), and
``Kernel``: what a live kernel gives capture (the cells it ran and its namespace). It does not analyse the
code (``statements.py``) nor decide what to capture (``closure.py``). It never sees a shell: the magics
read theirs into a ``Kernel`` (``Kernel.from_history``).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import CaptureError

__all__ = [
    "Cell",
    "CleanCell",
    "Kernel",
    "cells_from_notebook",
    "clean_cell",
]

DEPLOY_MAGIC = "%%faas_deploy"  # a cell magic whose body is the class: captured as Python
IGNORE_MARK = re.compile(r"^\s*#\s*faas:\s*ignore\b", re.MULTILINE)
# A line that is IPython syntax rather than Python: %magic, !shell, `x = !cmd`, `x = %magic`, `obj?`.
_MAGIC_LINE = re.compile(
    r"^(?P<indent>\s*)(?:[%!]|[A-Za-z_][\w.,\s\[\]]*=\s*[%!]|[A-Za-z_][\w.]*\?\??\s*$)",
)


@dataclass(frozen=True)
class Cell:
    """One code cell as executed: its source, a stable id and its position (execution order)."""

    source: str
    id: str
    index: int

    @property
    def label(self) -> str:
        """How messages name this cell: "cell 3 (id ab12cd)", "In[7]", or "the kernel" (values taken from
        the live namespace)."""
        if self.index < 0:
            return "the kernel"
        if self.id.endswith(".py"):  # a module given as the source (``capture_from_module``)
            return self.id
        if self.id.startswith("In["):
            return self.id
        return f"cell {self.index + 1} (id {self.id})"


@dataclass(frozen=True)
class CleanCell:
    """A cell after removing what is not Python. ``skipped`` says why a whole cell was left out."""

    cell: Cell
    python: str  # same line numbers as the original; IPython-only lines become `pass`
    skipped: str | None = None  # "a %%time cell", "marked # faas: ignore"
    syntax_error: SyntaxError | None = None


def clean_cell(cell: Cell) -> CleanCell:
    """Strip IPython syntax from ``cell``: the result parses as Python, or carries its SyntaxError."""
    source = cell.source
    first = next((line.strip() for line in source.splitlines() if line.strip()), "")
    if first.startswith("%%"):
        magic = first.split()[0]
        if magic != DEPLOY_MAGIC:
            return CleanCell(cell, "", skipped=f"a {magic} cell")
        # %%faas_deploy runs its body as Python: the body is the cell's code (the magic line left blank,
        # so line numbers stay those of the cell).
        lines = source.split("\n")
        lines[next(i for i, line in enumerate(lines) if line.strip())] = ""
        source = "\n".join(lines)
    if IGNORE_MARK.search(source):
        return CleanCell(cell, "", skipped="marked # faas: ignore")
    try:
        ast.parse(source)
        return CleanCell(cell, source)
    except SyntaxError:
        pass
    lines = []
    for line in source.splitlines():
        match = _MAGIC_LINE.match(line)
        lines.append(f"{match.group('indent')}pass" if match else line)
    python = "\n".join(lines) + "\n"
    try:
        ast.parse(python)
    except SyntaxError as exc:
        return CleanCell(cell, python, syntax_error=exc)
    return CleanCell(cell, python)


def cells_from_notebook(path: str | Path) -> list[Cell]:
    """The code cells of an ``.ipynb`` file, in order (the order a "Run all" executes them)."""
    import nbformat

    path = Path(path)
    if not path.is_file():
        raise CaptureError(f"Notebook {path} does not exist.", fix="Check the path of the .ipynb file.")
    try:
        notebook = nbformat.read(str(path), as_version=4)  # type: ignore[no-untyped-call]
    except Exception as exc:  # nbformat raises several unrelated types for a bad file
        raise CaptureError(
            f"{path} is not a readable notebook: {exc}", fix="Open and save it in Jupyter, then retry."
        ) from exc
    cells = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        cell_id = str(cell.get("id") or f"cell-{index + 1}")
        cells.append(Cell(source=str(cell.source), id=cell_id, index=index))
    return cells


@dataclass(frozen=True)
class Kernel:
    """A live kernel as capture reads it: the cells it executed (in order) and its namespace, whose values
    stand in for names no cell defines (``%run``, ``exec``) and tell what changed after a cell ran."""

    cells: list[Cell]
    namespace: dict[str, Any]

    @classmethod
    def from_history(cls, inputs: Sequence[str], namespace: dict[str, Any]) -> Kernel:
        """From IPython's raw input history (``In``: entry 0 is empty, entry n is ``In[n]``)."""
        cells = [Cell(source=str(src), id=f"In[{n}]", index=n) for n, src in enumerate(inputs) if n and src]
        return cls(cells, namespace)
