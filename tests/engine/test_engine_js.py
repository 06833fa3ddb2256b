"""The official OpenWhisk JS client works against the engine unchanged (tests/js/owclient.test.mjs)."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from helpers.engine import ROOT, unique


def zip_folder(folder: Path, dest: Path) -> Path:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                z.write(path, path.relative_to(folder).as_posix())
    return dest


def run_node_test(script: str, engine, **env: str) -> None:
    """Run one tests/js script with node's test runner against ``engine``; it must pass."""
    if not (ROOT / "node_modules" / "openwhisk").is_dir():
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ROOT, check=True
        )
    out = subprocess.run(
        ["node", "--test", f"tests/js/{script}"],
        cwd=ROOT,
        env={**os.environ, "OW_APIHOST": engine.apihost, "OW_AUTH": engine.auth, **env},
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_official_js_client(engine, tmp_path):
    hello = zip_folder(ROOT / "samples" / "hello", tmp_path / "hello.zip")
    run_node_test("owclient.test.mjs", engine, OW_ZIP=str(hello), OW_ACTION=unique("js-hello"))


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_official_js_client_triggers_and_rules(engine):
    run_node_test("events.test.mjs", engine, OW_ACTION=unique("js"))
