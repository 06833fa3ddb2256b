"""``%faas_invoke`` (blocking, ``--async``, ``--result``, ``--timeout``), ``%faas_poll``,
``%faas_activations``, ``%faas_logs``, ``%faas_stats``, ``%faas_actions``, ``%faas_delete`` and
``%faas_config`` in a real IPython shell against a real engine: the returned objects and their renderings."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from helpers.shell import TestingShell, open_shell
from IPython.core.error import UsageError

from jupyter_faas.config import mask_key
from jupyter_faas.display import ActionList, Activation, ActivationList, ConfigView, Logs, Stats
from jupyter_faas.engine import EngineHandle

ECHO = """%%faas_deploy --name {name} --no-test
import time

class Echo:
    def predict(self, **params):
        print("echoing", sorted(params))
        time.sleep(float(params.get("sleep", 0)))
        return {"echo": params}
"""

# a 1x1 PNG, built by the action itself so no image file is needed
PIXEL = """%%faas_deploy --name {name} --no-test
import base64
import struct
import zlib

def png():
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    raw = zlib.compress(b"\\x00\\xff\\x00\\x00")
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    data = b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
    return base64.b64encode(data).decode()

class Pixel:
    def predict(self):
        return {"crop": png(), "w": 1}
"""


@pytest.fixture
def shell(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, engine: EngineHandle) -> TestingShell:
    return open_shell(monkeypatch, tmp_path, engine)


@pytest.fixture
def echo(shell: TestingShell) -> str:
    name = f"echo-{os.getpid()}"
    shell.cell(ECHO.replace("{name}", name))
    return name


def test_blocking_invoke_returns_an_activation_with_html_and_text(shell: TestingShell, echo: str) -> None:
    act = shell.cell(f"act = %faas_invoke {echo} name=Ada n=3 flag=true\nact")
    assert isinstance(act, Activation) and shell.user_ns["act"] is act
    assert act.result == {"echo": {"name": "Ada", "n": 3, "flag": True}}
    assert act.success and act.status == "success" and len(act.activation_id) == 32
    assert act.cold is not None and act.duration_ms is not None and act.version == "0.0.1"
    html = act._repr_html_()
    assert act.activation_id in html and "success" in html and ("cold" in html or "warm" in html)
    assert "&quot;Ada&quot;" in html and "<table" in html
    text = repr(act)
    assert f"Activation {act.activation_id} of {echo}" in text and '"name": "Ada"' in text


def test_json_payload_and_result_only(shell: TestingShell, echo: str) -> None:
    result = shell.cell(f"""%faas_invoke {echo} {{"who": "Bo", "list": [1, 2]}} --result""")
    assert result == {"echo": {"who": "Bo", "list": [1, 2]}}
    quoted = shell.cell(f"""%faas_invoke {echo} '{{"a": 1}}' b=2 --result""")
    assert quoted == {"echo": {"a": 1, "b": 2}}
    shell.user_ns["who"] = "Cy"
    assert shell.cell(f"%faas_invoke {echo} name=$who --result") == {"echo": {"name": "Cy"}}


def test_async_invoke_then_poll(shell: TestingShell, echo: str) -> None:
    pending = shell.cell(f"pending = %faas_invoke {echo} x=1 --async\npending")
    assert pending.pending and pending.result is None and pending.status == "pending"
    assert "%faas_poll" in repr(pending) and "pending" in pending._repr_html_()
    done = shell.cell("%faas_poll {pending.activation_id} --timeout 60")
    assert isinstance(done, Activation) and done.activation_id == pending.activation_id
    assert done.result == {"echo": {"x": 1}}
    assert any("echoing ['x']" in line for line in done.logs)


def test_a_wait_shorter_than_the_action_gives_the_activation_id(shell: TestingShell, echo: str) -> None:
    with pytest.raises(UsageError) as caught:
        shell.cell(f"%faas_invoke {echo} sleep=3 --timeout 1")
    message = str(caught.value)
    assert "did not finish within 1 s" in message
    activation_id = message.split("Activation ")[1].split()[0]
    done = shell.cell(f"%faas_poll {activation_id}")
    assert done.result == {"echo": {"sleep": 3}}


def test_interrupting_a_wait_leaves_the_activation_running(
    shell: TestingShell, echo: str, capsys: pytest.CaptureFixture[str], ctrl_c: Any
) -> None:
    ctrl_c(1.0)
    with pytest.raises(UsageError, match=r"Interrupted while invoking .*The activation goes on"):
        shell.cell(f"%faas_invoke {echo} sleep=3 marker=interrupted")
    assert "interrupted" in capsys.readouterr().out
    # nothing half-done: the activation finishes on the server, and is listed once its record is stored
    wanted = {"echo": {"sleep": 3, "marker": "interrupted"}}
    deadline = time.monotonic() + 60
    found: list[Activation] = []
    while not found and time.monotonic() < deadline:
        time.sleep(0.25)
        listed = shell.cell(f"%faas_activations {echo} --limit 5")
        for summary in listed:
            full = shell.cell(f"%faas_poll {summary.activation_id}")
            if full.result == wanted:
                found.append(full)
    assert found and found[0].success


def test_activations_logs_and_stats(shell: TestingShell, echo: str) -> None:
    ids = [shell.cell(f"%faas_invoke {echo} i={i}").activation_id for i in range(3)]
    listing = shell.cell(f"%faas_activations {echo} --limit 2")
    assert isinstance(listing, ActivationList) and len(listing) == 2
    assert [a.activation_id for a in listing] == ids[::-1][:2]
    assert ids[-1] in repr(listing) and ids[-1] in listing._repr_html_()
    everything = shell.cell("%faas_activations")
    assert set(ids) <= {a.activation_id for a in everything}

    logs = shell.cell(f"%faas_logs {ids[0]}")
    assert isinstance(logs, Logs) and any("stdout: echoing ['i']" in line for line in logs)
    assert "echoing" in logs._repr_html_() and "echoing" in repr(logs)

    stats = shell.cell(f"%faas_stats {echo} --last 3")
    assert isinstance(stats, Stats) and stats.total.count == 3 and len(stats.records) == 3
    assert stats.total.cold + stats.total.warm == 3
    assert "p50 ms" in repr(stats) and 'class="jupyter-faas-stats"' in stats._repr_html_()
    assert "<img" not in stats._repr_html_()
    plotted = shell.cell(f"%faas_stats {echo} --plot")
    assert len(plotted.plots) == 2 and plotted._repr_html_().count("data:image/png;base64,") == 2
    assert all(png.startswith(b"\x89PNG") for png in plotted.plots)


def test_images_in_results_are_shown_as_images(shell: TestingShell) -> None:
    name = f"pixel-{os.getpid()}"
    shell.cell(PIXEL.replace("{name}", name))
    act = shell.cell(f"%faas_invoke {name}")
    html = act._repr_html_()
    assert '<img src="data:image/png;base64,' in html and "<figcaption>crop</figcaption>" in html
    assert "<image/png, " in repr(act)  # the text view names the image instead of printing base64


def test_actions_and_delete(shell: TestingShell, echo: str) -> None:
    actions = shell.cell("%faas_actions")
    assert isinstance(actions, ActionList) and echo in [a["name"] for a in actions]
    assert echo in repr(actions) and echo in actions._repr_html_()
    deleted = shell.cell(f"%faas_delete {echo}")
    assert [a["name"] for a in deleted] == [echo]
    assert echo not in [a["name"] for a in shell.cell("%faas_actions")]
    with pytest.raises(UsageError, match=f"action /_/{echo} does not exist") as caught:
        shell.cell(f"%faas_invoke {echo}")
    assert "%faas_actions" in str(caught.value)


def test_config_show_and_set_never_show_the_key(
    shell: TestingShell, engine: EngineHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    shown = shell.cell("%faas_config")
    assert isinstance(shown, ConfigView)
    rows = {name: (value, source) for name, value, source in shown.rows}
    assert rows["apihost"] == (engine.apihost, "environment (__OW_API_HOST)")
    assert rows["auth"] == (mask_key(engine.auth), "environment (__OW_API_KEY)")
    secret = engine.auth.split(":")[1]
    configured = shell.cell(
        f"%faas_config --apihost {engine.apihost} --auth {engine.auth} --namespace guest --insecure"
    )
    rows = {name: (value, source) for name, value, source in configured.rows}
    assert rows["apihost"] == (engine.apihost, "argument")
    assert rows["namespace"] == ("guest", "argument") and rows["insecure"] == ("true", "argument")
    assert "prefer AUTH in ~/.wskprops" in configured.note
    assert isinstance(shell.cell("%faas_actions"), ActionList)  # the settings are used
    again = shell.cell("%faas_config --show")
    everything = repr(configured) + configured._repr_html_() + repr(again) + again._repr_html_()
    assert secret not in everything + capsys.readouterr().out
    assert "****" in everything
    with pytest.raises(UsageError, match="--show only shows"):
        shell.cell("%faas_config --show --namespace x")
    with pytest.raises(UsageError, match="either --local or --apihost"):
        shell.cell("%faas_config --local --apihost http://127.0.0.1:1")


def test_progress_as_ipywidgets_or_text(
    shell: TestingShell, echo: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("JUPYTER_FAAS_PROGRESS", "widgets")
    capsys.readouterr()
    assert shell.cell(f"%faas_invoke {echo} w=1 --result") == {"echo": {"w": 1}}
    assert "HTML(value='Invoking " in capsys.readouterr().out
    monkeypatch.setenv("JUPYTER_FAAS_PROGRESS", "text")
    assert shell.cell(f"%faas_invoke {echo} t=1 --result") == {"echo": {"t": 1}}
    out = capsys.readouterr().out
    assert f"Invoking {echo} ..." in out and f"Invoking {echo}: done in" in out


# -- issue 12, point 3: magic lines parse like a shell ---------------------------------------------------


def test_parameters_parse_like_a_shell(shell: TestingShell, echo: str) -> None:
    line = (
        f'%faas_invoke {echo} label="a quoted label" single=\'it is\' esc="say \\"hi\\"" empty= '
        'n=3 flag=true none=null xs=[1,2] obj=\'{"a": [1, 2]}\' text="3" --result'
    )
    assert shell.cell(line) == {
        "echo": {
            "label": "a quoted label",
            "single": "it is",
            "esc": 'say "hi"',
            "empty": "",
            "n": 3,
            "flag": True,
            "none": None,
            "xs": [1, 2],
            "obj": {"a": [1, 2]},
            "text": 3,
        }
    }
    spaced = shell.cell(f'%faas_invoke {echo} {{"label": "a b c", "n": 1}} more="x y" --result')
    assert spaced == {"echo": {"label": "a b c", "n": 1, "more": "x y"}}
    shell.user_ns["who"] = "Ada Lovelace"
    assert shell.cell(f'%faas_invoke {echo} name="{{who}}" --result') == {"echo": {"name": "Ada Lovelace"}}


def test_a_line_that_does_not_parse_says_how_to_quote(shell: TestingShell, echo: str) -> None:
    for line, expected in (
        (f'%faas_invoke {echo} label="unclosed', "No closing quotation"),
        (f"%faas_invoke {echo} a b", "'a' is not key=value"),
        (f"%faas_invoke {echo} [1, 2]", "must be a JSON object"),
    ):
        with pytest.raises(UsageError) as caught:
            shell.cell(line)
        assert expected in str(caught.value) and 'key="a b"' in str(caught.value), line


def test_deploy_params_and_fire_payloads_use_the_same_parser(shell: TestingShell) -> None:
    name = f"greeter-{os.getpid()}"
    shell.cell(
        f'%%faas_deploy --name {name} --no-test --param greeting "hello there" --param n 2\n'
        "class Greeter:\n    def predict(self, greeting, n, who='you'):\n"
        "        return {'text': f'{greeting}, {who}', 'n': n}\n"
    )
    assert shell.cell(f'%faas_invoke {name} who="Ada L." --result') == {"text": "hello there, Ada L.", "n": 2}
    trigger = f"t-{os.getpid()}"
    shell.cell(f"%faas_trigger {trigger}")
    shell.cell(f"%faas_rule r-{os.getpid()} {trigger} {name}")
    trace = shell.cell(f'%faas_fire {trigger} who="B. C." n=5')
    result = trace.trace.firings[0].record["response"]["result"]
    assert result == {"text": "hello there, B. C.", "n": 5}


def test_a_web_deploy_shows_its_url_in_the_summary_and_the_actions_list(
    shell: TestingShell, engine: EngineHandle
) -> None:
    name = f"webecho-{os.getpid()}"
    deployed = shell.cell(ECHO.replace("{name}", name).replace("--no-test", "--no-test --web"))
    url = f"{engine.apihost}/api/v1/web/guest/default/{name}"
    assert deployed.url == url and f"Web action: POST {url}.json" in repr(deployed)
    actions = shell.cell("%faas_actions")
    assert "web URL" in repr(actions) and url in repr(actions) and url in actions._repr_html_()
    assert requests.get(url + ".json", params={"n": "2"}, timeout=60).json() == {"echo": {"n": 2}}
