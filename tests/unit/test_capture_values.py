"""Data captured as data (issue 12, point 2): names filled in loops, appended to, updated, or computed from
training variables reach the action with the kernel's values, and the action answers what the kernel does.

The cells are executed for real in a namespace (a stand-in for the kernel's ``user_ns``); the generated
``__main__.py`` is pinned by a golden file (``UPDATE_GOLDEN=1`` rewrites it) and run with ``runpy`` in a
folder holding the bundled files, as the action folder would.
"""

from __future__ import annotations

import os
import runpy
import shutil
from pathlib import Path
from typing import Any

import pytest

from jupyter_faas.build.capture import Capture, Cell, capture_from_cells
from jupyter_faas.build.codegen import generate

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "kernel_values" / "__main__.py.expected"
CELLS = [
    "import numpy as np\n\n"
    "train = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0])\n"
    "names = ['setosa', 'versicolor', 'virginica']\n"
    "words = ['petal', 'sepal', 'stem']",
    "SPECIES = {}\nfor i, name in enumerate(names):\n    SPECIES[i] = name.title()",
    "EDGES = []\nfor q in (0.25, 0.5, 0.75):\n    EDGES.append(np.quantile(train, q))",
    "KNOWN = set()\nKNOWN.update(w.upper() for w in words)\n"
    "CENTRED = train - train.mean()\nSCALE = float(train.std())",
    "LIMIT = 3  # a literal: stays code",
    "class Bucketer:\n"
    "    def predict(self, x: float, label: int = 0, word: str = 'PETAL'):\n"
    "        bucket = sum(1 for edge in EDGES if x > edge)\n"
    "        return {'bucket': min(bucket, LIMIT), 'species': SPECIES[label], 'known': word in KNOWN,\n"
    "                'z': round((x - float(CENTRED[0] + train_mean())) / SCALE, 6)}\n",
    "def train_mean():\n    return 3.9",
]
CALLS = [{"x": 4.5}, {"x": 0.5, "label": 2, "word": "STEM"}, {"x": 9.5, "label": 1, "word": "leaf"}]


def _cells() -> list[Cell]:
    return [Cell(source, f"cell-{i}", i) for i, source in enumerate(CELLS)]


def _kernel(cells: list[str] = CELLS) -> dict[str, Any]:
    """The cells run for real, in order: the namespace a kernel would have."""
    namespace: dict[str, Any] = {}
    for source in cells:
        exec(source, namespace)
    return namespace


def _run_action(capture: Capture, folder: Path, args: dict[str, Any]) -> Any:
    folder.mkdir(exist_ok=True)
    for item in capture.files:
        (folder / item.arcname).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(item.path, folder / item.arcname)
    (folder / "main__.py").write_text(generate(capture))
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        return runpy.run_path(str(folder / "main__.py"))["main"](dict(args))
    finally:
        os.chdir(cwd)


def test_from_a_kernel_the_values_are_the_kernels_and_the_code_says_so(tmp_path: Path) -> None:
    kernel = _kernel()
    capture = capture_from_cells(_cells(), "Bucketer", base_dir=tmp_path, namespace=kernel)
    text = generate(capture)
    if os.environ.get("UPDATE_GOLDEN") or not GOLDEN.exists():
        GOLDEN.write_text(text)
    assert text == GOLDEN.read_text()
    expected = [kernel["Bucketer"]().predict(**args) for args in CALLS]
    assert [_run_action(capture, tmp_path / "action", a) for a in CALLS] == expected
    taken = {p.value.name for p in capture.pieces if p.value is not None}
    assert taken == {"SPECIES", "EDGES", "KNOWN", "CENTRED", "SCALE"}
    assert "train = " not in text and "for q in" not in text  # no training data, no loops re-run
    report = capture.report()
    assert "Taken from the kernel as values: " in report and "EDGES" in report
    assert [f.arcname for f in capture.files] == ["kernel_values/CENTRED.npy"]


def test_from_a_notebook_file_the_changing_statements_are_code(tmp_path: Path) -> None:
    capture = capture_from_cells(_cells(), "Bucketer", base_dir=tmp_path)
    text = generate(capture)
    assert "for i, name in enumerate(names):" in text and "KNOWN.update(" in text and "EDGES.append(" in text
    kernel = _kernel()
    expected = [kernel["Bucketer"]().predict(**args) for args in CALLS]
    assert [_run_action(capture, tmp_path / "action", a) for a in CALLS] == expected
    assert "Changed after their definition, included as code: EDGES, KNOWN, SPECIES" in capture.report()


@pytest.mark.parametrize(
    "filling",
    [
        "TABLE[key] = 1",
        "TABLE.setdefault(key, 1)",
        "TABLE.update({key: 1})",
        "[TABLE.__setitem__(k, 1) for k in [key]]",
    ],
)
def test_every_way_of_filling_a_table_is_seen(filling: str, tmp_path: Path) -> None:
    cells = [
        "TABLE = {}\nkey = 'a'",
        f"if True:\n    {filling}",
        "class T:\n    def predict(self):\n        return {'t': TABLE}\n",
    ]
    namespace = _kernel(cells)
    as_cells = [Cell(s, f"c{i}", i) for i, s in enumerate(cells)]
    for kernel in (namespace, None):
        capture = capture_from_cells(as_cells, "T", base_dir=tmp_path, namespace=kernel)
        assert _run_action(capture, tmp_path / f"a{kernel is None}", {}) == {"t": {"a": 1}}


def test_a_value_that_is_no_plain_data_is_code_with_a_note(tmp_path: Path) -> None:
    cells = [
        "class Box:\n    def __init__(self):\n        self.items = []",
        "BOX = Box()\nBOX.items.append(3)",
        "class Reader:\n    def predict(self):\n        return {'n': len(BOX.items)}\n",
    ]
    namespace = _kernel(cells)
    capture = capture_from_cells(
        [Cell(s, f"c{i}", i) for i, s in enumerate(cells)], "Reader", namespace=namespace
    )
    assert any(
        "BOX is changed after its definition" in n and "not plain data (Box)" in n for n in capture.notes
    )
    assert _run_action(capture, tmp_path / "action", {}) == {"n": 1}


def test_literals_are_exact_readable_and_independent_of_hashing() -> None:
    import ast

    import numpy as np

    from jupyter_faas.build.capture import values

    value = {
        "rows": [{"id": i, "tags": {f"t{j}" for j in range(i % 4)}, "w": i / 7} for i in range(30)],
        "pair": (1,),
        "empty": set(),
        "bytes": b"\x00\xff",
        "np": np.float64(2.5),
        "deep": [[[[1, [2, (3, None, True)]]]]],
    }
    text = values._literal(value)
    assert text is not None and ast.literal_eval(text) == values._python(value)
    assert all(len(line) <= 110 for line in text.splitlines()) and text.count("\n") > 30
    assert values._literal({"t": {"b", "a", "c"}}) == "{'t': {'a', 'b', 'c'}}"
    for bad in (float("nan"), [float("inf")], {1: object()}, frozenset({1})):
        assert not values.is_plain(bad)


def test_a_value_filled_from_training_objects_stops_the_capture_with_the_fix(tmp_path: Path) -> None:
    from jupyter_faas.errors import CaptureError

    cells = [
        "class Frame:\n    def __init__(self, rows):\n        self.rows = rows",
        "train = Frame([('a', 1), ('b', 2)])",
        "class Counter:\n    def __init__(self):\n        self.seen = []",
        "COUNTS = Counter()\nfor key, n in train.rows:\n    COUNTS.seen.append(key)",
        "class Reader:\n    def predict(self):\n        return {'n': len(COUNTS.seen)}\n",
    ]
    namespace = _kernel(cells)
    as_cells = [Cell(s, f"c{i}", i) for i, s in enumerate(cells)]
    with pytest.raises(CaptureError) as info:
        capture_from_cells(as_cells, "Reader", namespace=namespace)
    assert info.value.message.startswith("COUNTS is changed at cell 4 (id c3), line 2 from train")
    assert "plain data" in (info.value.fix or "")
