"""Web actions made by the client, the CLI and a deploy, then called over HTTP as an application would:
the annotations of ``wsk --web``/``--web-secure`` (openwhisk-cli ``action.go``), ``url()`` and
``action get --url``, and a redeploy that keeps an action a web action (contract part 2, 1.2)."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from helpers.cli import make_cli
from helpers.engine import unique

from jupyter_faas.build import BuildOptions, build, deploy
from jupyter_faas.config import resolve
from jupyter_faas.engine import EngineHandle
from jupyter_faas.errors import InvalidRequest
from jupyter_faas.openwhisk import Client

ROOT = Path(__file__).resolve().parents[2]
CODE = "def main(a):\n    return {'hello': a.get('name', 'world')}\n"


@pytest.fixture
def client(engine: EngineHandle):
    with Client(resolve(apihost=engine.apihost, auth=engine.auth, start_engine=False)) as c:
        yield c


def notes(action: dict) -> dict:
    return {a["key"]: a["value"] for a in action["annotations"]}


def test_web_true_then_raw_then_false_set_wsks_three_annotations(client: Client, engine: EngineHandle):
    name = unique("cweb")
    made = client.actions.update(name, CODE, kind="python:3.11", web=True, annotations={"mine": 1})
    assert {k: notes(made)[k] for k in ("web-export", "raw-http", "final", "mine")} == {
        "web-export": True, "raw-http": False, "final": True, "mine": 1}  # fmt: skip
    url = client.actions.url(name)
    assert url == f"{engine.apihost}/api/v1/web/guest/default/{name}"
    assert requests.get(url + ".json", params={"name": "ann"}).json() == {"hello": "ann"}
    raw = client.actions.update(name, web="raw")
    assert (notes(raw)["raw-http"], notes(raw)["mine"]) == (True, 1)  # the other annotations stay
    off = client.actions.update(name, web=False)
    assert (notes(off)["web-export"], notes(off)["final"]) == (False, False)
    assert requests.get(url + ".json").status_code == 404
    with pytest.raises(InvalidRequest, match="not a web action"):
        client.actions.url(name)


def test_web_secure_a_secret_a_random_number_or_none(client: Client, engine: EngineHandle):
    name = unique("csecure")
    client.actions.update(name, CODE, kind="python:3.11", web=True, web_secure="s3cret")
    url = client.actions.url(name, ".json")
    assert requests.get(url).status_code == 401
    assert requests.get(url, headers={"X-Require-Whisk-Auth": "s3cret"}).json() == {"hello": "world"}
    random = notes(client.actions.update(name, web_secure=True))["require-whisk-auth"]
    assert isinstance(random, int) and 0 < random < 2**53
    assert requests.get(url, headers={"X-Require-Whisk-Auth": str(random)}).status_code == 200
    assert notes(client.actions.update(name, web_secure=False))["require-whisk-auth"] is False
    assert requests.get(url).status_code == 200
    with pytest.raises(InvalidRequest, match="--web takes true, raw or false"):
        client.actions.update(name, web="maybe")


def test_the_cli_creates_a_web_action_and_prints_its_url(engine: EngineHandle, tmp_path: Path):
    cli = make_cli(engine, tmp_path)
    source = tmp_path / "hello.py"
    source.write_text(CODE)
    name = unique("cliweb")
    created = cli("action", "create", name, str(source), "--kind", "python:3.11", "--web")
    url = f"{engine.apihost}/api/v1/web/guest/default/{name}"
    assert f"web action: {url}" in created.stderr + created.stdout
    assert cli("action", "get", name, "--url").stdout.strip() == url
    assert requests.get(url + ".json").json() == {"hello": "world"}
    plain = unique("cliplain")
    cli("action", "create", plain, str(source), "--kind", "python:3.11")
    rest = f"{engine.apihost}/api/v1/namespaces/guest/actions/{plain}"
    assert cli("action", "get", plain, "--url").stdout.strip() == rest  # as wsk, for a non-web action


def test_a_redeploy_without_web_keeps_a_web_action(client: Client, engine: EngineHandle, tmp_path: Path):
    notebook = ROOT / "tests" / "fixtures" / "scorer" / "notebook.ipynb"
    name = unique("scorer-web")
    options = BuildOptions(class_name="Scorer", name=name, web="true", no_test=True, output=tmp_path / "a")
    first = deploy(build(str(notebook), options), client)
    assert first.url == f"{engine.apihost}/api/v1/web/guest/default/{name}"
    scores = requests.post(first.url + ".json", data={"sentence": "Hello World"}).json()
    assert scores["scores"] == [["hello", 52], ["world", 72]]
    again = BuildOptions(class_name="Scorer", name=name, no_test=True, memory=192, output=tmp_path / "b")
    second = deploy(build(str(notebook), again), client)
    assert second.url == first.url and notes(second.action)["web-export"] is True
    assert "Web action: POST " in second.describe()
