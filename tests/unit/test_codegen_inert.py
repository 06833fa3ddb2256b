"""Inert generated code (issue 11, point 6): crafted cell ids and notebook file names never become code.

Each hostile label is used for the cells and the notebook's file name; the generated ``__main__.py`` must
parse, and its statements must be exactly those generated with harmless labels: comments and docstrings
change, code does not.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

from jupyter_faas.build.capture import Cell, capture_from_cells, capture_from_notebook
from jupyter_faas.build.codegen import generate
from jupyter_faas.inert import text as inert

HOSTILE = [
    'x\nimport os; os.system("echo pwned")',
    '"""\nimport os\n"""',
    "'''\nimport os\n'''",
    '\r__import__("os").system("echo pwned")',
    "\u2028print('pwned')\u2029",
    "trailing backslash \\",
    "In[1]\nx = 1",
    "In[x]",
    '\\"""\nprint(1)\n#',
    "\x00\x0b\x0c\x1b[31m",
    "é" * 100 + '"""',
]
CELLS = [
    "import json\nLIMIT = 3",
    "def clip(x):\n    return min(x, LIMIT)",
    "class Clipper:\n    def predict(self, x):\n        return {'y': clip(x), 's': json.dumps(x)}",
]


def _statements(source: str) -> list[str]:
    """The module's statements, docstrings left out: what runs."""
    tree = ast.parse(source)
    body = tree.body[1:] if isinstance(tree.body[0], ast.Expr) else tree.body
    return [ast.dump(node) for node in body]


def _cells(label: str) -> list[Cell]:
    return [Cell(source=src, id=f"{label}{i}", index=i) for i, src in enumerate(CELLS)]


BENIGN = _statements(generate(capture_from_cells(_cells("cell"), "Clipper", base_dir=Path("."))))


@pytest.mark.parametrize("label", HOSTILE)
def test_hostile_cell_ids_only_change_comments(label: str) -> None:
    text = generate(capture_from_cells(_cells(label), "Clipper", base_dir=Path(".")))
    assert _statements(text) == BENIGN
    assert "pwned" not in "".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


@pytest.mark.parametrize("label", [h for h in HOSTILE if "\x00" not in h and "/" not in h])
def test_hostile_notebook_file_names_only_change_the_docstring(label: str, tmp_path: Path) -> None:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for src in CELLS])
    path = tmp_path / f"{label}.ipynb"
    nbformat.write(notebook, str(path))
    text = generate(capture_from_notebook(path, "Clipper"))
    assert _statements(text) == BENIGN
    docstring = ast.get_docstring(ast.parse(text)) or ""
    assert "from " in docstring and ".ipynb" in docstring


def test_inert_text_is_one_printable_ascii_line_without_quotes_or_backslashes_of_its_own() -> None:
    for label in HOSTILE:
        out = inert(label)
        assert out.isascii() and out.isprintable() and "\n" not in out
        assert '"' not in out.replace('\\"', "")  # every quote is escaped
        assert not out.endswith("\\") or out.endswith("\\\\")
    assert inert("a" * 500).endswith("...") and len(inert("a" * 500)) == 123
