"""Codegen: golden __main__.py for every fixture notebook, and the behaviour of the generated main().

Golden files live in tests/fixtures/<case>/__main__.py.expected; regenerate with UPDATE_GOLDEN=1 and read
the diff before committing it.
"""

from __future__ import annotations

import io
import json
import runpy
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from jupyter_faas.build.capture import Cell, capture_from_cells, capture_from_notebook
from jupyter_faas.build.codegen import CodegenOptions, generate
from jupyter_faas.errors import CaptureError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
import cases


def _generate(case: str) -> str:
    spec = cases.load(case)
    capture = capture_from_notebook(cases.HERE / case / "notebook.ipynb", spec["class"])
    return generate(capture, CodegenOptions(timings=spec["options"].get("timings", False)))


@pytest.mark.parametrize("case", cases.CASES)
def test_generated_main_matches_golden_file(case: str) -> None:
    text = _generate(case)
    path = cases.golden(case)
    if cases.UPDATE or not path.exists():
        path.write_text(text)
        if not cases.UPDATE:
            pytest.fail(f"wrote missing golden file {path}: review it and run again")
    assert text == path.read_text(), f"{case}: generated code differs from {path} (UPDATE_GOLDEN=1 to accept)"


@pytest.mark.parametrize("case", cases.CASES)
def test_generated_main_compiles_and_is_deterministic(case: str) -> None:
    text = _generate(case)
    compile(text, "__main__.py", "exec")
    assert _generate(case) == text


def _module(tmp_path: Path, cells: list[str], class_name: str, **options: Any) -> dict[str, Any]:
    capture = capture_from_cells([Cell(s, f"c{i}", i) for i, s in enumerate(cells)], class_name)
    path = tmp_path / "__main__.py"
    path.write_text(generate(capture, CodegenOptions(**options)))
    return runpy.run_path(str(path), run_name="action")


CONVERTER = [
    "import numpy as np\nfrom PIL import Image",
    "class Model:\n"
    "    def predict(self, kind):\n"
    "        if kind == 'numpy':\n"
    "            array = np.arange(3, dtype=np.float32)\n"
    "            return {'array': array, 'scalar': np.int64(7), 'flag': np.bool_(True)}\n"
    "        if kind == 'tuple':\n"
    "            return (1, (2, 3), {'x': (4,)})\n"
    "        if kind == 'image':\n"
    "            return {'image': Image.new('RGB', (2, 1), (255, 0, 0))}\n"
    "        if kind == 'bytes':\n"
    "            return {'raw': b'\\x00\\xff'}\n"
    "        if kind == 'scalar':\n"
    "            return 42\n"
    "        raise ValueError(f'unknown kind {kind}')",
]


def test_main_converts_numpy_tuples_images_and_bytes_to_json(tmp_path: Path) -> None:
    main = _module(tmp_path, CONVERTER, "Model")["main"]
    numpy_result = main({"kind": "numpy"})
    assert numpy_result == {"array": [0.0, 1.0, 2.0], "scalar": 7, "flag": True}
    assert type(numpy_result["scalar"]) is int
    assert main({"kind": "tuple"}) == [1, [2, 3], {"x": [4]}]
    image = main({"kind": "image"})["image"]
    assert image.startswith("data:image/png;base64,")
    import base64

    decoded = Image.open(io.BytesIO(base64.b64decode(image.split(",", 1)[1])))
    assert decoded.size == (2, 1) and decoded.getpixel((0, 0)) == (255, 0, 0)
    assert main({"kind": "bytes"}) == {"raw": "AP8="}
    assert main({"kind": "scalar"}) == {"result": 42}
    json.dumps([main({"kind": k}) for k in ("numpy", "tuple", "image", "bytes")])  # all JSON


def test_main_turns_an_exception_into_error_with_traceback_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main = _module(tmp_path, CONVERTER, "Model")["main"]
    assert main({"kind": "nope"}) == {"error": "ValueError: unknown kind nope"}
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "raise ValueError" in err


def test_main_checks_parameters_before_calling(tmp_path: Path) -> None:
    main = _module(tmp_path, CONVERTER, "Model")["main"]
    assert main({}) == {"error": "predict() takes kind: missing kind"}
    assert main({"kind": "tuple", "extra": 1}) == {"error": "predict() takes kind: unexpected extra"}
    assert main({"kind": "scalar", "__ow_method": "post"}) == {"result": 42}  # web-action fields dropped


def test_instance_is_created_once_at_import(tmp_path: Path) -> None:
    cells = [
        "class Counter:\n"
        "    created = 0\n"
        "    def __init__(self):\n"
        "        Counter.created += 1\n"
        "        self.calls = 0\n"
        "    def predict(self):\n"
        "        self.calls += 1\n"
        "        return {'created': Counter.created, 'calls': self.calls}"
    ]
    module = _module(tmp_path, cells, "Counter")
    assert module["Counter"].created == 1  # at import, before any activation
    assert [module["main"]({})["calls"] for _ in range(3)] == [1, 2, 3]
    assert module["main"]({})["created"] == 1


def test_a_single_args_parameter_receives_the_whole_dict(tmp_path: Path) -> None:
    cells = ["class Echo:\n    def predict(self, args):\n        return {'got': sorted(args)}"]
    main = _module(tmp_path, cells, "Echo")["main"]
    assert main({"b": 1, "a": 2}) == {"got": ["a", "b"]}


def test_timings_are_added_when_asked(tmp_path: Path) -> None:
    cells = [
        "class Slow:\n"
        "    def __init__(self):\n"
        "        self.timings = {}\n"
        "    def predict(self, n=1):\n"
        "        self.timings['stage_ms'] = n\n"
        "        return {'n': n}"
    ]
    with_timings = _module(tmp_path, cells, "Slow", timings=True)["main"]({"n": 5})
    assert with_timings["n"] == 5
    assert set(with_timings["timings"]) == {"load_ms", "call_ms", "to_json_ms", "stage_ms"}
    assert with_timings["timings"]["stage_ms"] == 5
    assert "timings" not in _module(tmp_path, cells, "Slow")["main"]({"n": 5})


def test_captured_code_may_not_define_the_entry_point_names(tmp_path: Path) -> None:
    cells = ["def main(args):\n    return args", "class A:\n    def predict(self):\n        return main({})"]
    capture = capture_from_cells([Cell(s, f"c{i}", i) for i, s in enumerate(cells)], "A")
    with pytest.raises(CaptureError, match="defines main"):
        generate(capture)


def test_numpy_result_types_survive_json(tmp_path: Path) -> None:
    main = _module(tmp_path, CONVERTER, "Model")["main"]
    assert json.loads(json.dumps(main({"kind": "numpy"}))) == {
        "array": [0.0, 1.0, 2.0],
        "scalar": 7,
        "flag": True,
    }
    assert np.float32(1.5).tolist() == 1.5  # the conversion relies on tolist()


def test_an_async_method_is_run_to_completion(tmp_path: Path) -> None:
    cells = [
        "import asyncio",
        "class Waiter:\n"
        "    async def predict(self, n=1):\n"
        "        await asyncio.sleep(0)\n"
        "        return {'n': n}",
    ]
    assert _module(tmp_path, cells, "Waiter")["main"]({"n": 3}) == {"n": 3}
