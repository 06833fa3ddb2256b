"""The shell the magics tests run in: a real IPython ``InteractiveShell`` whose ``run_cell`` re-raises
(as jupysql's ``TestingShell`` does), so a ``UsageError`` or any exception from a cell fails loudly.

``open_shell(monkeypatch, tmp_path, engine)`` gives the shell with the extension loaded, a fresh namespace
and history, no ``%faas_*`` session state, the working directory in ``tmp_path``, and the environment
isolated: HOME, ``WSK_CONFIG_FILE`` and ``__OW_*`` point at ``engine`` (or at nothing with
``engine=None``), never at a real ``~/.wskprops``. ``tests/magics/test_magics_shell.py`` checks it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

from jupyter_faas.engine import EngineHandle

__all__ = ["TestingShell", "open_shell"]

ROOT = Path(__file__).resolve().parents[2]
os.environ.setdefault("JUPYTER_FAAS_CACHE", str(ROOT / ".cache" / "jupyter-faas"))


class TestingShell(InteractiveShell):
    """``run_cell`` raises what the cell raised (IPython would only print it)."""

    __test__ = False  # not a test class

    def run_cell(self, *args: Any, **kwargs: Any) -> Any:
        result = super().run_cell(*args, **kwargs)
        result.raise_error()
        return result

    def cell(self, source: str) -> Any:
        """Run ``source`` as a notebook cell (stored in the history) and return its value."""
        return self.run_cell(source, store_history=True).result


def _instance() -> TestingShell:
    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    shell = TestingShell.instance(config=config)
    assert isinstance(shell, TestingShell)
    return shell


def open_shell(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, engine: EngineHandle | None) -> TestingShell:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("WSK_CONFIG_FILE", str(home / "no-wskprops"))
    monkeypatch.setenv("JUPYTER_FAAS_PROGRESS", "text")
    for name in ("__OW_API_HOST", "__OW_API_KEY", "__OW_NAMESPACE", "__OW_IGNORE_CERTS"):
        monkeypatch.delenv(name, raising=False)
    if engine is not None:
        monkeypatch.setenv("__OW_API_HOST", engine.apihost)
        monkeypatch.setenv("__OW_API_KEY", engine.auth)
    monkeypatch.chdir(tmp_path)
    shell = _instance()
    shell.reset(new_session=True)
    if hasattr(shell, "_jupyter_faas_session"):
        shell._jupyter_faas_session.close()
        del shell._jupyter_faas_session
    shell.cell("%colors nocolor")
    shell.cell("%load_ext jupyter_faas")
    return shell
