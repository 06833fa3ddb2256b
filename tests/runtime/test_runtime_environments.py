"""Kinds as environments: interpreter discovery, the stock packages, errors that say how to fix them."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from helpers.runtime import make_request, make_spec

from jupyter_faas.errors import EngineError
from jupyter_faas.runtime import Runtime
from jupyter_faas.runtime.environments import available_kinds, ensure_kind, find_interpreter, resolve_kind

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
    with pytest.raises(EngineError) as info:
        find_interpreter("3.10")
    assert str(info.value).startswith(
        f"JUPYTER_FAAS_PYTHON_3_10={real} is CPython 3.11: "
        "the python:3.10 kind needs a CPython 3.10 interpreter."
    )
    monkeypatch.delenv("JUPYTER_FAAS_PYTHON_3_10")
    assert find_interpreter("3.10") != real


@pytest.fixture(scope="module", params=["python:3.12", "python:3.13"])
def newer_kind(request: Any, cache_dir: Path) -> Any:
    """python:3.12 (upstream's newest release) and python:3.13 (on its master), where this machine has
    their interpreter; built once per cache like the stock kinds."""
    kind = request.param
    try:
        find_interpreter(kind.split(":")[1])
    except EngineError as exc:
        pytest.skip(str(exc))
    assert kind in available_kinds()
    return ensure_kind(kind, cache_dir)


def test_the_newer_kinds_run_actions_with_their_interpreter_and_stock_packages(
    newer_kind: Any, tmp_path: Path, cache_dir: Path
) -> None:
    code = (
        "import sys, bs4, requests, twisted\n"
        "def main(args):\n"
        "    return {'version': '%d.%d' % sys.version_info[:2], 'requests': requests.__version__}\n"
    )
    rt = Runtime(tmp_path / "work", cache_dir=cache_dir, prewarm=False)
    try:
        out = rt.run(make_spec(code, kind=newer_kind.name), make_request())
    finally:
        rt.shutdown()
    assert out.status_code == 0, out
    assert out.result["version"] == newer_kind.version
    pins = (HERE / f"stock-python{newer_kind.version}.txt").read_text()
    assert f"requests=={out.result['requests']}" in pins


def test_an_action_of_a_kind_without_its_interpreter_fails_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = find_interpreter("3.11")
    monkeypatch.setenv("JUPYTER_FAAS_PYTHON_3_13", str(wrong))
    rt = Runtime(tmp_path / "work", cache_dir=tmp_path / "cache", prewarm=False)  # nothing built there
    try:
        out = rt.run(make_spec("def main(a):\n    return a\n", kind="python:3.13"), make_request())
    finally:
        rt.shutdown()
    assert out.status_code == 3  # a whisk internal error, as upstream's when it cannot provision
    assert "the python:3.13 kind needs a CPython 3.13 interpreter" in out.result["error"]
    assert any("Point JUPYTER_FAAS_PYTHON_3_13 at a python3.13 executable" in line for line in out.logs)


@pytest.mark.parametrize("kind", ["python:3.10", "python:3.11"])
def test_each_kind_has_exactly_the_pinned_stock_packages(kinds: Any, kind: str) -> None:
    _has_its_pins(kinds[kind])


def test_a_newer_kind_has_exactly_the_pinned_stock_packages(newer_kind: Any) -> None:
    _has_its_pins(newer_kind)


def _has_its_pins(env: Any) -> None:
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
