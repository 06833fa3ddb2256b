"""Server-extension paths (issue 11, point 7): names become paths only once checked, build output stays in
the build folder, links out of the notebook's folder are refused by name, activation ids are checked."""

from __future__ import annotations

import os
from typing import Any

import pytest


@pytest.mark.parametrize(
    "options",
    [
        {"className": "A", "name": "../../escape"},
        {"className": "A", "name": "a/b/c"},
        {"className": "A", "name": "/guest/a"},
        {"className": "A", "name": "bad\nname"},
        {"className": "../A"},
        {"className": "A;rm"},
    ],
)
async def test_names_are_checked_before_they_become_paths(
    api: Any, notebook: Any, options: dict[str, Any], tmp_path: Any
) -> None:
    body = notebook("class A:\n    def predict(self):\n        return {}\n")
    body["options"] = {**options, "deploy": False}
    status, error = await api("POST", "builds", body=body)
    assert status == 400, error
    assert error["fix"]
    assert not (tmp_path / "escape").exists() and not (tmp_path.parent / "escape").exists()


async def test_build_output_lands_in_the_build_folder(
    api: Any, notebook: Any, wait_job: Any, tmp_path: Any
) -> None:
    body = notebook("class A:\n    def predict(self):\n        return {'ok': True}\n")
    body["options"] = {"className": "A", "name": "pkg/a", "deploy": False, "testArgs": {}}
    status, job = await api("POST", "builds", body=body)
    assert status == 202, job
    job = await wait_job(job)
    assert job["state"] == "succeeded", job["error"]
    assert (tmp_path / "builds" / "pkg--a" / "__main__.py").is_file()


@pytest.mark.parametrize("link", ["file", "folder", "parent"])
async def test_a_link_out_of_the_notebooks_folder_is_refused_by_name(
    api: Any, notebook: Any, wait_job: Any, jp_root_dir: Any, tmp_path: Any, link: str
) -> None:
    secret = tmp_path / "outside"
    secret.mkdir()
    (secret / "id_rsa").write_text("PRIVATE KEY")
    work = jp_root_dir / "work"
    (work / "data").mkdir(parents=True)
    if link == "file":
        os.symlink(secret / "id_rsa", work / "data" / "labels.txt")
        path = "data"
    elif link == "folder":
        os.symlink(secret, work / "data" / "more")
        path = "data"
    else:
        os.symlink(secret, work / "linked")
        path = "linked/id_rsa"
    body = notebook(f"class A:\n    def predict(self):\n        return {{'n': len(open({path!r}).read())}}\n")
    body["options"] = {"className": "A", "deploy": False}
    status, job = await api("POST", "builds", body=body)
    assert status == 202
    job = await wait_job(job)
    assert job["state"] == "failed"
    assert "symbolic link" in job["error"]["error"] and str(secret) in job["error"]["error"]
    assert job["error"]["fix"]


@pytest.mark.parametrize("bad", ["0" * 31, "g" * 32, "0" * 32 + " x", "..", "0" * 33])
async def test_activation_ids_are_checked_before_they_reach_a_url(api: Any, bad: str) -> None:
    for tail in ((), ("logs",)):
        status, error = await api("GET", "activations", bad, *tail)
        assert status == 400, error
        assert "32 hexadecimal digits" in error["error"] or "must be 32" in error["error"], error
