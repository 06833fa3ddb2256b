"""Compositions on a real engine (issue 14, part 2): built with the combinators, deployed as conductor
actions over HTTP, run by the engine's conductor loop; each branch, a caught error, retries, bindings and
merged values, the path a run took, and the same from ``%%faas_compose``/``%faas_path`` and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.engine import unique
from helpers.shell import TestingShell, open_shell
from IPython.core.error import UsageError

from jupyter_faas.compose import deploy, let, literal, merge, path, retry, sequence, try_, when
from jupyter_faas.config import Config
from jupyter_faas.display import EntityView, PathView
from jupyter_faas.engine import EngineHandle
from jupyter_faas.errors import ActivationFailed, CompositionError
from jupyter_faas.openwhisk import Client

CODE = {
    # a photo is "good" when its score reaches the threshold
    "gate": "def main(a):\n    return {'ok': a.get('score', 0) >= a.get('threshold', 0.5), **a}\n",
    "double": "def main(a):\n    return {'n': a.get('n', 0) * 2}\n",
    "tag": "def main(a):\n    return {'tags': ['even' if a.get('n', 0) % 2 == 0 else 'odd']}\n",
    "boom": "def main(a):\n    return {'error': 'boom: ' + str(a.get('n'))}\n",
    "echo": "def main(a):\n    return {'got': a}\n",
    # fails until it has been called `fails` times for this key (a file in /tmp, by name)
    "flaky": (
        "import os\n"
        "def main(a):\n"
        "    path = '/tmp/jf-flaky-' + a['key']\n"
        "    n = int(open(path).read()) if os.path.exists(path) else 0\n"
        "    open(path, 'w').write(str(n + 1))\n"
        "    if n < a['fails']:\n"
        "        return {'error': 'flaky call %d' % (n + 1)}\n"
        "    return {'calls': n + 1}\n"
    ),
}


@pytest.fixture(scope="module")
def client(engine: EngineHandle) -> Iterator[Client]:
    with Client(Config(apihost=engine.apihost, auth=engine.auth)) as c:
        yield c


@pytest.fixture(scope="module")
def names(client: Client) -> dict[str, str]:
    names = {key: unique(key) for key in CODE}
    for key, code in CODE.items():
        client.actions.update(names[key], code, kind="python:3.11")
    return names


def _run(client: Client, name: str, params: dict) -> tuple[dict, object]:
    """Invoke blocking; the record (whatever its status) and the composition's path."""
    try:
        record = client.actions.invoke(name, params, blocking=True)
    except ActivationFailed as exc:
        record = exc.details
    return record, path(client, record["activationId"])


def test_when_takes_the_branch_its_test_decides(client: Client, names: dict[str, str]) -> None:
    n = names
    workflow = when(
        n["gate"], sequence(n["double"], merge(n["tag"])), literal({"rejected": True}), field="ok"
    )
    name = unique("pipeline")
    deployed = deploy(client, name, workflow)
    assert deployed.components == [n["gate"], n["double"], n["tag"]]
    notes = {a["key"]: a["value"] for a in deployed.action["annotations"]}
    assert notes["conductor"] is True and notes["jupyter-faas/composition"] == deployed.description

    record, good = _run(client, name, {"score": 0.9, "n": 21})
    assert record["response"]["result"] == {"n": 42, "tags": ["even"]}  # merge kept the crop's n
    assert good.components() == [n["gate"], n["double"], n["tag"]]
    assert good.decisions() == [f"when {n['gate']}.ok is true: then"]

    record, bad = _run(client, name, {"score": 0.1, "n": 21})
    assert record["response"]["result"] == {"rejected": True}
    assert bad.components() == [n["gate"]]
    assert bad.decisions() == [f"when {n['gate']}.ok is false: else"]
    assert bad.status == "success"

    handed_on = unique("handed-on")
    deploy(client, handed_on, when(n["gate"], n["echo"], field="ok", keep_input=False))
    record, _ = _run(client, handed_on, {"score": 0.9})
    assert record["response"]["result"] == {"got": {"ok": True, "score": 0.9}}  # the test's result
    record, _ = _run(client, handed_on, {"score": 0.2})
    assert record["response"]["result"] == {"ok": False, "score": 0.2}  # no else: it goes on unchanged


def test_an_error_is_caught_or_ends_the_composition_as_an_application_error(client, names) -> None:
    caught = unique("caught")
    deploy(client, caught, try_(sequence(names["double"], names["boom"], names["tag"]), names["echo"]))
    record, run = _run(client, caught, {"n": 4})
    assert record["response"]["result"] == {"got": {"error": "boom: 8"}}  # the handler got the error
    assert run.components() == [names["double"], names["boom"], names["echo"]]  # tag never ran
    assert run.decisions() == ['catch "boom: 8"']

    uncaught = unique("uncaught")
    deploy(client, uncaught, sequence(names["boom"], names["tag"]))
    record, run = _run(client, uncaught, {"n": 1})
    assert record["response"]["status"] == "application error"
    assert record["response"]["result"] == {"error": "boom: 1"}
    assert run.components() == [names["boom"]] and run.decisions() == ['error: "boom: 1"']


def test_retry_runs_the_body_again_on_the_same_input(client, names) -> None:
    name = unique("retrying")
    deploy(client, name, retry(2, names["flaky"]))
    key = uuid.uuid4().hex
    record, run = _run(client, name, {"key": key, "fails": 2})
    assert record["response"]["result"] == {"calls": 3}
    assert run.components() == [names["flaky"]] * 3
    assert run.decisions() == ["retry (1 left)", "retry (0 left)"]
    assert [s.status for s in run.steps if s.kind == "component"] == ["application error"] * 2 + ["success"]

    record, run = _run(client, name, {"key": uuid.uuid4().hex, "fails": 5})  # more failures than retries
    assert record["response"]["result"] == {"error": "flaky call 3"}
    assert run.decisions()[-1] == 'error: "flaky call 3"'


def test_let_gives_its_bindings_to_every_component_under_their_input(client, names) -> None:
    name = unique("bound")
    deploy(client, name, let({"lang": "en", "n": 0}, sequence(names["echo"])))
    record, _ = _run(client, name, {"n": 7})
    assert record["response"]["result"] == {"got": {"lang": "en", "n": 7}}


def test_a_missing_component_is_refused_before_anything_is_deployed(client, names) -> None:
    name = unique("typo")
    with pytest.raises(CompositionError) as info:
        deploy(client, name, sequence(names["double"], "no-such-action-here"))
    assert str(info.value).startswith(
        f"The composition {name} calls no-such-action-here, which does not exist."
    )
    assert name not in [a["name"] for a in client.actions.list(limit=200)]


@pytest.fixture
def shell(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, engine: EngineHandle) -> TestingShell:
    return open_shell(monkeypatch, tmp_path, engine)


def test_the_magics_deploy_a_composition_from_a_cell_and_show_its_path(shell: TestingShell, names) -> None:
    name = unique("from-a-cell")
    shell.user_ns["gate"] = names["gate"]
    cell = (
        f"%%faas_compose {name} --memory 128\n"
        f"when(gate, {names['double']!r}, literal({{'rejected': True}}), field='ok')\n"
    )
    view = shell.cell(cell)
    assert isinstance(view, EntityView) and view.kind == "composition"
    assert f"when({names['gate']}.ok, {names['double']}, literal(" in repr(view)
    assert view.doc["limits"]["memory"] == 128
    record = shell.cell(f"%faas_invoke {name} score=0.7 n=5")
    activation_id = record.activation_id
    trace = shell.cell(f"%faas_path {activation_id}")
    assert isinstance(trace, PathView)
    assert trace.result == {"n": 10}
    text, html = repr(trace), trace._repr_html_()
    assert f"? when {names['gate']}.ok is true: then" in text and names["double"] in text
    assert "decision" in html and activation_id in html

    line = unique("from-a-line")
    assert shell.cell(f"%faas_compose {line} sequence({names['double']!r}, {names['double']!r})").doc["name"]
    shell.user_ns["step"] = names["double"]  # a set literal stays Python: no {variable} expansion
    assert "sequence(" + names["double"] + ")" in repr(
        shell.cell(f"%faas_compose {line} sequence(*sorted({{step}}))")
    )
    with pytest.raises(UsageError, match="must be one Python expression"):
        shell.cell(f"%%faas_compose {line}\nx = 1\n")
    with pytest.raises(UsageError, match="gives int, not a composition"):
        shell.cell(f"%faas_compose {line} 3")
    with pytest.raises(UsageError, match="which does not exist"):
        shell.cell(f"%faas_compose {line} sequence('nothing-of-that-name')")


def test_the_command_line_deploys_from_a_file_and_prints_the_path(
    engine: EngineHandle, names, tmp_path
) -> None:
    env = {**os.environ, "__OW_API_HOST": engine.apihost, "__OW_API_KEY": engine.auth}
    env["WSK_CONFIG_FILE"] = str(tmp_path / "none")
    file = tmp_path / "workflow.py"
    file.write_text(f"composition = when({names['gate']!r}, {names['tag']!r}, field='ok')\n")
    name = unique("from-a-file")
    cli = [sys.executable, "-m", "jupyter_faas"]
    made = subprocess.run(
        [*cli, "composition", "create", name, str(file)], env=env, capture_output=True, text=True, timeout=120
    )
    assert made.returncode == 0, made.stderr
    assert f"ok: created composition {name}: when({names['gate']}.ok, {names['tag']})" in made.stderr
    assert json.loads(made.stdout)["name"] == name
    invoked = subprocess.run(
        [*cli, "invoke", name, "-p", "score", "1", "-p", "n", "3", "--blocking"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert invoked.returncode == 0, invoked.stderr
    activation_id = json.loads(invoked.stdout)["activationId"]
    shown = subprocess.run(
        [*cli, "composition", "path", activation_id], env=env, capture_output=True, text=True, timeout=120
    )
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == f"Composition {name}: activation {activation_id}  success"
    assert lines[1].split()[0] == names["gate"] and lines[2] == f"  ? when {names['gate']}.ok is true: then"
    assert lines[3].split()[0] == names["tag"] and lines[4] == "  result {"
    bad = subprocess.run(
        [*cli, "composition", "create", name, "-e", "sequence("], env=env, capture_output=True, text=True
    )
    assert bad.returncode == 1 and "the expression is not valid Python" in bad.stderr
