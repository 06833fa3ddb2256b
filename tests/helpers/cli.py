"""The ``jupyter-faas`` command in a test: a real subprocess of this venv's Python, configured for an engine
through ``__OW_*`` variables, with its own empty HOME; every call checks the key never reaches its output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from jupyter_faas.engine import EngineHandle

__all__ = ["SECRET", "Cli", "make_cli"]

ROOT = Path(__file__).resolve().parents[2]
SECRET = "123zO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuMDGIwP"


class Cli:
    """``cli(*args)`` runs ``python -m jupyter_faas ARGS``: exit 0, or 1 and no traceback (``ok=False``)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env

    def __call__(
        self, *args: str, ok: bool = True, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        out = subprocess.run(
            [sys.executable, "-m", "jupyter_faas", *args],
            capture_output=True,
            text=True,
            env={**self.env, **(env or {})},
            cwd=ROOT,
            timeout=120,
        )
        assert SECRET not in out.stdout + out.stderr, "the key was printed"
        if ok:
            assert out.returncode == 0, out.stderr
        else:
            assert out.returncode == 1, (out.returncode, out.stdout, out.stderr)
            assert "Traceback" not in out.stderr
        return out


def make_cli(engine: EngineHandle, tmp_path: Path) -> Cli:
    """A ``Cli`` with its own empty HOME, configured for ``engine`` through ``__OW_*`` variables."""
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("__OW_", "WSK_"))}
    env.update(HOME=str(home), __OW_API_HOST=engine.apihost, __OW_API_KEY=engine.auth, MPLBACKEND="")
    return Cli(env)
