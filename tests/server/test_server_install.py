"""``pip install`` (what ``make install`` runs) enables both halves: the server extension and the sidebar.

Runs the ``jupyter`` commands of this venv as a person would, and reads their output.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

JUPYTER = Path(sys.executable).with_name("jupyter")


def _run(*args: str) -> str:
    done = subprocess.run([str(JUPYTER), *args], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return re.sub(r"\x1b\[[0-9;]*m", "", done.stdout + done.stderr)  # no colours


def test_labextension_is_enabled_and_ok() -> None:
    listing = _run("labextension", "list")
    assert re.search(r"jupyter-faas v0\.1\.0 enabled\s+OK \(python, jupyter-faas\)", listing), listing
    assert "not compatible" not in listing


def test_server_extension_is_enabled() -> None:
    listing = _run("server", "extension", "list")
    assert re.search(r"jupyter_faas enabled", listing), listing
    assert re.search(r"jupyter_faas 0\.1\.0 OK", listing), listing


def test_the_extension_hooks_import_nothing_of_jupyter() -> None:
    code = (
        "import sys, jupyter_faas, jupyter_faas.build, jupyter_faas.openwhisk, jupyter_faas.stats\n"
        "bad = [m for m in ('jupyter_server', 'tornado.web', 'IPython') if m in sys.modules]\n"
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]"
