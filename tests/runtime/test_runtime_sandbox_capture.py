"""A class that reads a file outside its notebook's folder (issue 18): the capture report says the file will
not exist in the action and proposes --include, and the local test, in the engine's sandbox, fails as a
container would, with the path and the same fix. Real build, real processes, real Landlock."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.runtime import outside_dir

from jupyter_faas.build import BuildOptions, build
from jupyter_faas.build.local_test import local_test
from jupyter_faas.errors import FaasError
from jupyter_faas.runtime.sandbox import landlock_abi

ROOT = Path(__file__).resolve().parents[2]
os.environ.setdefault("JUPYTER_FAAS_CACHE", str(ROOT / ".cache" / "jupyter-faas"))


@pytest.fixture
def outside() -> Iterator[Path]:
    folder = outside_dir("jupyter-faas-outside")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "labels.txt").write_text("cat\ndog\n")
    yield folder / "labels.txt"
    shutil.rmtree(folder, ignore_errors=True)


def _module(tmp_path: Path, path: str) -> Path:
    source = tmp_path / "nb" / "reader.py"
    source.parent.mkdir(parents=True)
    body = "class Reader:\n    def predict(self):\n        return {'labels': open(LABELS).read()}\n"
    source.write_text(f"LABELS = {path!r}\n\n\n{body}")
    return source


@pytest.mark.parametrize("how", ["absolute", "home", "parent"])
def test_the_capture_report_names_a_path_outside_the_folder(tmp_path: Path, outside: Path, how: str) -> None:
    source = _module(tmp_path, str(outside))
    if how == "home":
        home = Path.home()
        if not outside.is_relative_to(home):
            pytest.skip("the project is not under the home folder")
        source = _module(tmp_path / "h", "~/" + str(outside.relative_to(home)))
    elif how == "parent":
        source = _module(tmp_path / "p", os.path.relpath(outside, source.parent.parent / "p" / "nb"))
    result = build(
        str(source), BuildOptions(class_name="Reader", name="reader", no_test=True, output=tmp_path / "o")
    )
    (note,) = [n for n in result.capture.notes if "will not exist in the action" in n]
    assert "--include the file" in note


@pytest.mark.skipif(landlock_abi() == 0, reason="no Landlock on this kernel")
def test_the_local_test_fails_as_a_container_would_and_says_why(tmp_path: Path, outside: Path) -> None:
    options = BuildOptions(class_name="Reader", name="reader", no_test=True, output=tmp_path / "o")
    result = build(str(_module(tmp_path, str(outside))), options)
    with pytest.raises(FaasError) as info:
        local_test(result.package, name=result.name, args={}, warm=0)
    text = str(info.value)
    assert f"The action reads {outside}, outside its package: a container would not have it" in text
    assert "--include it" in text
