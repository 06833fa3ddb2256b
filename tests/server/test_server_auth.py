"""Every route of the server extension refuses a request without a token, and runs nothing for it.

Walks ``jupyter_faas.server.routes.ROUTES`` (the one route table), so a new route is covered as soon as it
is added. jupyter_server's XSRF check applies to requests that are not token-authenticated; a request with
neither a token nor an XSRF token must be refused (403) before the handler runs, and a browser logged in by
cookie must still send the XSRF token with every POST and DELETE.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from jupyter_faas.server.routes import ROUTES

HELLO = "def main(args):\n    return {'hello': args.get('name', 'world')}\n"


def _example(path: str) -> str:
    """A concrete URL path for a route pattern: named groups get plausible values."""
    values = {"job_id": "0" * 32, "name": "some-action", "activation_id": "a" * 32}
    return re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values[m.group(1)], path)


CASES = [(method, _example(path)) for path, _, methods in ROUTES for method in methods]


@pytest.mark.parametrize(("method", "path"), CASES, ids=[f"{m} {p}" for m, p in CASES])
async def test_refused_without_token(
    method: str, path: str, jp_serverapp: Any, http_server_client: Any, jp_base_url: str
) -> None:
    body = json.dumps({"path": "x.ipynb", "cells": []}) if method in ("POST", "PUT") else None
    response = await http_server_client.fetch(
        f"{jp_base_url}jupyter-faas/{path}",
        method=method,
        body=body,
        headers={"Content-Type": "application/json"},
        raise_error=False,
    )
    assert response.code == 403, (method, path, response.code, response.body)
    payload = json.loads(response.body)
    assert payload["status"] == 403 and payload["error"] and payload["fix"]


async def test_delete_without_token_deletes_nothing(
    api: Any, engine: Any, http_server_client: Any, jp_base_url: str
) -> None:
    import requests

    user, _, key = engine.auth.partition(":")
    put = requests.put(
        f"{engine.url}/namespaces/_/actions/keep-me?overwrite=true",
        json={"exec": {"kind": "python:3.11", "code": HELLO}},
        auth=(user, key),
        timeout=30,
    )
    assert put.status_code == 200, put.text
    response = await http_server_client.fetch(
        f"{jp_base_url}jupyter-faas/actions/keep-me", method="DELETE", raise_error=False
    )
    assert response.code == 403
    status, action = await api("GET", "actions", "keep-me")
    assert status == 200 and action["name"] == "keep-me"


async def test_wrong_token_is_refused(jp_serverapp: Any, http_server_client: Any, jp_base_url: str) -> None:
    response = await http_server_client.fetch(
        f"{jp_base_url}jupyter-faas/config",
        headers={"Authorization": "token not-the-token"},
        raise_error=False,
    )
    assert response.code == 403


async def test_routes_are_api_handlers_with_authenticated_methods() -> None:
    from jupyter_server.base.handlers import APIHandler

    for path, handler, methods in ROUTES:
        assert issubclass(handler, APIHandler), path
        for method in methods:
            fn = getattr(handler, method.lower())
            # tornado.web.authenticated wraps with functools.wraps: the original is kept in __wrapped__
            assert hasattr(fn, "__wrapped__"), f"{method} {path} is not @tornado.web.authenticated"


def _cookies(response: Any) -> dict[str, str]:
    jar = {}
    for header in response.headers.get_list("Set-Cookie"):
        name, _, rest = header.partition("=")
        jar[name] = rest.split(";", 1)[0]
    return jar


async def test_a_logged_in_browser_needs_the_xsrf_token(
    jp_serverapp: Any, http_server_client: Any, jp_base_url: str
) -> None:
    """Cookie-authenticated (as a browser is after login), a POST or DELETE without the XSRF token is
    refused; with it, it goes through. This is the check that stops another site's form posting here."""
    from urllib.parse import urlencode

    login = await http_server_client.fetch(f"{jp_base_url}login", raise_error=False)
    jar = _cookies(login)
    xsrf = jar["_xsrf"]
    token = jp_serverapp.identity_provider.token
    posted = await http_server_client.fetch(
        f"{jp_base_url}login",
        method="POST",
        body=urlencode({"password": token, "_xsrf": xsrf}),
        headers={"Cookie": f"_xsrf={xsrf}"},
        follow_redirects=False,
        raise_error=False,
    )
    assert posted.code == 302, posted.body
    jar.update(_cookies(posted))
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    body = json.dumps({"path": "x.ipynb", "cells": []})
    headers = {"Cookie": cookie, "Content-Type": "application/json"}

    config = await http_server_client.fetch(
        f"{jp_base_url}jupyter-faas/config", headers=headers, raise_error=False
    )
    assert config.code == 200, config.body  # the login cookie authenticates

    for method, path in [("POST", "classes"), ("POST", "builds"), ("DELETE", "actions/x")]:
        refused = await http_server_client.fetch(
            f"{jp_base_url}jupyter-faas/{path}",
            method=method,
            body=body if method == "POST" else None,
            headers=headers,
            raise_error=False,
        )
        assert refused.code == 403, (method, path, refused.code)
        assert b"XSRF" in refused.body or b"xsrf" in refused.body

    accepted = await http_server_client.fetch(
        f"{jp_base_url}jupyter-faas/classes",
        method="POST",
        body=body,
        headers={**headers, "X-XSRFToken": xsrf},
        raise_error=False,
    )
    assert accepted.code == 200, accepted.body
    assert json.loads(accepted.body)["classes"] == []
