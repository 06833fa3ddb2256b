"""Kinds as environments: interpreter discovery, the stock packages, errors that say how to fix them."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from jupyter_faas.errors import EngineError
from jupyter_faas.runtime.environments import find_interpreter, resolve_kind

HERE = Path(__file__).resolve().parents[2] / "jupyter_faas" / "runtime"


def test_python_default_is_python_3_10_and_unknown_kinds_are_refused() -> None:
    assert resolve_kind("python:default") == "python:3.10"
    assert resolve_kind("python:3.11") == "python:3.11"
    with pytest.raises(EngineError, match="python:3"):
        resolve_kind("python:3")


def test_a_missing_interpreter_names_the_fix() -> None:
    with pytest.raises(EngineError) as info:
        find_interpreter("3.99")
    assert "No CPython 3.99 interpreter found" in str(info.value)
    assert "JUPYTER_FAAS_PYTHON_3_99" in str(info.value)


def test_the_override_variable_is_honoured_and_checked(monkeypatch: pytest.MonkeyPatch, kinds: Any) -> None:
    real = find_interpreter("3.11")
    monkeypatch.setenv("JUPYTER_FAAS_PYTHON_3_11", str(real))
    assert find_interpreter("3.11") == real
    monkeypatch.setenv("JUPYTER_FAAS_PYTHON_3_10", str(real))  # a 3.11 interpreter is not taken for 3.10
    assert find_interpreter("3.10") != real


@pytest.mark.parametrize("kind", ["python:3.10", "python:3.11"])
def test_each_kind_has_exactly_the_pinned_stock_packages(kinds: Any, kind: str) -> None:
    env = kinds[kind]
    pins = {}
    for line in (HERE / f"stock-python{env.version}.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = (part.strip() for part in line.split("=="))
            pins[name.lower().replace("_", "-")] = version
    out = subprocess.run(
        [str(env.python), "-I", "-m", "pip", "list", "--format=freeze", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=True,
    )
    installed = {
        name.lower().replace("_", "-"): version
        for name, _, version in (line.partition("==") for line in out.stdout.splitlines())
    }
    for name, version in pins.items():
        assert installed.get(name) == version, name
    assert "pytest" not in installed and "tornado" not in installed
