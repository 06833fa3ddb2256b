"""Local test: each fixture's package runs in the isolated runtime (real processes, the kind's own venv),
and deleting one needed line makes the build or the local test fail with the message a cluster would give.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

from jupyter_faas.build.local_test import local_test
from jupyter_faas.errors import ActionError, CaptureError, FaasError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
import cases

os.environ.setdefault(
    "JUPYTER_FAAS_CACHE", str(Path(__file__).resolve().parents[2] / ".cache" / "jupyter-faas")
)

ALL = [c if c in cases.FAST_CASES else pytest.param(c, marks=pytest.mark.slow) for c in cases.CASES]
BREAKS = [
    pytest.param(case, brk, id=f"{case}-{i}", marks=[] if case in cases.FAST_CASES else [pytest.mark.slow])
    for case in cases.CASES
    for i, brk in enumerate(cases.load(case)["breaks"])
]


@pytest.mark.parametrize("case", ALL)
def test_fixture_package_passes_its_local_test(case: str, tmp_path: Path) -> None:
    spec = cases.load(case)
    result = cases.build_case(case, tmp_path / "out")
    report = local_test(result.package, name=result.name, args=spec["test_args"], warm=2)
    assert report.ok, report.describe()
    assert [r.cold for r in report.runs] == [True, False, False]
    assert report.runs[0].init_ms is not None and all(r.init_ms is None for r in report.runs[1:])
    for run in report.runs:
        for key, value in spec["expect"].items():
            assert run.result[key] == value, (key, run.result)
    if case == "thumbnailer":
        assert result.package.plan.choice == "virtualenv"
        assert report.result["thumbnail"].startswith("data:image/png;base64,")
    if spec["options"].get("timings"):
        assert {"load_ms", "call_ms", "to_json_ms"} <= set(report.result["timings"])


@pytest.mark.parametrize(("case", "brk"), BREAKS)
def test_deleting_a_needed_line_fails_with_the_right_message(
    case: str, brk: dict[str, Any], tmp_path: Path
) -> None:
    spec = cases.load(case)
    folder, overrides = cases.broken_copy(case, brk, tmp_path)
    with pytest.raises(FaasError) as info:
        result = cases.build_case(case, tmp_path / "out", folder, **overrides)
        local_test(result.package, name=result.name, args=spec["test_args"], warm=0)
    error = info.value
    assert brk["message"] in str(error), str(error)
    if brk["stage"] == "capture":
        assert isinstance(error, CaptureError)
    else:
        assert isinstance(error, ActionError)
        assert error.fix and "Read the logs" not in error.fix, error.fix  # a specific fix, not a shrug
    assert error.fix


def test_a_module_the_kernel_has_is_not_visible_to_the_action(tmp_path: Path) -> None:
    """Isolation: tqdm is installed here, but an action that imports it by name without bundling fails."""
    from jupyter_faas.build import BuildOptions, build
    from jupyter_faas.build.capture import Cell

    cells = [
        "import importlib",
        "class Probe:\n    def predict(self):\n        return {'m': importlib.import_module('tqdm')}",
    ]
    result = build([Cell(s, f"c{i}", i) for i, s in enumerate(cells)], BuildOptions("Probe", output=tmp_path))
    with pytest.raises(ActionError) as info:
        local_test(result.package, name=result.name, args={}, warm=0)
    assert "No module named 'tqdm'" in str(info.value)
    assert "--requirements" in (info.value.fix or "")


def test_smoke_test_without_arguments_checks_that_the_action_starts(tmp_path: Path) -> None:
    result = cases.build_case("word_stats", tmp_path / "out")
    report = local_test(result.package, name=result.name, args=None)
    assert report.ok and report.smoke and len(report.runs) == 1
    assert report.runs[0].status_code == 1  # predict() needs `text`: the call fails, the start worked
    assert "give --test-args" in report.describe()


def _photo_base64(max_side: int = 320) -> str:
    import base64
    import io

    from PIL import Image

    photo = Image.open(cases.HERE.parents[1] / "samples" / "photos" / "astronaut.png").convert("RGB")
    photo.thumbnail((max_side, max_side))
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG", quality=90)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


@pytest.mark.slow
def test_reference_notebook_plans_an_image_and_runs_in_it(tmp_path: Path) -> None:
    """The smart body crop: numpy + Pillow + ai-edge-litert do not fit 48 MB with the models, so the
    planner chooses an image (blackbox, generated Dockerfile) and the local test runs in that image."""
    from jupyter_faas.build import BuildOptions, build
    from jupyter_faas.contract import MAX_CODE_BYTES, base64_size

    path = cases.reference_notebook(tmp_path / "ref")
    if path is None:
        pytest.skip("mediapipe (where the model files come from) is not installed: run `make install`")
    result = build(path, BuildOptions("SmartBodyCrop", output=tmp_path / "out"))
    package, plan = result.package, result.package.plan
    assert (plan.choice, package.kind) == ("image", "blackbox")
    assert base64_size(plan.estimate_bytes) > MAX_CODE_BYTES >= base64_size(package.size)
    assert plan.deps_bytes > 0 and all(n in plan.reason for n in ("numpy", "pillow", "ai_edge_litert"))
    assert package.entries == [
        "__main__.py",
        "image_input.py",
        "models/pose_detection.tflite",
        "models/pose_landmark_full.tflite",
        "pose_model.py",
    ]
    assert package.image_dir is not None
    requirements = (package.image_dir / "requirements.txt").read_text().splitlines()
    assert [line.split("==")[0] for line in requirements] == ["ai-edge-litert", "numpy", "pillow"]

    args = {"image": _photo_base64(), "upper": "eyes", "lower": "hips"}
    report = local_test(package, name=result.name, args=args, warm=1, memory_mb=512)
    assert report.ok, report.describe()
    crop = report.result
    assert crop["w"] > 0 and crop["h"] > 0 and {"left_eye", "right_hip"} <= set(crop["keypoints"])
    assert report.runs[1].result["x"] == crop["x"]  # warm: same answer, models not reloaded
    assert report.runs[1].result["timings_ms"]["model_load"] == 0


def test_default_parameters_are_merged_under_the_test_arguments(tmp_path: Path) -> None:
    result = cases.build_case("word_stats", tmp_path / "out")
    report = local_test(
        result.package, name=result.name, args={"text": "one two two"}, params={"top": 1}, warm=0
    )
    assert report.result["top"] == [["two", 2]]  # top=1 from the defaults
    report = local_test(
        result.package, name=result.name, args={"text": "one two two", "top": 2}, params={"top": 1}, warm=0
    )
    assert report.result["top"] == [["two", 2], ["one", 1]]  # the invocation's value wins
