"""Bad input on the command line: each gets one clear error line with its fix, exit status 1, no
traceback, and never the key (``Cli`` checks both on every run)."""

from __future__ import annotations

import json
import os
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.cli import SECRET, Cli, make_cli
from helpers.engine import unique
from helpers.remote import FakeOpenWhisk, serve_tls

from jupyter_faas.engine import EngineHandle

SLEEPY = "import time\ndef main(args):\n    time.sleep(args.get('s', 2))\n    return {}\n"
WRONG = "23bc46b1-71f6-4ed5-8c54-816aa4f8c502:" + "w" * 64


@pytest.fixture
def cli(engine: EngineHandle, tmp_path: Path) -> Cli:
    return make_cli(engine, tmp_path)


@pytest.fixture
def tls_fake(tmp_path: Path) -> Iterator[FakeOpenWhisk]:
    yield from serve_tls(tmp_path)


def error_of(out: object) -> str:
    stderr = str(getattr(out, "stderr", ""))
    assert stderr.startswith("error: "), stderr
    return stderr


def test_unknown_host_says_which_apihost_and_where_from(cli: Cli, tmp_path: Path) -> None:
    props = tmp_path / "props"
    props.write_text(f"APIHOST=nonexistent.invalid\nAUTH=abcdefgh-0000:{SECRET}\n")
    env = {"__OW_API_HOST": "", "__OW_API_KEY": "", "WSK_CONFIG_FILE": str(props)}
    text = error_of(cli("action", "list", ok=False, env=env))
    assert "Unknown host 'nonexistent.invalid'" in text and f"WSK_CONFIG_FILE ({props})" in text
    assert "https://nonexistent.invalid" in text  # no scheme meant https


def test_refused_connection(cli: Cli) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    text = error_of(cli("action", "list", "--apihost", f"http://127.0.0.1:{port}", ok=False))
    assert f"Connection refused by apihost http://127.0.0.1:{port} (from argument)" in text


def test_wrong_key_is_401_and_masked(cli: Cli) -> None:
    out = cli("action", "list", ok=False, env={"__OW_API_KEY": WRONG})
    text = error_of(out)
    assert "The supplied authentication is invalid" in text and "23bc46b1-...:****" in text
    assert "w" * 64 not in out.stdout + out.stderr


def test_another_namespace_is_403(cli: Cli) -> None:
    text = error_of(cli("action", "list", "--namespace", "someone-else", ok=False))
    assert "not authorized to access 'someone-else'" in text


def test_missing_action_and_activation_are_404_with_their_names(cli: Cli) -> None:
    assert "action /_/no-such-thing does not exist" in error_of(
        cli("action", "get", "no-such-thing", ok=False)
    )
    assert "no-such-thing does not exist" in error_of(cli("invoke", "no-such-thing", ok=False))
    ghost = "0123456789abcdef0123456789abcdef"
    assert f"activation {ghost} does not exist" in error_of(cli("activation", "get", ghost, ok=False))
    assert "32 hexadecimal digits" in error_of(cli("activation", "get", "abc", ok=False))


def test_conflict(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "a.py"
    source.write_text("def main(a):\n    return a\n")
    name = unique("conflict")
    cli("action", "create", name, str(source))
    text = error_of(cli("action", "create", name, str(source), ok=False))
    assert "resource already exists" in text and "jupyter-faas action update" in text


def test_payload_over_1mb_is_refused_before_sending(cli: Cli, tmp_path: Path) -> None:
    params = tmp_path / "big.json"
    params.write_text(json.dumps({"blob": "x" * (1024 * 1024 + 10)}))
    text = error_of(cli("invoke", "whatever", "--param-file", str(params), ok=False))
    assert "1048576" in text and "nothing was sent" in text


def test_zip_over_48mb_as_base64_is_refused_with_the_size_plan_numbers(cli: Cli, tmp_path: Path) -> None:
    archive = tmp_path / "huge.zip"
    size = 38 * 1024 * 1024
    archive.write_bytes(os.urandom(1024) * (size // 1024))
    text = error_of(cli("action", "create", "huge", str(archive), "--kind", "python:3.11", ok=False))
    assert str(size) in text and str(4 * ((size + 2) // 3)) in text and "50331648" in text
    assert "size plan" in text


def test_malformed_wskprops(cli: Cli) -> None:
    home = Path(cli.env["HOME"])
    (home / ".wskprops").write_text(f"APIHOST=127.0.0.1:3233\nAUTH {SECRET}\n")
    text = error_of(cli("action", "list", ok=False, env={"__OW_API_HOST": "", "__OW_API_KEY": ""}))
    assert f"Malformed properties file {home / '.wskprops'}, line 2" in text
    (home / ".wskprops").unlink()


def test_self_signed_certificate_without_and_with_insecure(cli: Cli, tls_fake: FakeOpenWhisk) -> None:
    text = error_of(cli("action", "list", "--apihost", tls_fake.apihost, ok=False))
    assert "TLS certificate" in text and "--insecure" in text
    out = cli("action", "list", "--apihost", tls_fake.apihost, "--insecure", "--json")
    assert json.loads(out.stdout) == ["guest"]  # the fake answers every GET with a namespace list


def test_an_activation_that_outlives_the_wait_is_reported_with_its_id(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "sleepy.py"
    source.write_text(SLEEPY)
    name = unique("sleepy")
    cli("action", "create", name, str(source), "--kind", "python:3.11")
    text = error_of(cli("invoke", name, "--blocking", "--timeout", "0.5", ok=False))
    found = re.search(r"Activation ([0-9a-f]{32}) ", text)
    assert found and f"jupyter-faas activation get {found.group(1)}" in text


@pytest.mark.parametrize(
    "args, expected",
    [
        (["action", "create", "x", "missing.py"], "does not exist"),
        (["action", "create", "x"], "needs code"),
        (["invoke", "bad$name"], "not a valid entity name"),
        (["invoke", "x", "--param-file", "/nonexistent/params.json"], "Cannot read the parameter file"),
    ],
)
def test_local_mistakes(cli: Cli, args: list[str], expected: str) -> None:
    assert expected in error_of(cli(*args, ok=False))


def test_zip_needs_a_kind_and_param_file_must_be_json(cli: Cli, tmp_path: Path) -> None:
    archive = tmp_path / "a.zip"
    archive.write_bytes(b"PK")
    assert "--kind" in error_of(cli("action", "create", "x", str(archive), ok=False))
    params = tmp_path / "p.json"
    params.write_text("{not json")
    assert "not valid JSON" in error_of(cli("invoke", "x", "--param-file", str(params), ok=False))
