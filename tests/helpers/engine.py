"""Talking to a real engine in a test: an authenticated session, ``deploy`` an action, ``unique`` names,
``invoke`` it and ``poll`` its activation, the ``GATED`` action that ends when a test says.

The ``engine``, ``ow`` and ``start_engine`` fixtures that hand these out are in ``tests/conftest.py``.
"""

from __future__ import annotations

import itertools
import os
import time
from pathlib import Path
from typing import Any

import requests

from jupyter_faas.engine import EngineHandle
from jupyter_faas.runtime.environments import ensure_kind, stock_kinds

__all__ = [
    *("GATED", "ROOT", "OwSession", "annotations", "deploy"),
    *("STUCK", "invoke", "poll", "stock_kinds_built", "unique", "wait_for"),
]

ROOT = Path(__file__).resolve().parents[2]

_counter = itertools.count()


def stock_kinds_built() -> None:
    """Build (or find) the stock kinds' environments before the first engine starts: on a fresh machine an
    engine's first cold start waits for that PyPI install, which can outlast a blocking invoke's 60 s
    (the invoke then answers 202, as upstream's does)."""
    for kind in stock_kinds():
        ensure_kind(kind)


class OwSession(requests.Session):
    """A requests session for one engine, authenticated with its key."""

    def __init__(self, engine: EngineHandle) -> None:
        super().__init__()
        user, _, key = engine.auth.partition(":")
        self.auth = (user, key)
        self.engine = engine

    def ns(self, path: str = "") -> str:
        base = f"{self.engine.url}/namespaces/_"
        return f"{base}/{path}" if path else base


def unique(prefix: str) -> str:
    """A name no other test of this session (nor another worker) uses."""
    return f"{prefix}-{os.getpid()}-{next(_counter)}"


def deploy(
    ow: OwSession, name: str, code: str, *, kind: str = "python:3.11", **fields: Any
) -> dict[str, Any]:
    """PUT an action (overwrite) and return the stored document; fails the test on any error."""
    body: dict[str, Any] = {"exec": {"kind": kind, "code": code, **fields.pop("exec_fields", {})}, **fields}
    r = ow.put(ow.ns(f"actions/{name}?overwrite=true"), json=body)
    assert r.status_code == 200, r.text
    doc: dict[str, Any] = r.json()
    return doc


# An action that runs until the file named by its "gate" parameter exists: tests decide when it ends.
GATED = (
    "import os, time\n"
    "def main(a):\n"
    "    while not os.path.exists(a['gate']):\n"
    "        time.sleep(0.01)\n"
    "    return {'done': True}\n"
)


def poll(ow: OwSession, activation_id: str, bound_s: float = 120) -> dict:
    """GET the activation until it is stored (404 before), as clients do."""
    end = time.monotonic() + bound_s
    while True:
        r = ow.get(ow.ns(f"activations/{activation_id}"))
        if r.status_code == 200:
            return r.json()
        assert r.status_code == 404, r.text
        assert time.monotonic() < end, f"activation {activation_id} never stored"
        time.sleep(0.05)


def annotations(record: dict) -> dict:
    """An activation record's annotations as a dict."""
    return {a["key"]: a["value"] for a in record["annotations"]}


def invoke(ow: OwSession, name: str, params: dict | None = None, **query) -> requests.Response:
    """POST an invoke (blocking unless ``blocking='false'``), with ``query`` as its query string."""
    q = "&".join(f"{k}={v}" for k, v in {"blocking": "true", **query}.items())
    return ow.post(ow.ns(f"actions/{name}?{q}"), json=params or {})


# Runs until the file "gate" exists, after touching "started" (so the test knows it is running).
STUCK = (
    "import os, time\n"
    "def main(a):\n"
    "    open(a['started'], 'a').close()\n"
    "    while not os.path.exists(a['gate']):\n"
    "        time.sleep(0.01)\n"
    "    return {}\n"
)


def wait_for(path: Path, bound_s: float = 60) -> None:
    """Until ``path`` exists (an action's "started" file), at most ``bound_s`` seconds."""
    end = time.monotonic() + bound_s
    while not path.exists():
        assert time.monotonic() < end, f"{path} never appeared"
        time.sleep(0.01)
