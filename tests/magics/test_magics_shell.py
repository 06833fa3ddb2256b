"""The magics tests' shell (``helpers.shell``) checked itself: cell errors and usage errors re-raise, and the
environment is isolated from the user's."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.shell import open_shell
from IPython.core.error import UsageError


def test_the_testing_shell_reraises_cell_errors_and_usage_errors(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shell = open_shell(monkeypatch, tmp_path, None)
    with pytest.raises(ZeroDivisionError):
        shell.cell("1 / 0")
    with pytest.raises(UsageError, match="unrecognized arguments"):
        shell.cell("%faas_actions --nope")
    assert shell.cell("21 * 2") == 42


def test_each_open_shell_starts_clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    shell = open_shell(monkeypatch, tmp_path, None)
    shell.cell("leftover = 1")
    shell = open_shell(monkeypatch, tmp_path, None)
    assert "leftover" not in shell.user_ns
    assert not any("leftover" in str(src) for src in shell.history_manager.input_hist_raw)
