"""The filesystem sandbox (issue 18): a real action process under Landlock reads its package, its
environment and the system's files, writes its folder, its private TMPDIR and /tmp files by name, and
nothing else of the user's: not a file beside the engine's data, not through a child process, not a
listing of /tmp. A refused path gets one line in the logs saying why; the switch turns it off."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.runtime import make_request, make_spec, make_zip, outside_dir

from jupyter_faas.runtime import Runtime
from jupyter_faas.runtime.sandbox import OFF_VARIABLE, landlock_abi

pytestmark = pytest.mark.skipif(landlock_abi() == 0, reason="no Landlock on this kernel: nothing to test")

PROBE = """
import json, os, subprocess, sys, tempfile
def attempt(f):
    try:
        return f()
    except Exception as e:
        return type(e).__name__
def main(a):
    secret = a["secret"]
    mine = "/tmp/" + a["name"]
    with open(mine, "w") as f:
        f.write("by name")
    with tempfile.NamedTemporaryFile("w", delete=False) as t:
        t.write("private")
    return {
        "outside": attempt(lambda: open(secret).read()),
        "child": subprocess.run(["cat", secret], capture_output=True, text=True).returncode,
        "bundled": open("data/labels.json").read(),
        "tmp_by_name": open(mine).read(),
        "tmp_listing": attempt(lambda: os.listdir("/tmp")),
        "tmpdir": tempfile.gettempdir(), "home": os.environ["HOME"], "temp_file": t.name,
        "stdlib": attempt(lambda: __import__("xml.dom.minidom") and "ok"),
    }
"""


@pytest.fixture
def secret() -> Iterator[Path]:
    """A file of the user's outside /tmp and outside every folder the sandbox allows."""
    folder = outside_dir("jupyter-faas-sandbox-test")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "auth.key"
    path.write_text("uuid:key")
    yield path
    path.unlink()
    folder.rmdir()


def _run(runtime: Runtime, secret: Path) -> Any:
    package = make_zip({"__main__.py": PROBE, "data/labels.json": json.dumps(["cat", "dog"])})
    out = runtime.run(
        make_spec(package), make_request({"secret": str(secret), "name": f"sb-{uuid.uuid4().hex}"})
    )
    assert out.status_code == 0, (out.result, out.logs)
    return out


def test_an_action_reads_its_package_and_writes_its_folders_and_nothing_else(runtime: Runtime, secret: Path):
    assert runtime.sandbox_status.startswith("Landlock ABI ")
    r = _run(runtime, secret).result
    assert r["outside"] == "PermissionError" and r["child"] != 0  # a child inherits the restriction
    assert r["bundled"] == '["cat", "dog"]' and r["stdlib"] == "ok"
    assert r["tmp_by_name"] == "by name" and r["tmp_listing"] == "PermissionError"
    assert Path(r["tmpdir"]).parent == Path(r["home"]) and Path(r["temp_file"]).parent == Path(r["tmpdir"])


def test_a_refused_path_is_explained_in_the_logs(runtime: Runtime, secret: Path):
    code = f"def main(a):\n    return {{'v': open({str(secret)!r}).read()}}\n"
    out = runtime.run(make_spec(code), make_request())
    assert out.status_code == 1 and "Permission denied" in out.result["error"]
    (line,) = [line for line in out.logs if "stderr: sandbox: " in line]
    assert f"sandbox: {secret} is outside the action's package, so a container would not have it" in line
    assert "--include PATH" in line


def test_the_switch_turns_it_off(
    tmp_path: Path, cache_dir: Path, kinds: dict[str, Any], secret: Path, monkeypatch
):
    monkeypatch.setenv(OFF_VARIABLE, "1")
    rt = Runtime(tmp_path / "work", cache_dir=cache_dir)
    try:
        assert rt.sandbox_status.startswith("off (--no-sandbox)")
        assert _run(rt, secret).result["outside"] == "uuid:key"
    finally:
        rt.shutdown()
