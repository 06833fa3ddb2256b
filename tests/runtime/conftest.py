"""Fixtures for the runtime tests: real launcher processes, real kind environments (built once, cached).

The kind environments live under ``$JUPYTER_FAAS_CACHE`` (the Makefile sets it to ``.cache/jupyter-faas``);
the first session builds them from PyPI, later sessions reuse them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jupyter_faas.runtime import Runtime, limits
from jupyter_faas.runtime.environments import ensure_kind, stock_kinds

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def cache_dir() -> Path:
    path = Path(os.environ.get("JUPYTER_FAAS_CACHE") or ROOT / ".cache" / "jupyter-faas")
    os.environ["JUPYTER_FAAS_CACHE"] = str(path)
    return path


@pytest.fixture(scope="session")
def kinds(cache_dir: Path) -> dict[str, Any]:
    """Both stock kinds, built once per cache (needs PyPI the first time)."""
    return {kind: ensure_kind(kind, cache_dir) for kind in stock_kinds()}


@pytest.fixture
def runtime(tmp_path: Path, cache_dir: Path, kinds: dict[str, Any]) -> Iterator[Runtime]:
    rt = Runtime(tmp_path / "work", cache_dir=cache_dir)
    yield rt
    rt.shutdown()


@pytest.fixture(params=["cgroup", "poll"])
def enforcer(request: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each memory enforcer in turn: the cgroup (skipped where none is usable), then polling."""
    if request.param == "cgroup":
        guard = limits.make_guard()
        kind = type(guard).__name__
        guard.close()
        if kind != "CgroupMemory":
            pytest.skip(f"no usable memory cgroup here: {limits.LAST_ERROR}")
    monkeypatch.setenv("JUPYTER_FAAS_MEMORY_ENFORCER", request.param)
    return str(request.param)
