"""``jupyter-faas action create --sequence``, ``trigger``, ``rule`` and ``package`` as real subprocesses
against a real engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers.cli import Cli, make_cli
from helpers.engine import unique

from jupyter_faas.engine import EngineHandle

INC = "def main(args):\n    return {'n': args.get('n', 0) + 1}\n"


@pytest.fixture
def cli(engine: EngineHandle, tmp_path: Path) -> Cli:
    return make_cli(engine, tmp_path)


def test_sequence_trigger_rule_fire_trace(cli: Cli, tmp_path: Path) -> None:
    code = tmp_path / "inc.py"
    code.write_text(INC)
    inc, seq, trigger, rule = unique("inc"), unique("seq"), unique("t"), unique("r")
    cli("action", "create", inc, str(code), "--kind", "python:3.11")
    out = cli("action", "create", seq, "--sequence", f"{inc},{inc},{inc}")
    assert json.loads(out.stdout)["exec"]["components"] == [f"/guest/{inc}"] * 3
    cli("trigger", "create", trigger, "-p", "n", "1")
    out = cli("trigger", "fire", trigger)
    assert "no rule is active" in out.stderr
    out = cli("rule", "create", rule, trigger, seq)
    assert json.loads(out.stdout)["status"] == "active"
    out = cli("trigger", "fire", trigger, "-p", "n", "10", "--trace")
    assert f"rule guest/{rule} -> guest/{seq}" in out.stdout
    assert out.stdout.count(f"      {inc}") == 3
    assert 'result: {"n": 13}' in out.stdout
    cli("rule", "disable", rule)
    assert json.loads(cli("rule", "get", rule).stdout)["status"] == "inactive"
    cli("rule", "enable", rule)
    assert rule in cli("rule", "list").stdout
    out = cli("rule", "create", unique("r"), trigger, "nope", ok=False)
    assert "action /guest/nope does not exist" in out.stderr
    cli("rule", "delete", rule)
    cli("trigger", "delete", trigger)
    assert trigger not in cli("trigger", "list").stdout


def test_package_and_binding(cli: Cli, tmp_path: Path) -> None:
    code = tmp_path / "inc.py"
    code.write_text(INC)
    pkg, binding = unique("pkg"), unique("bind")
    cli("package", "create", pkg, "-p", "n", "100")
    cli("action", "create", f"{pkg}/inc", str(code), "--kind", "python:3.11")
    cli("package", "bind", pkg, binding, "-p", "n", "1000")
    out = cli("invoke", f"{binding}/inc", "--result")
    assert json.loads(out.stdout) == {"n": 1001}
    out = cli("package", "delete", pkg, ok=False)
    assert "Package not empty" in out.stderr
    cli("package", "delete", pkg, "--force")


def test_trigger_create_with_a_feed_and_delete(cli: Cli) -> None:
    trigger = unique("t")
    out = cli("trigger", "create", trigger, "--feed", "/whisk.system/alarms/alarm", "-p", "cron", "0 0 1 1 *")
    annotations = json.loads(out.stdout)["annotations"]
    assert {"key": "feed", "value": "/whisk.system/alarms/alarm"} in annotations
    assert json.loads(out.stdout)["parameters"] == []  # -p went to the feed, as wsk sends it
    bad = cli(
        "trigger", "create", unique("t"), "-f", "/whisk.system/alarms/alarm", "-p", "cron", "x", ok=False
    )
    assert (
        "Unable to configure feed '/whisk.system/alarms/alarm': cron pattern 'x' is not valid" in bad.stderr
    )
    cli("trigger", "delete", trigger)
    gone = cli("trigger", "get", trigger, ok=False).stderr
    assert f"trigger /_/{trigger} does not exist" in gone and "`jupyter-faas trigger list`" in gone
