"""The official OpenWhisk JS client works against the engine unchanged (tests/js/owclient.test.mjs)."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, unique


def zip_folder(folder: Path, dest: Path) -> Path:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                z.write(path, path.relative_to(folder).as_posix())
    return dest


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_official_js_client(engine, tmp_path):
    if not (ROOT / "node_modules" / "openwhisk").is_dir():
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ROOT, check=True
        )
    env = {
        **os.environ,
        "OW_APIHOST": engine.apihost,
        "OW_AUTH": engine.auth,
        "OW_ZIP": str(zip_folder(ROOT / "samples" / "hello", tmp_path / "hello.zip")),
        "OW_ACTION": unique("js-hello"),
    }
    out = subprocess.run(
        ["node", "--test", "tests/js/owclient.test.mjs"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_official_js_client_triggers_and_rules(engine):
    if not (ROOT / "node_modules" / "openwhisk").is_dir():
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ROOT, check=True
        )
    env = {**os.environ, "OW_APIHOST": engine.apihost, "OW_AUTH": engine.auth, "OW_ACTION": unique("js")}
    out = subprocess.run(
        ["node", "--test", "tests/js/events.test.mjs"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert out.returncode == 0, out.stdout + out.stderr
