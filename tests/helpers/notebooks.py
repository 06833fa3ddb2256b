"""Notebooks under nbclient in a test: a kernel spec of this venv's Python, and what a cell displayed."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

__all__ = ["kernel_spec", "outputs"]


def kernel_spec(folder: Path) -> None:
    """A ``python3`` kernel spec in ``folder`` (a JUPYTER_PATH entry) that runs this venv's Python."""
    spec = folder / "kernels" / "python3"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "Python 3 (jupyter-faas tests)", "language": "python"})
    )


def outputs(cell: Any, mime: str) -> str:
    """The ``mime`` data of a cell's results and displays, joined."""
    return "\n".join(
        str(out.get("data", {}).get(mime, ""))
        for out in cell.outputs
        if out.output_type in ("execute_result", "display_data")
    )
