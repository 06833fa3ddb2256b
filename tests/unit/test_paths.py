"""Paths and ids from outside (issue 11, point 7), in the core: links out of the notebook's folder are
refused by name for every way a file is bundled, an action name never leaves the build cache, and the
client checks an activation id before it is part of a URL (nothing is sent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jupyter_faas.build import BuildOptions, checked_name, output_folder
from jupyter_faas.build.capture import Cell, capture_from_cells
from jupyter_faas.config import Config
from jupyter_faas.errors import BuildError, CaptureError, InvalidRequest
from jupyter_faas.openwhisk import Client

CLASS = "class A:\n    def predict(self):\n        return {{'n': len(open({path!r}).read())}}\n"


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    outside, work = tmp_path / "outside", tmp_path / "work"
    outside.mkdir()
    (outside / "secret.txt").write_text("PRIVATE")
    (work / "data").mkdir(parents=True)
    (work / "data" / "fine.txt").write_text("ok")
    return work, outside


def _capture(work: Path, path: str, include: tuple[str, ...] = ()) -> object:
    cells = [Cell(source=CLASS.format(path=path), id="c1", index=0)]
    return capture_from_cells(cells, "A", base_dir=work, include=include)


def test_a_linked_file_in_a_bundled_folder_is_refused(folders: tuple[Path, Path]) -> None:
    work, outside = folders
    os.symlink(outside / "secret.txt", work / "data" / "labels.txt")
    with pytest.raises(CaptureError, match="symbolic link") as info:
        _capture(work, "data")
    assert str(work / "data" / "labels.txt") in info.value.message and info.value.fix


def test_a_path_through_a_linked_folder_is_refused(folders: tuple[Path, Path]) -> None:
    work, outside = folders
    os.symlink(outside, work / "linked")
    with pytest.raises(CaptureError, match=f"{work / 'linked'} is a symbolic link to {outside}"):
        _capture(work, "linked/secret.txt")


def test_an_included_folder_with_a_link_out_is_refused(folders: tuple[Path, Path]) -> None:
    work, outside = folders
    os.symlink(outside, work / "data" / "more")
    with pytest.raises(CaptureError, match="symbolic link"):
        _capture(work, "x.txt", include=("data",))


def test_links_that_stay_inside_are_followed(folders: tuple[Path, Path]) -> None:
    work, _ = folders
    os.symlink(work / "data" / "fine.txt", work / "data" / "alias.txt")
    capture = _capture(work, "data")
    assert sorted(f.arcname for f in capture.files) == ["data/alias.txt", "data/fine.txt"]


@pytest.mark.parametrize("name", ["../x", "a/b/c", "/guest/x", "x\ny", "", "a/../b"])
def test_bad_action_names_never_become_paths(name: str) -> None:
    with pytest.raises((BuildError, InvalidRequest)):
        checked_name(BuildOptions("A", name=name or "/"))


def test_output_folders_stay_in_the_build_folder(tmp_path: Path) -> None:
    assert output_folder("pkg/a", tmp_path) == (tmp_path / "pkg--a").resolve()
    with pytest.raises(BuildError, match="outside"):
        output_folder("..", tmp_path)


@pytest.mark.parametrize("bad", ["../actions/x", "0" * 31, "g" * 32, "0" * 32 + "?x=1", "", "0" * 32 + "/x"])
def test_the_client_checks_activation_ids_before_sending(bad: str) -> None:
    # 127.0.0.1:9 refuses connections: a request that was sent would be ConnectionFailed, not this
    with Client(Config(apihost="http://127.0.0.1:9", auth="u:k")) as client:
        for call in (client.activations.get, client.activations.logs, client.activations.result):
            with pytest.raises(InvalidRequest, match="32 hexadecimal digits"):
                call(bad)
