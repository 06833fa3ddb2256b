"""With nothing configured, the first ``%faas_*`` call starts the embedded engine and says so once; a
second kernel (another process) reuses it; ``%faas_config --local`` switches to it.

Isolated from any real engine or ``~/.wskprops``: HOME, ``WSK_CONFIG_FILE``, ``__OW_*`` and the engine's
data directory (``XDG_DATA_HOME``) are temporary, and the engine's port is a free one, set in each process
(``engine.process.DEFAULT_PORT``; see /work/notes/magics-requests.md #1). The engine is stopped at the end.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from helpers.shell import open_shell

from jupyter_faas.engine import process, stop


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/api/v1", timeout=2).ok
    except requests.RequestException:
        return False


SECOND_KERNEL = """
import jupyter_faas.engine.process as process
process.DEFAULT_PORT = {port}
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
shell.run_line_magic("load_ext", "jupyter_faas")
actions = shell.run_line_magic("faas_actions", "")
print("ACTIONS", sorted(a["name"] for a in actions))
print("RESULT", shell.run_line_magic("faas_invoke", "first-kernel who=second --result"))
"""


def test_nothing_configured_starts_the_engine_once_and_a_second_kernel_reuses_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = _free_port()
    monkeypatch.setattr(process, "DEFAULT_PORT", port)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    data_dir = tmp_path / "xdg" / "jupyter-faas" / "engine"
    shell = open_shell(monkeypatch, tmp_path, None)
    try:
        shown = shell.cell("%faas_config")
        assert ("apihost", f"http://127.0.0.1:{port}", "embedded engine, started on first use") in shown.rows
        assert not _answers(port)  # showing the configuration starts nothing

        capsys.readouterr()
        assert shell.cell("%faas_actions") == []
        out = capsys.readouterr().out
        assert out.count(f"Started the embedded OpenWhisk engine at http://127.0.0.1:{port}") == 1
        assert str(data_dir) in out and _answers(port)
        shell.cell(
            "%%faas_deploy --name first-kernel --no-test\n"
            "class Hello:\n    def predict(self, who='world'):\n        return {'hello': who}\n"
        )
        assert shell.cell("%faas_invoke first-kernel --result") == {"hello": "world"}
        assert "embedded OpenWhisk engine" not in capsys.readouterr().out  # said once
        rows = {name: source for name, _, source in shell.cell("%faas_config").rows}
        assert rows["apihost"] == "embedded engine" and rows["auth"] == "embedded engine"

        second = subprocess.run(
            [sys.executable, "-c", SECOND_KERNEL.format(port=port)],
            capture_output=True,
            text=True,
            timeout=120,
            env=dict(os.environ),
            cwd=tmp_path,
        )
        assert second.returncode == 0, second.stderr
        assert f"Using the embedded OpenWhisk engine at http://127.0.0.1:{port}" in second.stdout
        assert "Started" not in second.stdout
        assert "ACTIONS ['first-kernel']" in second.stdout
        assert "RESULT {'hello': 'second'}" in second.stdout
    finally:
        stop(data_dir)
    assert not _answers(port)


def test_config_local_switches_to_the_embedded_engine(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = _free_port()
    monkeypatch.setattr(process, "DEFAULT_PORT", port)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    shell = open_shell(monkeypatch, tmp_path, None)
    monkeypatch.setenv("__OW_API_HOST", "http://127.0.0.1:1")  # configured, but not what --local uses
    monkeypatch.setenv("__OW_API_KEY", "abc:def")
    try:
        view = shell.cell("%faas_config --local")
        assert ("apihost", f"http://127.0.0.1:{port}", "embedded engine") in view.rows
        assert "Started the embedded OpenWhisk engine" in capsys.readouterr().out
        assert shell.cell("%faas_actions") == []
        back = shell.cell("%faas_config --apihost http://127.0.0.1:1")
        assert ("apihost", "http://127.0.0.1:1", "argument") in back.rows
    finally:
        stop(tmp_path / "xdg" / "jupyter-faas" / "engine")
