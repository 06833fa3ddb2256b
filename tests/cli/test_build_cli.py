"""``jupyter-faas build`` / ``deploy`` as CI runs them: a real subprocess, a real engine over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests

from jupyter_faas.engine import EngineHandle

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
WORDS = str(FIXTURES / "word_stats" / "notebook.ipynb")


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "jupyter_faas", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=full_env,
        timeout=300,
    )


def test_build_writes_main_zip_and_tests_locally(tmp_path: Path) -> None:
    out = cli(
        "build", WORDS, "--class", "WordStats", "--output", str(tmp_path), "--test-args", '{"text": "a cat"}'
    )
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "__main__.py").read_text() == (
        FIXTURES / "word_stats" / "__main__.py.expected"
    ).read_text()
    assert (tmp_path / "word-stats.zip").is_file()
    assert json.loads(out.stdout) == {"top": [["cat", 1]], "entropy": 0.0, "mean_length": 3}
    for text in (
        "Captured class WordStats",
        "Plan: zip",
        "Local test of word-stats: passed",
        "cold",
        "warm 2",
    ):
        assert text in out.stderr, text


def test_build_with_an_image_writes_the_dockerfile_and_tests_in_the_local_image(tmp_path: Path) -> None:
    out = cli(
        "build", WORDS, "--class", "WordStats", "--output", str(tmp_path),
        "--image", "jupyter-faas/ws-cli:t1", "--test-args", '{"text": "one two two"}', "--warm", "0",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "image" / "Dockerfile").read_text().splitlines()[-3].startswith("FROM openwhisk/")
    assert "Kind blackbox, image jupyter-faas/ws-cli:t1" in out.stderr
    assert json.loads(out.stdout)["top"] == [["two", 2], ["one", 1]]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--class", "Nope"], "Class Nope not found. Classes in the notebook: WordStats."),
        (["--class", "Scratch"], "Class Scratch is defined only in cell 5 (id word-04), which capture skips"),
        (
            ["--class", "WordStats", "--method", "run"],
            "Class WordStats has no method run. Its methods: predict.",
        ),
        (["--class", "WordStats", "--include", "nope.bin"], "--include nope.bin: no such file"),
        (["--class", "WordStats", "--test-args", "{bad"], "--test-args is not JSON"),
        (["--class", "WordStats", "--kind", "python:2.7"], "Unknown kind python:2.7."),
    ],
)
def test_bad_input_gets_a_clear_error_and_exit_status_1(
    args: list[str], message: str, tmp_path: Path
) -> None:
    out = cli("build", WORDS, "--output", str(tmp_path), "--no-test", *args)
    assert out.returncode == 1, out.stderr
    assert out.stderr.startswith("error: ") and message in out.stderr, out.stderr
    assert "Traceback" not in out.stderr


def test_missing_notebook_is_a_clear_error(tmp_path: Path) -> None:
    out = cli("build", str(tmp_path / "missing.ipynb"), "--class", "X", "--no-test")
    assert out.returncode == 1 and "does not exist" in out.stderr


def _action(engine: EngineHandle, name: str) -> dict[str, Any]:
    user, _, key = engine.auth.partition(":")
    r = requests.get(f"{engine.url}/namespaces/_/actions/{name}?code=false", auth=(user, key), timeout=30)
    r.raise_for_status()
    doc: dict[str, Any] = r.json()
    return doc


def test_deploy_creates_then_skips_an_unchanged_package_then_updates_limits(
    engine: EngineHandle, tmp_path: Path
) -> None:
    name = f"word-stats-cli-{os.getpid()}"
    env = {
        "__OW_API_HOST": engine.apihost,
        "__OW_API_KEY": engine.auth,
        "WSK_CONFIG_FILE": str(tmp_path / "none"),
    }
    common = ["deploy", WORDS, "--class", "WordStats", "--name", name, "--output", str(tmp_path / "out")]
    first = cli(*common, "--test-args", '{"text": "a cat"}', env=env)
    assert first.returncode == 0, first.stderr
    assert "created, uploaded" in first.stderr
    action = _action(engine, name)
    notes = {a["key"]: a["value"] for a in action["annotations"]}
    sha = (tmp_path / "out" / f"{name}.zip").read_bytes()
    import hashlib

    assert notes["jupyter-faas/sha256"] == hashlib.sha256(sha).hexdigest()
    assert notes["jupyter-faas/class"] == "WordStats.predict"
    assert notes["jupyter-faas/cells"] == ["word-01", "word-02", "word-05", "word-07", "word-08"]
    assert engine.auth.split(":")[1] not in json.dumps(action) + first.stdout + first.stderr  # no secret

    second = cli(*common, "--no-test", env=env)
    assert second.returncode == 0, second.stderr
    assert "unchanged (same sha256): nothing uploaded" in second.stderr
    assert _action(engine, name)["version"] == action["version"]

    third = cli(*common, "--no-test", "--memory", "512", env=env)
    assert third.returncode == 0, third.stderr
    assert "same package, updated memory" in third.stderr
    updated = _action(engine, name)
    assert updated["limits"]["memory"] == 512

    user, _, key = engine.auth.partition(":")
    r = requests.post(
        f"{engine.url}/namespaces/_/actions/{name}?blocking=true&result=true",
        json={"text": "deployed and invoked"},
        auth=(user, key),
        timeout=120,
    )
    assert r.status_code == 200, r.text
    assert r.json()["mean_length"] == 6  # deployed, and, invoked


def test_deploying_a_local_only_image_to_a_remote_openwhisk_is_refused_before_any_request(
    tmp_path: Path,
) -> None:
    from types import SimpleNamespace

    from jupyter_faas.build import BuildOptions, build, deploy
    from jupyter_faas.errors import BuildError

    result = build(Path(WORDS), BuildOptions("WordStats", output=tmp_path, kind="python:3.11"))
    assert deploy.__module__ == "jupyter_faas.build.service" and result.package.image is None
    result.package.image, result.package.image_dir = "jupyter-faas/word-stats:abc", tmp_path
    remote = SimpleNamespace(config=SimpleNamespace(apihost="https://openwhisk.example.org"))  # never called
    with pytest.raises(BuildError) as info:
        deploy(result, remote)
    assert "a remote OpenWhisk cannot pull it" in info.value.message
    assert "docker push" in (info.value.fix or "") and "--image" in (info.value.fix or "")


def test_deploy_with_an_image_to_the_engine_builds_it_locally_and_runs(
    engine: EngineHandle, tmp_path: Path
) -> None:
    name = f"word-stats-image-{os.getpid()}"
    env = {
        "__OW_API_HOST": engine.apihost,
        "__OW_API_KEY": engine.auth,
        "WSK_CONFIG_FILE": str(tmp_path / "none"),
    }
    image = f"jupyter-faas/ws-deploy:{os.getpid()}"
    out = cli("deploy", WORDS, "--class", "WordStats", "--name", name, "--image", image, "--no-test", env=env)
    assert out.returncode == 0, out.stderr
    action = _action(engine, name)
    assert action["exec"]["kind"] == "blackbox" and action["exec"]["image"] == image
    user, _, key = engine.auth.partition(":")
    r = requests.post(
        f"{engine.url}/namespaces/_/actions/{name}?blocking=true&result=true",
        json={"text": "an image action"},
        auth=(user, key),
        timeout=120,
    )
    assert r.status_code == 200, r.text
    assert r.json()["top"][0] == ["image", 1]
