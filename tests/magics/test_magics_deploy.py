"""``%%faas_deploy``, ``%faas_deploy`` and ``%faas_test`` in a real IPython shell against a real engine:
every option, the returned objects, their HTML and text renderings, and what lands on the server."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
import requests
from helpers.shell import TestingShell, open_shell

from jupyter_faas.display import Deployment, LocalTestReport
from jupyter_faas.engine import EngineHandle


@pytest.fixture
def shell(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, engine: EngineHandle) -> TestingShell:
    return open_shell(monkeypatch, tmp_path, engine)


def server_action(engine: EngineHandle, name: str) -> requests.Response:
    user, _, key = engine.auth.partition(":")
    return requests.get(f"{engine.url}/namespaces/_/actions/{name}?code=false", auth=(user, key), timeout=30)


SCALER = """
import json

FACTOR = 3

def helper(x):
    return x * FACTOR

class Scaler{n}:
    def __init__(self):
        with open("table.json") as f:
            self.table = json.load(f)

    def run(self, x=1, label="x"):
        return {{"y": helper(x), "label": label, "known": self.table.get(label)}}
"""


def test_cell_magic_with_every_build_option_deploys_and_renders(
    shell: TestingShell, engine: EngineHandle, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "table.json").write_text('{"x": "ex", "z": "zed"}')
    name = "scaler-magic"
    line = (
        f"%%faas_deploy Scaler1 --name {name} --method run --kind python:3.11 --memory 192 --timeout 5000 "
        "--param label z --param x 2 --requirements requests --include table.json "
        """--test-args '{"x": 4}' --warm 1 --output out"""
    )
    deployment = shell.cell(line + "\n" + SCALER.format(n=1))
    assert isinstance(deployment, Deployment)
    # the cell ran: the class exists in the kernel too
    assert shell.cell("Scaler1().run(2)")["y"] == 6
    # the server has it, with the limits, parameters and provenance annotations
    doc = server_action(engine, name).json()
    assert doc["limits"]["memory"] == 192 and doc["limits"]["timeout"] == 5000
    assert {p["key"]: p["value"] for p in doc["parameters"]} == {"label": "z", "x": 2}
    notes = {a["key"]: a["value"] for a in doc["annotations"]}
    zip_path = tmp_path / "out" / f"{name}.zip"
    assert notes["jupyter-faas/sha256"] == hashlib.sha256(zip_path.read_bytes()).hexdigest()
    assert notes["jupyter-faas/class"] == "Scaler1.run"
    assert (tmp_path / "out" / "__main__.py").is_file()
    # the returned object
    assert deployment.name == name and deployment.version == doc["version"] and deployment.uploaded
    assert deployment.test is not None and deployment.test.ok
    assert [r.cold for r in deployment.test.runs] == [True, False]
    # the test runs with the action's --param defaults under the test arguments, as OpenWhisk merges them
    assert deployment.test.result == {"y": 12, "label": "z", "known": "zed"}
    assert [r.name for r in deployment.build.requirements.install] == ["requests"]
    assert deployment.build.package.plan.choice == "virtualenv"
    # renderings: text and HTML carry the summary the issue lists
    text = repr(deployment)
    html = deployment._repr_html_()
    passed = "Local test of scaler-magic: passed"
    for needle in (name, "Plan: virtualenv", "Captured class Scaler1", passed, "cold"):
        assert needle in text, needle
    for needle in (f"/{name}</b>", "version <b>0.0.1</b>", "<h4>Package</h4>", "table.json", "helper"):
        assert needle in html, needle
    assert "uploaded" in html and "cold" in html and "warm" in html and "requests" in html
    out = capsys.readouterr().out
    assert "Building" in out and "Testing scaler-magic locally" in out and "Deploying" in out
    secret = engine.auth.split(":")[1]
    assert secret not in text + html + out + json.dumps(doc)


def test_line_form_redeploys_unchanged_then_updates_limits(shell: TestingShell, engine: EngineHandle) -> None:
    shell.cell("class Echo2:\n    def predict(self, **kw):\n        return kw\n")
    first = shell.cell("%faas_deploy Echo2 --name echo-line --no-test")
    assert first.uploaded and first.test is None and "skipped" in repr(first)
    again = shell.cell("%faas_deploy Echo2 --name echo-line --no-test")
    assert not again.uploaded and again.version == first.version
    assert "unchanged" in repr(again) and "unchanged" in again._repr_html_()
    bigger = shell.cell("%faas_deploy Echo2 --name echo-line --no-test --memory 384")
    assert not bigger.uploaded and bigger.version != first.version
    assert server_action(engine, "echo-line").json()["limits"]["memory"] == 384


def test_a_class_from_an_earlier_deploy_cell_is_found_by_the_line_form(shell: TestingShell) -> None:
    shell.cell(
        "%%faas_deploy --name twice-a --no-test --dry-run\n"
        "class Twice3:\n    def predict(self, x=1):\n        return {'x': 2 * x}\n"
    )
    again = shell.cell("%faas_deploy Twice3 --name twice-b --dry-run --test-args '{\"x\": 5}'")
    assert again.test is not None and again.test.result == {"x": 10}


def test_dry_run_builds_and_tests_but_deploys_nothing(
    shell: TestingShell, engine: EngineHandle, tmp_path: Path
) -> None:
    deployment = shell.cell(
        "%%faas_deploy --name dry-one --dry-run --output built\n"
        "class Dry4:\n    def predict(self, x=0):\n        return {'x': x}\n"
    )
    assert deployment.dry_run and deployment.version is None and not deployment.uploaded
    assert deployment.test is not None and deployment.test.smoke and deployment.test.ok
    assert (tmp_path / "built" / "__main__.py").is_file() and (tmp_path / "built" / "dry-one.zip").is_file()
    assert "Dry run" in repr(deployment) and "dry run" in deployment._repr_html_()
    assert server_action(engine, "dry-one").status_code == 404


def test_image_option_writes_the_dockerfile(shell: TestingShell, tmp_path: Path) -> None:
    deployment = shell.cell(
        "%%faas_deploy --name imaged --image jupyter-faas/imaged:t1 --dry-run --no-test --output img\n"
        "class Imaged5:\n    def predict(self):\n        return {}\n"
    )
    assert deployment.build.package.image == "jupyter-faas/imaged:t1"
    dockerfile = (tmp_path / "img" / "image" / "Dockerfile").read_text()
    assert "FROM openwhisk/action-python-v3" in dockerfile
    assert "jupyter-faas/imaged:t1" in deployment._repr_html_()


def test_the_only_class_of_the_cell_is_the_default(shell: TestingShell) -> None:
    deployment = shell.cell(
        "%%faas_deploy --name only-one --dry-run --no-test\n"
        "class Only6:\n    def predict(self):\n        return {}\n"
    )
    assert deployment.build.capture.class_name == "Only6"


def test_faas_test_runs_cold_then_warm_and_returns_a_report(shell: TestingShell) -> None:
    shell.cell(
        "import math\nclass Root7:\n    def predict(self, x=4.0):\n        return {'root': math.sqrt(x)}\n"
    )
    report = shell.cell("%faas_test Root7 --test-args '{\"x\": 9}' --runs 3")
    assert isinstance(report, LocalTestReport) and report.ok
    assert [run.cold for run in report.test.runs] == [True, False, False]
    assert report.result == {"root": 3.0}
    assert "Local test of root7: passed" in repr(report) and "warm" in report._repr_html_()
    smoke = shell.cell("%faas_test Root7 --runs 1")
    assert smoke.test.smoke and len(smoke.test.runs) == 1


def test_faas_test_options_method_include_output(shell: TestingShell, tmp_path: Path) -> None:
    (tmp_path / "words.txt").write_text("alpha beta")
    (tmp_path / "reqs.txt").write_text("# what the action needs\nrequests\n")
    shell.cell(
        "import requests\n"
        "class Words8:\n    def count(self):\n"
        "        return {'n': len(open('words.txt').read().split()), 'requests': requests.__name__}\n"
    )
    report = shell.cell(
        "%faas_test Words8 --method count --include words.txt --test-args '{}' --runs 2 "
        "--memory 128 --timeout 3000 --kind python:3.11 --requirements reqs.txt --output tested"
    )
    assert report.result == {"n": 2, "requests": "requests"}
    assert (tmp_path / "tested" / "words8.zip").is_file()
    assert [r.name for r in report.build.requirements.install] == ["requests"]
    assert report.build.package.plan.choice == "virtualenv"


def _help(shell: TestingShell, name: str) -> str:
    magic: Any = shell.find_magic(name)
    return str(magic.__doc__)


def test_every_magic_has_argument_help(shell: TestingShell) -> None:
    deploy_help = _help(shell, "faas_deploy")
    options = "CLASS --name --method --kind --image --memory --timeout --param --requirements --include"
    for option in [*options.split(), "--test-args", "--no-test", "--dry-run", "--output"]:
        assert option in deploy_help, option
    expected = {
        "faas_test": ["CLASS", "--test-args", "--runs"],
        "faas_invoke": ["NAME", "--async", "--result", "--timeout"],
        "faas_poll": ["ACTIVATION_ID", "--timeout"],
        "faas_activations": ["NAME", "--limit"],
        "faas_logs": ["ACTIVATION_ID"],
        "faas_stats": ["NAME", "--last", "--plot"],
        "faas_actions": ["The deployed actions"],
        "faas_delete": ["NAME"],
        "faas_config": ["--apihost", "--auth", "--namespace", "--insecure", "--local", "--show"],
    }
    for name, options in expected.items():
        text = _help(shell, name)
        assert text.startswith(f"::\n\n  %{name}"), text[:80]
        for option in options:
            assert option in text, (name, option)


def test_question_mark_shows_the_help(shell: TestingShell, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    shell.cell("%faas_deploy?")
    shown = " ".join(capsys.readouterr().out.split())
    assert "%faas_deploy [--dry-run]" in shown and "build and test, but do not deploy" in shown
    assert "the zip and any Dockerfile (default: a cache folder)" in shown
