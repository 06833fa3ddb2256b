"""Every route of the server extension refuses a request without a token, and runs nothing for it.

Walks ``jupyter_faas.server.routes.ROUTES`` (the one route table), so a new route is covered as soon as it
is added. jupyter_server's XSRF check applies to requests that are not token-authenticated; a request with
neither a token nor an XSRF token must be refused (403) before the handler runs.
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
