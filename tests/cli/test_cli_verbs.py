"""Every client verb of the ``jupyter-faas`` command, run as a real subprocess against a real engine."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from helpers.cli import SECRET, Cli, make_cli
from helpers.engine import unique

from jupyter_faas.config import mask_key
from jupyter_faas.engine import EngineHandle

ROOT = Path(__file__).resolve().parents[2]
CODE = (
    "def main(args):\n"
    "    print('got', args.get('n'))\n"
    "    return {'n': args.get('n', 0) * 2, 'who': args.get('who')}\n"
)


@pytest.fixture
def cli(engine: EngineHandle, tmp_path: Path) -> Cli:
    return make_cli(engine, tmp_path)


def test_config_shows_values_and_sources_with_a_masked_key(cli: Cli, engine: EngineHandle) -> None:
    out = cli("config").stdout
    assert engine.apihost in out and "environment (__OW_API_HOST)" in out
    assert mask_key(engine.auth) in out and "environment (__OW_API_KEY)" in out
    assert engine.auth.partition(":")[2] not in out
    data = json.loads(cli("config", "--json", "--namespace", "guest").stdout)
    assert data["namespace"] == {"value": "guest", "source": "argument"}


def test_config_wskprops_writes_what_another_client_needs_on_request_only(
    cli: Cli, engine: EngineHandle, tmp_path: Path
) -> None:
    secret = engine.auth.partition(":")[2]
    target = tmp_path / "wskprops"
    done = cli("config", "--wskprops", str(target))
    assert secret not in done.stdout + done.stderr and mask_key(engine.auth) in done.stderr
    assert target.read_text() == f"APIHOST={engine.apihost}\nAUTH={engine.auth}\n"
    assert target.stat().st_mode & 0o777 == 0o600
    assert cli("config", "--wskprops", "-").stdout == target.read_text()  # asked for on stdout: shown


def test_config_from_wskprops_and_the_embedded_fallback(cli: Cli, tmp_path: Path) -> None:
    props = tmp_path / "props"
    props.write_text(f"APIHOST=openwhisk.example.com\nAUTH=abcdefgh-0000:{SECRET}\nAPIGW_ACCESS_TOKEN=t\n")
    env = {"__OW_API_HOST": "", "__OW_API_KEY": "", "WSK_CONFIG_FILE": str(props)}
    data = json.loads(cli("config", "--json", env=env).stdout)
    assert data["apihost"] == {
        "value": "https://openwhisk.example.com",
        "source": f"WSK_CONFIG_FILE ({props})",
    }
    assert data["auth"]["value"] == "abcdefgh-...:****"
    data = json.loads(cli("config", "--json", env={"__OW_API_HOST": "", "__OW_API_KEY": ""}).stdout)
    assert data["apihost"]["source"].startswith("embedded engine")


def test_action_lifecycle(cli: Cli, tmp_path: Path) -> None:
    name = unique("cli")
    source = tmp_path / "double.py"
    source.write_text(CODE)
    out = cli(
        "action", "create", name, str(source), "--kind", "python:3.11", "-p", "who", "cli", "--memory", "128"
    )
    assert f"ok: created action /guest/{name}" in out.stderr
    created = json.loads(out.stdout)
    assert created["limits"]["memory"] == 128 and created["parameters"] == [{"key": "who", "value": "cli"}]
    assert name in cli("action", "list").stdout
    got = json.loads(cli("action", "get", name, "--code").stdout)
    assert got["exec"]["code"] == CODE
    assert (
        cli("action", "get", name, "--url")
        .stdout.strip()
        .endswith(f"/api/v1/namespaces/guest/actions/{name}")
    )
    out = cli("action", "update", name, "--timeout", "3000", "-a", "team", '"vision"')
    updated = json.loads(out.stdout)
    assert updated["version"] == "0.0.2" and updated["limits"]["timeout"] == 3000
    assert {"key": "team", "value": "vision"} in updated["annotations"]
    assert "ok: deleted" in cli("action", "delete", name).stderr
    assert name not in cli("action", "list").stdout


def test_zip_action_and_invoke_modes(cli: Cli, tmp_path: Path) -> None:
    name = unique("clizip")
    archive = tmp_path / "action.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("__main__.py", CODE.replace("def main", "def run"))
    archive.write_bytes(buffer.getvalue())
    cli("action", "create", name, str(archive), "--kind", "python:3.11", "--main", "run")
    assert json.loads(cli("invoke", name, "-p", "n", "21", "--result").stdout) == {"n": 42, "who": None}
    params = tmp_path / "params.json"
    params.write_text(json.dumps({"n": 1, "who": "file"}))
    record = json.loads(cli("invoke", name, "--param-file", str(params), "-p", "n", "5", "--blocking").stdout)
    assert record["response"]["result"] == {"n": 10, "who": "file"}
    out = cli("invoke", name, "-p", "n", "3")
    activation_id = json.loads(out.stdout)["activationId"]
    assert f"with id {activation_id}" in out.stderr


def test_activation_verbs(cli: Cli) -> None:
    name = unique("cliact")
    cli_source = Path(cli.env["HOME"]) / "a.py"
    cli_source.write_text(CODE)
    cli("action", "create", name, str(cli_source), "--kind", "python:3.11")
    record = json.loads(cli("invoke", name, "-p", "n", "4", "--blocking").stdout)
    activation_id = record["activationId"]
    listing = cli("activation", "list", name).stdout
    assert activation_id in listing and "success" in listing and f"guest/{name}:0.0.1" in listing
    assert json.loads(cli("activation", "get", activation_id).stdout)["activationId"] == activation_id
    assert json.loads(cli("activation", "result", activation_id).stdout) == {"n": 8, "who": None}
    logs = cli("activation", "logs", activation_id).stdout.splitlines()
    assert len(logs) == 1 and logs[0].endswith("stdout: got 4") and logs[0][:4].isdigit()
    assert cli("activation", "logs", "--last", "--action", name, "--strip").stdout.strip() == "got 4"
    assert json.loads(cli("activation", "result", "--last").stdout) == {"n": 8, "who": None}
    full = json.loads(cli("activation", "list", name, "--full", "--limit", "1").stdout)
    assert full[0]["response"]["result"] == {"n": 8, "who": None}


def test_activation_poll_prints_new_activations(cli: Cli) -> None:
    name = unique("clipoll")
    source = Path(cli.env["HOME"]) / "p.py"
    source.write_text(CODE)
    cli("action", "create", name, str(source), "--kind", "python:3.11")
    ids = [
        json.loads(cli("invoke", name, "-p", "n", str(i), "--blocking").stdout)["activationId"]
        for i in range(2)
    ]
    out = cli(
        "activation", "poll", name, "--since-seconds", "600", "--exit", "0.5", "--interval", "0.2"
    ).stdout
    for activation_id in ids:
        assert out.count(f"({activation_id})") == 1
    assert "stdout: got 1" in out


def test_stats_table_json_and_plots(cli: Cli, tmp_path: Path) -> None:
    name = unique("clistats")
    source = tmp_path / "s.py"
    source.write_text(CODE)
    cli("action", "create", name, str(source), "--kind", "python:3.11")
    for i in range(4):
        cli("invoke", name, "-p", "n", str(i), "--blocking")
    table = cli("stats", name).stdout.splitlines()
    assert table[0].split()[:6] == ["action", "version", "count", "cold", "warm", "success"]
    assert table[1].split()[:6] == [name, "0.0.1", "4", "1", "3", "100%"]
    rows = json.loads(cli("stats", name, "--json").stdout)
    assert rows[0]["count"] == 4 and rows[0]["cold"] == 1 and rows[0]["init"]["n"] == 1
    html, timeline, histogram = tmp_path / "s.html", tmp_path / "t.png", tmp_path / "h.png"
    cli("stats", name, "--html", str(html), "--timeline", str(timeline), "--histogram", str(histogram))
    assert html.read_text().startswith("<table") and name in html.read_text()
    assert timeline.read_bytes()[:4] == histogram.read_bytes()[:4] == b"\x89PNG"


def test_docker_action_on_a_stock_image(cli: Cli, tmp_path: Path) -> None:
    name = unique("clidocker")
    source = tmp_path / "d.py"
    source.write_text(CODE)
    created = json.loads(
        cli("action", "create", name, str(source), "--docker", "openwhisk/action-python-v3.11").stdout
    )
    assert created["exec"] == {"kind": "blackbox", "image": "openwhisk/action-python-v3.11", "binary": False}
    assert json.loads(cli("invoke", name, "-p", "n", "2", "-r").stdout) == {"n": 4, "who": None}


def test_failed_invoke_prints_the_record_and_the_id_to_look_at(cli: Cli, tmp_path: Path) -> None:
    name = unique("clifail")
    source = tmp_path / "f.py"
    source.write_text("def main(args):\n    raise RuntimeError('broken on purpose')\n")
    cli("action", "create", name, str(source), "--kind", "python:3.11")
    out = cli("invoke", name, "--blocking", ok=False)
    record = json.loads(out.stdout)
    assert record["response"]["status"] == "application error"
    assert "broken on purpose" in out.stderr
    assert f"jupyter-faas activation logs {record['activationId']}" in out.stderr
