"""Requirements: import names -> distributions pinned to this Python's versions, minus the kind's own."""

from __future__ import annotations

import importlib.metadata as metadata
from pathlib import Path

import pytest

from jupyter_faas.build.capture import ImportRef
from jupyter_faas.build.requirements import resolve_requirements
from jupyter_faas.errors import BuildError


def ref(module: str, origin: str = "third-party", optional: bool = False) -> ImportRef:
    return ImportRef(module, origin, "cell 1 (id a), line 1", optional)


def test_import_names_map_to_distributions_pinned_to_installed_versions() -> None:
    reqs = resolve_requirements([ref("PIL.Image"), ref("numpy"), ref("numpy.linalg")], "python:3.11")
    assert reqs.text() == f"numpy=={metadata.version('numpy')}\npillow=={metadata.version('pillow')}\n"
    assert {r.reason for r in reqs.install} == {
        "import PIL.Image (cell 1 (id a), line 1)",
        "import numpy (cell 1 (id a), line 1)",
    }


def test_opencv_is_always_the_headless_build() -> None:
    pytest.importorskip("cv2")
    reqs = resolve_requirements([ref("cv2")], "python:3.11")
    [req] = reqs.install
    assert req.name == "opencv-python-headless"
    assert req.specifier == "==" + metadata.version(next(iter(metadata.packages_distributions()["cv2"])))


def test_what_the_kind_preinstalls_and_the_standard_library_are_left_out() -> None:
    reqs = resolve_requirements(
        [ref("requests"), ref("dateutil.parser"), ref("json", "stdlib")], "python:3.11"
    )
    assert reqs.install == []
    assert reqs.preinstalled == [
        "python-dateutil (preinstalled in python:3.11)",
        "requests (preinstalled in python:3.11)",
    ]


def test_explicit_requirements_and_files_are_added_and_win(tmp_path: Path) -> None:
    file = tmp_path / "requirements.txt"
    file.write_text("# extra\nscipy>=1.10  # comment\n\n")
    reqs = resolve_requirements([ref("numpy")], "python:3.11", ["numpy==1.26.4", str(file), "rich[jupyter]"])
    assert reqs.text() == "numpy==1.26.4\nrich[jupyter]\nscipy>=1.10\n"


def test_a_module_that_is_not_installed_is_a_clear_error() -> None:
    with pytest.raises(BuildError) as info:
        resolve_requirements([ref("tflite_runtime")], "python:3.11")
    assert (
        info.value.message
        == "Module tflite_runtime (imported at cell 1 (id a), line 1) is not installed in this Python."
    )
    assert "pip install tflite-runtime" in (info.value.fix or "")


def test_an_optional_import_that_is_not_installed_is_skipped() -> None:
    reqs = resolve_requirements(
        [ref("tensorflow", optional=True), ref("numpy", optional=True)], "python:3.11"
    )
    assert [r.name for r in reqs.install] == ["numpy"]
    assert "tensorflow (optional import, not installed)" in reqs.preinstalled


def test_a_missing_requirements_file_and_a_bad_spec_are_errors(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="does not exist"):
        resolve_requirements([], "python:3.11", [str(tmp_path / "nope.txt")])
    with pytest.raises(BuildError, match="is not a requirement"):
        resolve_requirements([], "python:3.11", ["-e ."])


def test_the_hash_changes_with_kind_and_content() -> None:
    a = resolve_requirements([ref("numpy")], "python:3.11")
    b = resolve_requirements([ref("numpy")], "python:3.10")
    c = resolve_requirements([ref("numpy")], "python:3.11", ["tqdm"])
    assert len({a.sha256, b.sha256, c.sha256}) == 3
    assert a.sha256 == resolve_requirements([ref("numpy")], "python:3.11").sha256
