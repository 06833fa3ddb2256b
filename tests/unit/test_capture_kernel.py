"""Capture from a live IPython kernel: a real InteractiveShell runs the cells, the magics' ``kernel_of``
reads its history and namespace, capture reads that."""

from __future__ import annotations

import runpy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jupyter_faas.build import BuildOptions, build
from jupyter_faas.build.capture import capture_from_kernel
from jupyter_faas.magics.deploy import kernel_of

IPython = pytest.importorskip("IPython")


@pytest.fixture
def shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    monkeypatch.chdir(tmp_path)  # a kernel's folder is the notebook's, and it imports from there
    monkeypatch.syspath_prepend(str(tmp_path))
    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    instance = InteractiveShell(config=config)
    yield instance
    instance.history_manager.end_session()


def run(shell: Any, source: str) -> None:
    result = shell.run_cell(source, store_history=True)
    assert result.error_in_exec is None and result.error_before_exec is None, result


def test_history_of_a_live_shell_is_captured_and_the_action_runs(shell: Any, tmp_path: Path) -> None:
    (tmp_path / "units.py").write_text("FACTOR = 2.0\n")
    run(shell, "import math\nfrom units import FACTOR\n%time x = 1")
    run(shell, "R_DEFAULT = 1.0")
    run(
        shell,
        "class Circle:\n    def predict(self, r=R_DEFAULT):\n        return {'area': math.pi * r * FACTOR}",
    )
    run(shell, "R_DEFAULT = 5.0\n!echo shell lines are skipped")
    run(shell, "Circle().predict()")
    capture = capture_from_kernel(kernel_of(shell), "Circle")
    assert [p.statement.cell.id for p in capture.pieces] == ["In[1]", "In[1]", "In[2]", "In[3]"]
    assert [m.arcname for m in capture.modules] == ["units.py"]

    result = build(kernel_of(shell), BuildOptions("Circle", output=tmp_path / "out"))
    module = runpy.run_path(str(result.main_py), run_name="action")
    live = shell.user_ns["Circle"]().predict()
    assert module["main"]({}) == live == {"area": pytest.approx(math_pi() * 2.0)}  # r = 1.0


def test_a_faas_deploy_cell_counts_as_its_body_and_its_magic_line_is_never_captured(shell: Any) -> None:
    run(shell, "class Echo:\n    def predict(self, text):\n        return {'text': text + SUFFIX}")
    shell.history_manager.store_inputs(
        2, "%%faas_deploy Echo --name echo\nSUFFIX = '!'"
    )  # as the magic's cell
    capture = capture_from_kernel(kernel_of(shell), "Echo")
    assert capture.skipped == []
    code = "\n".join(piece.source for piece in capture.pieces)
    assert "SUFFIX = '!'" in code and "faas_deploy" not in code


def math_pi() -> float:
    import math

    return math.pi
