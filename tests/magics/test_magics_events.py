"""``%faas_sequence``, ``%faas_trigger``, ``%faas_rule`` and ``%faas_fire`` in a real IPython shell against
a real engine: the objects they return and their renderings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers.shell import TestingShell, open_shell
from IPython.core.error import UsageError

from jupyter_faas.config import Config
from jupyter_faas.display import EntityView, TraceView
from jupyter_faas.engine import EngineHandle
from jupyter_faas.errors import NotFound
from jupyter_faas.openwhisk import Client

STEP = """%%faas_deploy --name {name} --no-test
class Step:
    def predict(self, n=0, **params):
        if n < 0:
            return {"error": f"negative: {n}"}
        return {"n": n + 1}
"""


@pytest.fixture
def shell(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, engine: EngineHandle) -> TestingShell:
    return open_shell(monkeypatch, tmp_path, engine)


def test_build_and_fire_a_pipeline(shell: TestingShell) -> None:
    tag = f"{os.getpid()}"
    step, seq, trigger, rule = f"step-{tag}", f"pipe-{tag}", f"arrived-{tag}", f"on-arrival-{tag}"
    shell.cell(STEP.replace("{name}", step))
    view = shell.cell(f"%faas_sequence {seq} {step} {step} {step}")
    assert isinstance(view, EntityView)
    assert view.doc["exec"]["components"] == [f"/guest/{step}"] * 3
    assert f"/guest/{step} -> /guest/{step}" in repr(view) and "components" in view._repr_html_()
    assert isinstance(shell.cell(f"%faas_trigger {trigger} n=1"), EntityView)
    assert shell.cell(f"%faas_fire {trigger}") is None  # no rule yet
    rule_view = shell.cell(f"%faas_rule {rule} {trigger} {seq}")
    assert rule_view.doc["status"] == "active"

    trace = shell.cell(f'%faas_fire {trigger} {{"n": 10}}')
    assert isinstance(trace, TraceView)
    assert trace.results() == {f"guest/{rule}": {"n": 13}}
    (firing,) = trace.firings
    assert [c["response"]["result"]["n"] for c in firing.components] == [11, 12, 13]
    text, html = repr(trace), trace._repr_html_()
    assert f"rule guest/{rule} -> guest/{seq}" in text and text.count(step) >= 3
    assert "component" in html and firing.activation_id in html

    failed = shell.cell(f"%faas_fire {trigger} n=-5")
    assert failed.results() == {f"guest/{rule}": {"error": "negative: -5"}}
    assert len(failed.firings[0].components) == 1  # the error stopped the sequence

    assert shell.cell(f"%faas_rule {rule} --disable").doc["status"] == "inactive"
    assert shell.cell(f"%faas_fire {trigger}") is None
    assert shell.cell(f"%faas_rule {rule} --enable").doc["status"] == "active"
    trigger_id = shell.cell(f"%faas_fire {trigger} --async")
    assert isinstance(trigger_id, str) and len(trigger_id) == 32
    shell.cell(f"%faas_rule {rule} --delete")
    shell.cell(f"%faas_trigger {trigger} --delete")


def test_errors_are_usage_errors(shell: TestingShell) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        shell.cell(f"%faas_fire no-such-trigger-{os.getpid()}")
    with pytest.raises(UsageError, match="Sequence component does not exist"):
        shell.cell(f"%faas_sequence bad-{os.getpid()} no-such-action-{os.getpid()}")
    with pytest.raises(UsageError, match="TRIGGER and ACTION"):
        shell.cell("%faas_rule some-rule only-a-trigger")


def test_a_trigger_fed_by_an_interval_alarm(shell: TestingShell, engine: EngineHandle) -> None:
    trigger = f"every-minute-{os.getpid()}"
    view = shell.cell(f"%faas_trigger {trigger} --feed /whisk.system/alarms/interval -p minutes 1")
    assert isinstance(view, EntityView)
    assert {"key": "feed", "value": "/whisk.system/alarms/interval"} in view.doc["annotations"]
    with Client(Config(apihost=engine.apihost, auth=engine.auth)) as client:
        read = client.feeds.get("/whisk.system/alarms/interval", trigger)["response"]["result"]
        assert read["config"]["minutes"] == 1 and read["status"]["active"] is True
        with pytest.raises(UsageError, match="the minutes parameter must be an integer greater than zero"):
            shell.cell(f"%faas_trigger {trigger}-bad --feed /whisk.system/alarms/interval -p minutes 0")
        with pytest.raises(NotFound):
            client.triggers.get(f"{trigger}-bad")  # a refused feed leaves no trigger behind
        shell.cell(f"%faas_trigger {trigger} --delete")
        with pytest.raises(NotFound):
            client.triggers.get(trigger)
