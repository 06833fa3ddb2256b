"""Helpers of the runtime tests: specs with fresh keys, requests, log texts, a folder outside the sandbox
(zips: ``helpers.zips``)."""

from __future__ import annotations

import base64
import itertools
import os
import uuid
from pathlib import Path
from typing import Any

import pytest

from jupyter_faas.runtime import ActionSpec, RunRequest

from .zips import make_zip

__all__ = ["log_texts", "make_request", "make_spec", "make_zip", "outside_dir"]

_KEYS = itertools.count(1)


def make_spec(code: str | bytes, **kw: Any) -> ActionSpec:
    """A spec with a fresh key; ``bytes`` code is taken as a zip and sent base64, binary."""
    if isinstance(code, bytes):
        kw.setdefault("binary", True)
        code = base64.b64encode(code).decode()
    kw.setdefault("kind", "python:3.11")
    kw.setdefault("key", f"guest/test-{next(_KEYS)}-{uuid.uuid4().hex[:6]}@0.0.1")
    return ActionSpec(code=code, **kw)


def make_request(params: dict[str, Any] | None = None, **kw: Any) -> RunRequest:
    kw.setdefault("activation_id", uuid.uuid4().hex)
    kw.setdefault("namespace", "guest")
    kw.setdefault("action_name", "/guest/test")
    kw.setdefault("action_version", "0.0.1")
    return RunRequest(params=params or {}, **kw)


def log_texts(logs: list[str]) -> list[str]:
    """``stream: text`` of each upstream-format log line (the timestamp dropped)."""
    return [line.split(" ", 1)[1] for line in logs]


def outside_dir(name: str) -> Path:
    """A folder of the user's that no sandbox rule allows and that is not under /tmp, wherever the
    checkout is (CI may clone it under /tmp): /var/tmp, else the home folder's cache."""
    for base in (Path("/var/tmp"), Path.home() / ".cache"):
        if os.access(base, os.W_OK) and not str(base.resolve()).startswith("/tmp"):
            return base / f"{name}-{os.getpid()}"
    pytest.skip("no folder outside /tmp to put the user's file in")
