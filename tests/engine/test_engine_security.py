"""The engine is no open door (issue 11, points 1 and 2), attacked for real.

* Its own key: created at first start in the data directory (0600, folder 0700), unreadable by another
  local user (``nobody``, when the tests run as root), never in ``/proc/<pid>/cmdline`` or
  ``/proc/<pid>/environ`` of the engine nor of any ancestor of an action process; the public guest key
  is refused unless asked for with ``--auth guest``; a literal key on the command line is refused.
* Browser defences: a foreign ``Host`` (DNS rebinding) and a foreign ``Origin`` are refused even with the
  right key; an allowed Origin is echoed in CORS headers; form and text bodies stay 415.
"""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from helpers.engine import OwSession, deploy, unique

from jupyter_faas.contract import GUEST_KEY
from jupyter_faas.engine import EngineHandle

ANCESTRY = """
import os

def main(args):
    seen = []
    pid = os.getpid()
    while pid > 1:
        entry = {"pid": pid}
        for part in ("cmdline", "environ"):
            try:
                with open(f"/proc/{pid}/{part}", "rb") as f:
                    entry[part] = f.read().decode("utf-8", "replace")
            except OSError as exc:
                entry[part] = f"unreadable: {exc}"
        seen.append(entry)
        with open(f"/proc/{pid}/stat") as f:
            pid = int(f.read().rsplit(")", 1)[1].split()[1])
    return {"ancestors": seen}
"""


def _basic(key: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(key.encode()).decode()}


def _proc_text(pid: int, part: str) -> str:
    return Path(f"/proc/{pid}/{part}").read_bytes().decode("utf-8", "replace")


def test_own_key_is_made_private_and_the_guest_key_is_refused(engine: EngineHandle):
    key_file = engine.data_dir / "auth.key"
    assert key_file.read_text().strip() == engine.auth
    assert engine.auth != GUEST_KEY
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(engine.data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((engine.data_dir / "engine.json").stat().st_mode) == 0o600
    url = engine.url + "/namespaces/_/actions"
    assert requests.get(url, headers=_basic(GUEST_KEY), timeout=10).status_code == 401
    assert requests.get(url, headers=_basic(engine.auth), timeout=10).status_code == 200


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run a command as another local user")
def test_another_local_user_cannot_read_the_key(engine: EngineHandle):
    for path in (engine.data_dir / "auth.key", engine.data_dir / "engine.json"):
        out = subprocess.run(["cat", str(path)], user="nobody", capture_output=True, text=True)
        assert out.returncode != 0 and "Permission denied" in out.stderr
        assert engine.auth.partition(":")[2] not in out.stdout


def test_the_key_is_in_no_cmdline_or_environment_of_the_engine_or_an_actions_ancestors(
    ow: OwSession, engine: EngineHandle
):
    secret = engine.auth.partition(":")[2]
    for part in ("cmdline", "environ"):
        assert secret not in _proc_text(engine.pid, part)
    name = unique("ancestry")
    deploy(ow, name, ANCESTRY)
    r = ow.post(ow.ns(f"actions/{name}?blocking=true&result=true"), json={})
    assert r.status_code == 200, r.text
    ancestors = r.json()["ancestors"]
    pids = [a["pid"] for a in ancestors]
    assert engine.pid in pids  # the walk went through the engine, up to init
    for entry in ancestors:
        assert secret not in entry["cmdline"] and secret not in entry["environ"], entry["pid"]


def test_a_key_given_to_start_travels_on_stdin_not_argv_or_env(start_engine, tmp_path: Path):
    given = "0f0f0f0f-1111-2222-3333-444444444444:" + "k" * 64
    handle = start_engine(data_dir=tmp_path / "given", auth=given)
    url = handle.url + "/namespaces/_/actions"
    assert requests.get(url, headers=_basic(given), timeout=10).status_code == 200
    assert requests.get(url, headers=_basic(GUEST_KEY), timeout=10).status_code == 401
    for part in ("cmdline", "environ"):
        assert "k" * 64 not in _proc_text(handle.pid, part)
    assert json.loads((handle.data_dir / "engine.json").read_text())["auth"] == "given"


def test_the_guest_key_only_when_asked_for_with_a_warning(start_engine, tmp_path: Path):
    handle = start_engine(data_dir=tmp_path / "guest", auth="guest")
    assert handle.auth == GUEST_KEY
    r = requests.get(handle.url + "/namespaces", headers=_basic(GUEST_KEY), timeout=10)
    assert r.json() == ["guest"]
    log = handle.data_dir / "engine.log"
    deadline = time.monotonic() + 10
    while "public guest key" not in log.read_text():
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.05)
    assert log.read_text().count("public guest key") == 1
    assert not (handle.data_dir / "auth.key").exists()


def test_a_literal_key_on_the_command_line_is_refused(tmp_path: Path):
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyter_faas.engine.server",
            "--data-dir",
            str(tmp_path),
            "--auth",
            GUEST_KEY,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2
    assert "visible to every local user" in out.stderr and "--auth @FILE" in out.stderr
    assert "k:v" not in out.stderr


# -- browser defences ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    ["evil.example", "evil.example:3233", "127.0.0.1.nip.io", "localhost.evil.example", "[::2]:80"],
)
def test_a_foreign_host_header_is_refused_even_with_the_key(ow: OwSession, engine: EngineHandle, host: str):
    for path in ("/api/v1", "/api/v1/namespaces/_/actions", "/"):
        r = ow.get(f"{engine.apihost}{path}", headers={"Host": host})
        assert r.status_code == 403, (path, r.text)
        assert "DNS rebinding" in r.json()["error"] and "--allow-host" in r.json()["error"]


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]", "LOCALHOST:1234"])
def test_local_host_names_are_accepted(ow: OwSession, engine: EngineHandle, host: str):
    r = ow.get(ow.ns("actions"), headers={"Host": host})
    assert r.status_code == 200, r.text


def test_a_foreign_origin_is_refused_even_with_the_key_and_without_cors_headers(ow: OwSession):
    name = unique("origin")
    for origin in ("http://evil.example", "null", "http://127.0.0.1:8888"):
        r = ow.put(
            ow.ns(f"actions/{name}"),
            json={"exec": {"kind": "python:3.11", "code": "def main(a): return a"}},
            headers={"Origin": origin},
        )
        assert r.status_code == 403, r.text
        assert "origin" in r.json()["error"] and "--allow-origin" in r.json()["error"]
        assert "Access-Control-Allow-Origin" not in r.headers
    assert ow.get(ow.ns(f"actions/{name}")).status_code == 404  # nothing was created
    preflight = requests.options(ow.ns(f"actions/{name}"), headers={"Origin": "http://evil.example"})
    assert preflight.status_code == 403


def test_an_allowed_origin_and_host_are_served_with_cors(start_engine, tmp_path: Path):
    handle = start_engine(
        data_dir=tmp_path / "cors",
        extra_args=["--allow-origin", "http://localhost:8888", "--allow-host", "faas.test"],
    )
    url = handle.url + "/namespaces/_/actions"
    key = _basic(handle.auth)
    r = requests.get(url, headers={**key, "Origin": "http://localhost:8888"}, timeout=10)
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == "http://localhost:8888"
    assert "Authorization" in r.headers["Access-Control-Allow-Headers"]
    preflight = requests.options(url, headers={"Origin": "http://localhost:8888"}, timeout=10)
    assert preflight.status_code == 200  # a preflight carries no key
    assert preflight.headers["Access-Control-Allow-Origin"] == "http://localhost:8888"
    assert requests.get(url, headers={**key, "Host": "faas.test:80"}, timeout=10).status_code == 200
    assert requests.get(url, headers={**key, "Origin": "http://other:8888"}, timeout=10).status_code == 403


MULTIPART = b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--\r\n'


@pytest.mark.parametrize(
    "ctype, body",
    [
        ("application/x-www-form-urlencoded", b"a=b"),
        ("text/plain", b'{"exec": {"kind": "python:3.11", "code": "x"}}'),
        ("multipart/form-data; boundary=x", MULTIPART),
    ],
)
def test_form_and_text_bodies_stay_refused(ow: OwSession, ctype: str, body: bytes):
    """What an HTML form or a no-CORS fetch can send is never taken as JSON."""
    name = unique("form")
    r = ow.put(ow.ns(f"actions/{name}"), data=body, headers={"Content-Type": ctype})
    assert r.status_code == 415, r.text
    assert ow.get(ow.ns(f"actions/{name}")).status_code == 404
