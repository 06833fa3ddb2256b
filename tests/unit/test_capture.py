"""Capture: the closure of a class across cells, what is skipped, and a clear error for each bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
import pytest

from jupyter_faas.build.capture import (
    Capture,
    Cell,
    Kernel,
    capture_from_cells,
    capture_from_kernel,
    capture_from_notebook,
)
from jupyter_faas.build.capture.cells import clean_cell
from jupyter_faas.errors import CaptureError


def cap(cells: list[str], name: str, **options: Any) -> Capture:
    return capture_from_cells([Cell(s, f"id{i}", i) for i, s in enumerate(cells)], name, **options)


def sources(capture: Capture) -> list[str]:
    return [p.source for p in capture.pieces]


def test_closure_follows_functions_classes_and_constants_transitively() -> None:
    capture = cap(
        [
            "import math\nimport os, sys",
            "UNUSED = 1\nFACTOR = 2",
            "def scale(x):\n    return x * FACTOR",
            "def area(r):\n    return math.pi * scale(r)",
            "class Model:\n    def predict(self, r):\n        return area(r)",
        ],
        "Model",
    )
    assert sources(capture) == [
        "import math",
        "FACTOR = 2",
        "def scale(x):\n    return x * FACTOR",
        "def area(r):\n    return math.pi * scale(r)",
        "class Model:\n    def predict(self, r):\n        return area(r)",
    ]
    assert capture.pieces[1].reason.startswith("FACTOR: used by def scale (cell 3 (id id2)")


def test_latest_definition_wins_and_self_references_chain_to_the_previous_one() -> None:
    capture = cap(
        [
            "def f():\n    return 'old'",
            "SIZE = 10",
            "def f():\n    return 'new'",
            "SIZE = SIZE + 1",
            "class M:\n    def predict(self):\n        return f(), SIZE",
        ],
        "M",
    )
    assert sources(capture) == [
        "SIZE = 10",
        "def f():\n    return 'new'",
        "SIZE = SIZE + 1",
        "class M:\n    def predict(self):\n        return f(), SIZE",
    ]


def test_imports_keep_aliases_and_only_the_names_used() -> None:
    capture = cap(
        [
            "import numpy as np, json\nfrom collections import Counter as Tally, OrderedDict",
            "class M:\n    def predict(self):\n        return Tally(np.arange(2).tolist())",
        ],
        "M",
    )
    assert sources(capture)[:2] == ["import numpy as np", "from collections import Counter as Tally"]
    assert [i.module for i in capture.third_party] == ["numpy"]


def test_eager_reads_are_ordered_before_use_even_when_defined_later() -> None:
    # the decorator and base class come from later cells: the generated file must define them first
    capture = cap(
        [
            "@register\nclass M(Base):\n    def predict(self):\n        return helper()",
            "def helper():\n    return 1",
            "class Base:\n    pass",
            "def register(cls):\n    return cls",
        ],
        "M",
    )
    order = [p.statement.title for p in capture.pieces]
    assert order.index("class Base") < order.index("class M")
    assert order.index("def register") < order.index("class M")
    assert "def helper" in order  # lazily read: anywhere is fine


def test_assignments_into_a_captured_constant_come_with_it() -> None:
    capture = cap(
        [
            "CONFIG = {}",
            "CONFIG['size'] = 224\nCONFIG.update(x=1)",
            "class M:\n    def predict(self):\n        return CONFIG",
        ],
        "M",
    )
    assert sources(capture)[:2] == ["CONFIG = {}", "CONFIG['size'] = 224"]


def test_magics_shell_lines_and_ignored_cells_are_skipped() -> None:
    capture = cap(
        [
            "%matplotlib inline\nimport json\n!ls -l\nfiles = !ls\nt = %time 1\njson?",
            "%%time\nSKIPPED = 1",
            "# faas: ignore\nprint('exploration')",
            "class M:\n    def predict(self):\n        return json.dumps({})",
        ],
        "M",
    )
    assert sources(capture) == [
        "import json",
        "class M:\n    def predict(self):\n        return json.dumps({})",
    ]
    assert capture.skipped == ["cell 2 (id id1) (a %%time cell)", "cell 3 (id id2) (marked # faas: ignore)"]


def test_a_percent_line_inside_a_string_is_kept() -> None:
    clean = clean_cell(Cell('TEXT = """\n%s of\n!important\n"""', "x", 0))
    assert clean.python == 'TEXT = """\n%s of\n!important\n"""'


def test_optional_imports_are_marked() -> None:
    capture = cap(
        [
            "try:\n    from ai_edge_litert.interpreter import Interpreter\nexcept ImportError:\n"
            "    import tensorflow as tf\n    Interpreter = tf.lite.Interpreter",
            "class M:\n    def predict(self):\n        return Interpreter",
        ],
        "M",
    )
    assert {(i.module, i.optional) for i in capture.imports} == {
        ("ai_edge_litert.interpreter", True),
        ("tensorflow", True),
    }


def test_method_defaults_to_predict_then_call_and_reports_parameters() -> None:
    capture = cap(["class M:\n    def __call__(self, a, b=1, *, c, d=2, **rest):\n        pass"], "M")
    method = capture.method
    assert (method.name, method.params, method.required, method.var_keyword) == (
        "__call__",
        ("a", "b", "c", "d"),
        ("a", "c"),
        True,
    )


def test_inherited_methods_of_captured_bases_count() -> None:
    capture = cap(
        ["class Base:\n    def predict(self, x):\n        return x", "class M(Base):\n    pass"], "M"
    )
    assert capture.method.name == "predict" and capture.method.params == ("x",)


def test_error_class_not_found_lists_the_classes() -> None:
    with pytest.raises(CaptureError) as info:
        cap(["class A:\n    pass", "class B:\n    pass"], "Nope")
    assert info.value.message == "Class Nope not found. Classes in the notebook: A, B."
    assert info.value.fix


def test_error_name_defined_nowhere_says_which_and_where() -> None:
    with pytest.raises(CaptureError) as info:
        cap(["class M:\n    def predict(self):\n        return helpr(1)"], "M")
    assert "helpr is used by class M (cell 1 (id id0), line 3) but defined nowhere" in info.value.message


def test_error_method_that_does_not_exist_lists_methods() -> None:
    with pytest.raises(CaptureError) as info:
        cap(
            ["class M:\n    def run(self):\n        pass\n    def _private(self):\n        pass"],
            "M",
            method="go",
        )
    assert info.value.message == "Class M has no method go. Its methods: run."
    with pytest.raises(CaptureError, match="neither predict nor __call__"):
        cap(["class M:\n    def run(self):\n        pass"], "M")


def test_error_syntax_error_in_a_needed_cell() -> None:
    with pytest.raises(CaptureError) as info:
        cap(["def helper(:\n    pass", "class M:\n    def predict(self):\n        return helper()"], "M")
    assert "cell 1 (id id0), which has a syntax error at line 1" in info.value.message
    with pytest.raises(CaptureError, match=r"Class M is in cell 1 .* syntax error"):
        cap(["class M:\n    def predict(self) pass"], "M")


def test_a_syntax_error_in_an_unrelated_cell_is_only_reported() -> None:
    capture = cap(["x = (", "class M:\n    def predict(self):\n        return 1"], "M")
    assert capture.skipped == ["cell 1 (id id0) (syntax error at line 1; not needed)"]


def test_error_class_only_in_a_cell_magic() -> None:
    with pytest.raises(CaptureError) as info:
        cap(["%%time\nclass M:\n    def predict(self):\n        return 1"], "M")
    assert "defined only in cell 1 (id id0), which capture skips (a %%time cell)" in info.value.message


def test_a_faas_deploy_cell_is_captured_as_the_python_it_runs() -> None:
    """%%faas_deploy runs its body as Python, so a notebook file (CLI, sidebar) finds the class there too."""
    capture = cap(
        [
            "SCALE = 2",
            "%%faas_deploy M --name m --test-args '{\"x\": 1}'\nclass M:\n    def predict(self, x):\n"
            "        return {'y': x * SCALE}",
        ],
        "M",
    )
    assert capture.skipped == []
    code = "\n".join(piece.source for piece in capture.pieces)
    assert "class M:" in code and "SCALE = 2" in code and "%%faas_deploy" not in code


def test_error_helper_only_in_an_ignored_cell() -> None:
    with pytest.raises(CaptureError, match=r"helper .* defined only in cell 1 .*# faas: ignore"):
        cap(
            [
                "# faas: ignore\ndef helper():\n    pass",
                "class M:\n    def predict(self):\n        return helper()",
            ],
            "M",
        )


def test_error_ipython_only_names() -> None:
    with pytest.raises(CaptureError, match="display, which exists only inside IPython"):
        cap(["class M:\n    def predict(self):\n        display(1)"], "M")


def test_error_constructor_with_required_arguments() -> None:
    with pytest.raises(CaptureError, match=r"M\(\) needs arguments \(path\)"):
        cap(
            ["class M:\n    def __init__(self, path):\n        pass\n    def predict(self):\n        pass"],
            "M",
        )


def test_error_include_of_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CaptureError, match=r"--include nope\.bin: no such file"):
        cap(["class M:\n    def predict(self):\n        pass"], "M", base_dir=tmp_path, include=["nope.bin"])


def test_local_modules_and_data_files_are_found_beside_the_notebook(tmp_path: Path) -> None:
    (tmp_path / "helpers.py").write_text("import yaml_free_helper_dep\nfrom pkg import sub\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "sub.py").write_text("LABELS = 'labels.txt'\n")
    (tmp_path / "labels.txt").write_text("a\nb\n")
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "m.bin").write_bytes(b"\0")
    (tmp_path / "extra.cfg").write_text("x")
    capture = cap(
        [
            "import helpers",
            "MODEL = 'models/m.bin'\nABSOLUTE = '/etc/hostname'",
            "class M:\n    def predict(self):\n        return helpers, MODEL, ABSOLUTE",
        ],
        "M",
        base_dir=tmp_path,
        include=["extra.cfg"],
    )
    assert [m.arcname for m in capture.modules] == ["helpers.py", "pkg/__init__.py", "pkg/sub.py"]
    assert [f.arcname for f in capture.files] == ["extra.cfg", "labels.txt", "models/m.bin"]
    assert {i.module: i.origin for i in capture.imports}["yaml_free_helper_dep"] == "third-party"
    assert any("/etc/hostname" in n and "absolute path" in n for n in capture.notes)
    assert "Local modules:" in capture.report() and "models/m.bin" in capture.report()


def test_kernel_history_is_captured_with_namespace_fallback_for_names_from_run(tmp_path: Path) -> None:
    import statistics

    kernel = Kernel.from_history(
        [
            "",  # In[0] is always empty
            "%run setup.py",  # defined `stats` and `mean` in the namespace, not in any cell
            "def old():\n    pass",
            "class M:\n    def predict(self, xs):\n        return stats.median(xs), mean(xs)",
            "%load_ext jupyter_faas",
        ],
        {"stats": statistics, "mean": statistics.mean},
    )
    capture = capture_from_kernel(kernel, "M", base_dir=tmp_path)
    assert sorted(sources(capture)[:2]) == ["from statistics import mean", "import statistics as stats"]
    assert capture.pieces[-1].statement.cell.id == "In[3]"
    assert capture.source == "kernel"


def test_notebook_adapter_reads_code_cells_with_their_ids(tmp_path: Path) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# title"),
        nbformat.v4.new_code_cell("X = 1"),
        nbformat.v4.new_code_cell("class M:\n    def predict(self):\n        return X"),
    ]
    notebook.cells[1].id, notebook.cells[2].id = "first", "second"
    path = tmp_path / "n.ipynb"
    nbformat.write(notebook, str(path))
    capture = capture_from_notebook(path, "M")
    assert capture.cell_ids == ["first", "second"]
    assert capture.pieces[0].statement.cell.label == "cell 2 (id first)"
    assert capture.base_dir == tmp_path


def test_notebook_adapter_errors(tmp_path: Path) -> None:
    with pytest.raises(CaptureError, match="does not exist"):
        capture_from_notebook(tmp_path / "missing.ipynb", "M")
    bad = tmp_path / "bad.ipynb"
    bad.write_text(json.dumps({"not": "a notebook"}))
    with pytest.raises(CaptureError, match="not a readable notebook"):
        capture_from_notebook(bad, "M")


def test_imports_of_two_submodules_of_one_package_are_both_kept() -> None:
    capture = cap(
        [
            "import importlib.metadata",
            "import importlib.util",
            "class M:\n    def predict(self):\n"
            "        return importlib.metadata.version('x'), importlib.util.find_spec('y')",
        ],
        "M",
    )
    assert sources(capture)[:2] == ["import importlib.metadata", "import importlib.util"]


def test_future_imports_are_kept_for_the_whole_file() -> None:
    capture = cap(
        ["from __future__ import annotations", "class M:\n    def predict(self) -> int:\n        return 1"],
        "M",
    )
    assert sources(capture)[0] == "from __future__ import annotations"


def test_an_eager_read_sees_the_value_defined_before_it_as_the_live_class_does() -> None:
    # the default r=R was evaluated when the class was defined (R == 2); predict() reads R later (R == 3)
    capture = cap(
        [
            "R = 2",
            "class Circle:\n    def predict(self, r=R):\n        return r, R",
            "R = 3",
        ],
        "Circle",
    )
    assert sources(capture) == [
        "R = 2",
        "class Circle:\n    def predict(self, r=R):\n        return r, R",
        "R = 3",
    ]


def test_two_captured_definitions_of_a_name_keep_their_order() -> None:
    capture = cap(
        [
            "SCALE = make()",  # needs make(), defined later in the notebook
            "class M:\n    size = SCALE\n    def predict(self):\n        return SCALE",
            "SCALE = 10",
            "def make():\n    return 5",
        ],
        "M",
    )
    order = sources(capture)
    assert order.index("SCALE = make()") < order.index("SCALE = 10")
    assert order.index("def make():\n    return 5") < order.index("SCALE = make()")


def test_a_star_import_is_kept_when_a_name_has_no_other_definition() -> None:
    capture = cap(["from math import *", "class M:\n    def predict(self):\n        return sqrt(4)"], "M")
    assert sources(capture)[0] == "from math import *"
    assert capture.pieces[0].reason.startswith("*: used by class M")


def test_error_dataclass_with_fields_without_defaults() -> None:
    cells = [
        "from dataclasses import dataclass\nfrom typing import ClassVar",
        "@dataclass\nclass M:\n    path: str\n    size: int = 3\n    kinds: ClassVar[int]\n"
        "    def predict(self):\n        return self.size",
    ]
    with pytest.raises(CaptureError, match=r"M\(\) needs arguments \(path\)"):
        cap(cells, "M")
