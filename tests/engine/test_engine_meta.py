"""The engine's descriptive routes, authentication and routing errors, over real HTTP."""

from __future__ import annotations

import re
import time

import pytest
import requests
from helpers.engine import OwSession

from jupyter_faas.engine.alarms import AlarmsWebHandler
from jupyter_faas.engine.app import ROUTES
from jupyter_faas.errors import EngineError
from jupyter_faas.runtime.environments import find_interpreter

AUTH_MISSING = "The resource requires authentication, which was not supplied with the request"
AUTH_INVALID = "The supplied authentication is invalid"
REALM = 'Basic realm="OpenWhisk secure realm"'


def _error(r: requests.Response, status: int) -> str:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error", "code"}
    assert re.fullmatch(r"[0-9a-zA-Z]{32}", body["code"])
    return str(body["error"])


def test_api_info_needs_no_auth(engine):
    r = requests.get(engine.url)
    assert r.status_code == 200
    body = r.json()
    assert body["description"] == "OpenWhisk API"
    assert body["api_version"] == "1.0.0" and body["api_version_path"] == "v1"
    assert {"build", "buildno", "swagger_paths"} <= set(body)


def test_root_info_lists_limits_and_runtimes(engine):
    body = requests.get(engine.apihost + "/").json()
    assert body["api_paths"] == ["/api/v1"]
    assert body["limits"]["concurrent_actions"] == 30
    assert body["limits"]["max_action_memory"] == 512 * 1024 * 1024
    kinds = [r["kind"] for r in body["runtimes"]["python"]]
    assert kinds[:2] == ["python:3.10", "python:3.11"]  # the stock deployment's, always
    for extra in ("3.12", "3.13"):  # the others where this machine has their interpreter
        try:
            find_interpreter(extra)
            assert f"python:{extra}" in kinds
        except EngineError:
            assert f"python:{extra}" not in kinds
    assert [r["kind"] for r in body["runtimes"]["python"] if r["default"]] == ["python:3.10"]


def test_missing_auth_is_401_with_challenge(engine):
    r = requests.get(engine.url + "/namespaces")
    assert _error(r, 401) == AUTH_MISSING
    assert r.headers["WWW-Authenticate"] == REALM


@pytest.mark.parametrize("auth", [("23bc46b1-71f6-4ed5-8c54-816aa4f8c502", "wrong"), ("nobody", "x")])
def test_wrong_auth_is_401(engine, auth):
    r = requests.get(engine.url + "/namespaces", auth=auth)
    assert _error(r, 401) == AUTH_INVALID
    assert r.headers["WWW-Authenticate"] == REALM


def test_every_route_but_the_info_and_web_routes_requires_auth(engine):
    samples = {"([^/]+)": "x", "(result|logs)": "logs", "(/.*)?": "", "(?:\\.http)?": ".http", "\\.": "."}
    open_routes = {r"/", r"/api/v1/?"}
    checked = web = feed = 0
    for pattern, handler in ROUTES:
        path = pattern.replace("/?", "")
        for group, value in samples.items():
            path = path.replace(group, value)
        for method in ("GET", "PUT", "POST", "DELETE"):
            r = requests.request(method, engine.apihost + path, json={})
            if pattern in open_routes:
                continue
            if handler is AlarmsWebHandler:  # the alarms provider checks the body's authKey instead
                assert r.status_code == 400, (method, path, r.text)
                assert r.json() == {"error": "no trigger name parameter was provided"}
                feed += 1
                continue
            if path.startswith("/api/v1/web"):  # public by design: no key asked, and nothing exported here
                assert r.status_code == 404, (method, path, r.text)
                assert "WWW-Authenticate" not in r.headers
                web += 1
                continue
            assert r.status_code == 401, (method, path, r.text)
            checked += 1
    assert web == 8 and feed == 4
    assert checked >= 4 * (len(ROUTES) - 5)


def test_namespaces_and_limits(ow: OwSession):
    assert ow.get(ow.engine.url + "/namespaces").json() == ["guest"]
    limits = ow.get(ow.ns("limits")).json()
    assert limits["concurrentInvocations"] == 30
    assert (limits["minActionMemory"], limits["maxActionMemory"]) == (128, 512)
    assert (limits["minActionTimeout"], limits["maxActionTimeout"]) == (100, 300000)


def test_other_namespace_is_403(ow: OwSession):
    r = ow.get(ow.engine.url + "/namespaces/someone/actions")
    assert _error(r, 403) == "The supplied authentication is not authorized to access 'someone'."
    r = ow.get(ow.engine.url + "/namespaces/someone/actions/foo")
    assert _error(r, 403) == "The supplied authentication is not authorized to access 'someone/foo'."
    assert ow.get(ow.engine.url + "/namespaces/guest/actions").status_code == 200


def test_unknown_route_is_404_and_wrong_method_405(ow: OwSession):
    assert _error(ow.get(ow.ns("nothing-here")), 404) == "The requested resource could not be found."
    r = ow.delete(ow.ns("actions"))
    assert _error(r, 405) == "HTTP method not allowed, supported methods: GET"


def test_the_key_never_reaches_the_log(ow: OwSession):
    ow.get(ow.ns("actions?limit=7"))
    log = ow.engine.data_dir / "engine.log"
    end = time.monotonic() + 30
    while "GET /api/v1/namespaces/_/actions" not in log.read_text():  # the log is written in batches
        assert time.monotonic() < end, "the request never reached the log"
        time.sleep(0.05)
    text = log.read_text()
    key = ow.engine.auth.partition(":")[2]
    assert "limit=7" not in text  # no query strings either
    assert key not in text and "Authorization" not in text
