"""Packaging: deterministic zips, the size plan and its numbers, the image plan's Dockerfile, the cache."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import sys
import zipfile
from pathlib import Path

import pytest

from jupyter_faas.build.packaging.archive import Entry, write_zip
from jupyter_faas.build.packaging.plan import choose_plan, dockerfile, image_name
from jupyter_faas.build.packaging.virtualenv import WheelSet
from jupyter_faas.contract import MAX_CODE_BYTES
from jupyter_faas.errors import PackageTooLarge

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
import cases

MB = 1024 * 1024


def test_zip_is_byte_identical_whatever_the_order_and_file_times(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.bin"
    a.write_text("hello\n")
    b.write_bytes(os.urandom(1024))
    first = write_zip(
        [Entry("z.py", data=b"print(1)\n"), Entry("a.txt", path=a), Entry("data/b.bin", path=b)]
    )
    os.utime(a, (1, 1))
    a.chmod(0o600)
    second = write_zip(
        [Entry("data/b.bin", path=b), Entry("a.txt", path=a), Entry("z.py", data=b"print(1)\n")]
    )
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == ["a.txt", "data/b.bin", "z.py"]
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}


def test_zip_leaves_out_bytecode_and_marks_bin_scripts_executable() -> None:
    data = write_zip(
        [
            Entry("pkg/__pycache__/m.cpython-311.pyc", data=b"x"),
            Entry("pkg/m.pyc", data=b"x"),
            Entry("virtualenv/bin/activate_this.py", data=b"pass\n"),
        ]
    )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
    assert [(i.filename, i.external_attr >> 16) for i in infos] == [
        ("virtualenv/bin/activate_this.py", 0o100755)
    ]


def test_incompressible_large_entries_are_stored_and_text_is_deflated() -> None:
    noise = os.urandom(2 * MB)
    data = write_zip([Entry("model.bin", data=noise), Entry("code.py", data=b"x = 1\n" * 1000)])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        kinds = {i.filename: i.compress_type for i in archive.infolist()}
        assert archive.read("model.bin") == noise
    assert kinds == {"code.py": zipfile.ZIP_DEFLATED, "model.bin": zipfile.ZIP_STORED}


@pytest.mark.parametrize(
    "case", [c if c in cases.FAST_CASES else pytest.param(c, marks=pytest.mark.slow) for c in cases.CASES]
)
def test_fixture_zip_is_byte_identical_across_builds_folders_and_file_times(
    case: str, tmp_path: Path
) -> None:
    first = cases.build_case(case, tmp_path / "one", reuse=False).package
    copy = tmp_path / "elsewhere" / case
    shutil.copytree(cases.HERE / case, copy)
    for path in copy.rglob("*"):
        os.utime(path, (12345, 12345))
    second = cases.build_case(case, tmp_path / "two", folder=copy, reuse=False).package
    assert first.zip_path.read_bytes() == second.zip_path.read_bytes()
    assert first.sha256 == second.sha256 == hashlib.sha256(first.zip_path.read_bytes()).hexdigest()
    if case not in cases.FAST_CASES:
        return  # its virtualenv/ comes from PyPI's wheels of the pinned versions: no hash pinned here
    golden = cases.HERE / case / "zip.sha256"
    if cases.UPDATE or not golden.exists():
        golden.write_text(first.sha256 + "\n")
    # the same bytes on every machine (same Python and zlib): the hash is pinned in the fixture
    assert first.sha256 == golden.read_text().strip(), "zip changed (UPDATE_GOLDEN=1 after review)"


def test_unchanged_package_is_reused_from_the_cache(tmp_path: Path) -> None:
    first = cases.build_case("sentiment", tmp_path / "out")
    again = cases.build_case("sentiment", tmp_path / "out")
    assert again.package.cached and again.package.sha256 == first.package.sha256
    assert again.package.zip_path.read_bytes() == first.package.zip_path.read_bytes()


def test_sentiment_bundles_its_local_module_and_model_file(tmp_path: Path) -> None:
    package = cases.build_case("sentiment", tmp_path / "out").package
    assert package.entries == ["__main__.py", "model/weights.json", "textstats.py"]
    assert package.plan.choice == "zip" and package.kind.startswith("python:")


def _wheels(**sizes_mb: float) -> WheelSet:
    return WheelSet({f"{k}-1.0-cp311-manylinux.whl": int(v * MB) for k, v in sizes_mb.items()}, "test sizes")


def test_plan_without_dependencies_is_a_plain_zip() -> None:
    plan = choose_plan(3 * MB, None, image_requested=False)
    assert plan.choice == "zip" and "Nothing to install" in plan.reason


def test_plan_puts_dependencies_that_fit_in_virtualenv() -> None:
    plan = choose_plan(1 * MB, _wheels(numpy=16.1, pillow=6.8), image_requested=False)
    assert plan.choice == "virtualenv"
    assert plan.estimate_bytes == 1 * MB + int(16.1 * MB) + int(6.8 * MB)


def test_plan_chooses_an_image_for_the_reference_dependencies_and_shows_the_numbers() -> None:
    # the reference action: two model files (9.3 MB) + numpy, Pillow and ai-edge-litert wheels
    plan = choose_plan(
        int(9.3 * MB), _wheels(numpy=16.1, pillow=6.8, ai_edge_litert=21.5), image_requested=False
    )
    assert plan.choice == "image"
    for text in (
        "numpy 16.1 MB",
        "pillow 6.8 MB",
        "ai_edge_litert 21.5 MB",
        "as base64",
        "48.0 MB",
        "blackbox",
    ):
        assert text in plan.reason, (text, plan.reason)


def test_plan_refuses_code_over_the_limit_under_every_plan() -> None:
    with pytest.raises(PackageTooLarge) as info:
        choose_plan(MAX_CODE_BYTES, _wheels(numpy=16.1), image_requested=False)
    assert "every plan" in info.value.message and info.value.fix


def test_plan_falls_back_to_an_image_when_no_linux_wheels_exist() -> None:
    wheels = WheelSet({"pkg": MB}, "installed files", problem="No matching distribution found for pkg")
    plan = choose_plan(MB, wheels, image_requested=False)
    assert plan.choice == "image" and "No matching distribution" in plan.reason


def test_dockerfile_uses_only_the_subset_the_local_image_store_realises() -> None:
    text = dockerfile("python:3.11", "jupyter-faas/x:abc", "x")
    code = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert code == [
        "FROM openwhisk/action-python-v3.11",
        "COPY requirements.txt requirements.txt",
        "RUN pip install --no-cache-dir -r requirements.txt",
    ]
    assert image_name("Smart Body_Crop", "0123456789abcdef") == "jupyter-faas/smart-body_crop:0123456789ab"


def test_image_plan_writes_dockerfile_and_requirements(tmp_path: Path) -> None:
    result = cases.build_case("word_stats", tmp_path / "out", image="jupyter-faas/word-stats:test")
    package = result.package
    assert package.plan.choice == "image" and package.kind == "blackbox"
    assert package.image == "jupyter-faas/word-stats:test"
    assert package.image_dir is not None
    assert (package.image_dir / "Dockerfile").read_text().count("FROM openwhisk/action-python-v3") == 1
    assert (package.image_dir / "requirements.txt").read_text() == ""  # word_stats needs only stdlib


def test_a_package_too_large_under_every_plan_names_its_largest_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jupyter_faas.build import BuildOptions, build
    from jupyter_faas.build.capture import Cell

    (tmp_path / "weights.bin").write_bytes(os.urandom(37 * MB))  # 49.3 MB as base64: over 48 MB
    monkeypatch.chdir(tmp_path)  # cells are captured relative to the working folder, as in a kernel
    cells = ["WEIGHTS = 'weights.bin'", "class M:\n    def predict(self):\n        return {'w': WEIGHTS}"]
    with pytest.raises(PackageTooLarge) as info:
        build(
            [Cell(s, f"c{i}", i) for i, s in enumerate(cells)],
            BuildOptions("M", output=tmp_path / "out"),
        )
    message = str(info.value)
    assert "over the 48.0 MB limit under every plan" in message
    assert "weights.bin (37.0 MB, path 'weights.bin' in the code (cell 1 (id c0), line 1))" in message


def test_cells_are_built_against_the_given_base_dir_and_source_label(tmp_path: Path) -> None:
    from jupyter_faas.build import BuildOptions, action_annotations, build
    from jupyter_faas.build.capture import Cell

    (tmp_path / "labels.txt").write_text("cat\n")
    cells = [
        Cell("LABELS = 'labels.txt'", "a", 0),
        Cell("class M:\n    def predict(self):\n        return LABELS", "b", 1),
    ]
    options = BuildOptions("M", output=tmp_path / "out", base_dir=tmp_path, source_label="notebooks/x.ipynb")
    result = build(cells, options)
    assert result.package.entries == ["__main__.py", "labels.txt"]
    notes = action_annotations(result)
    assert notes["jupyter-faas/notebook"] == "notebooks/x.ipynb" and notes["jupyter-faas/cells"] == ["a", "b"]


def test_the_zip_layout_is_named_once_and_the_launcher_spells_it_the_same() -> None:
    """The in-container launcher imports nothing of ours, so it keeps its own spelling of the layout."""
    from jupyter_faas.contract import ZIP_MAIN, ZIP_VIRTUALENV

    launcher = (Path(__file__).resolve().parents[2] / "jupyter_faas" / "runtime" / "launcher.py").read_text()
    assert f'os.path.join(folder, "{ZIP_VIRTUALENV}")' in launcher
    assert f"Zip file does not include {ZIP_MAIN}" in launcher
    zipped = zipfile.ZipFile(io.BytesIO(write_zip([Entry(ZIP_MAIN, data=b"def main(a): return a")])))
    assert zipped.namelist() == [ZIP_MAIN]
