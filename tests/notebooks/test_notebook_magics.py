"""``tests/fixtures/magics_demo.ipynb`` executed top to bottom with nbclient in a real kernel (this venv's
Python, through a ``python3`` kernel spec made for the test) against a real engine, and its outputs checked:
deploy, blocking invoke, ``--async`` + ``%faas_poll``, the activations table and the stats."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import pytest
from helpers.notebooks import kernel_spec, outputs
from nbclient import NotebookClient

from jupyter_faas.config import mask_key
from jupyter_faas.engine import EngineHandle

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "tests" / "fixtures" / "magics_demo.ipynb"


def _stream(cell: Any) -> str:
    return "".join(out.get("text", "") for out in cell.outputs if out.output_type == "stream")


def test_the_magics_notebook_runs_top_to_bottom(
    engine: EngineHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kernel_spec(tmp_path / "jupyter")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("WSK_CONFIG_FILE", str(tmp_path / "no-wskprops"))
    monkeypatch.setenv("__OW_API_HOST", engine.apihost)
    monkeypatch.setenv("__OW_API_KEY", engine.auth)
    for name in ("__OW_NAMESPACE", "__OW_IGNORE_CERTS", "JUPYTER_FAAS_PROGRESS"):
        monkeypatch.delenv(name, raising=False)
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        notebook, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    nbformat.write(notebook, tmp_path / "executed.ipynb")  # for a look when something is off

    cells = {cell.id: cell for cell in notebook.cells}
    errors = [
        o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert not errors

    config = outputs(cells["magics-02"], "text/html")
    assert engine.apihost in config and "__OW_API_HOST" in config and mask_key(engine.auth) in config

    deploy = cells["magics-03"]
    html = outputs(deploy, "text/html")
    assert "nb-word-count</b> version <b>0.0.1</b>" in html and "uploaded" in html
    assert "<h4>Local test</h4>" in html and "&quot;top&quot;: &quot;the&quot;" in html
    assert "Deployed guest/nb-word-count 0.0.1" in outputs(deploy, "text/plain")
    # progress lines were updated in place: the saved notebook shows each step finished
    progress = outputs(deploy, "text/plain")
    for step in (
        "Building nb-word-count",
        "Testing nb-word-count locally",
        f"Deploying nb-word-count to {engine.apihost}",
    ):
        assert f"{step}: done in" in progress, progress

    invoked = outputs(cells["magics-04"], "text/html")
    assert "success" in invoked and "&quot;top&quot;: &quot;to&quot;" in invoked
    assert "pending" in outputs(cells["magics-05"], "text/html")
    assert "&quot;top&quot;: &quot;b&quot;" in outputs(cells["magics-06"], "text/html")

    checked = _stream(cells["magics-07"]).split()
    assert checked[0] == "checked" and len(checked) == 3
    listing = outputs(cells["magics-08"], "text/html")
    assert checked[1] in listing and checked[2] in listing and listing.count("<tr>") == 3  # head + 2

    stats = outputs(cells["magics-09"], "text/html")
    assert 'class="jupyter-faas-stats"' in stats and "nb-word-count" in stats
    secret = engine.auth.split(":")[1]
    assert secret not in NOTEBOOK.read_text() + (tmp_path / "executed.ipynb").read_text()
