"""Issue 12's notebooks, executed top to bottom with nbclient in a real kernel against a real engine:
each deploys with ``%faas_deploy`` as written, invokes with quoted parameters, and asserts in the notebook
that the action answers exactly what the class answers in the kernel (``tests/fixtures/
make_capture_notebooks.py`` holds their cells). The deploy reports are checked for what made that so: the
model file's requirements, the values taken from the kernel."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import nbformat
import pytest
from helpers.notebooks import kernel_spec, outputs
from nbclient import NotebookClient

from jupyter_faas.engine import EngineHandle

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "tests" / "fixtures" / "capture_notebooks"

pytestmark = pytest.mark.slow


def _run(name: str, engine: EngineHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    kernel_spec(tmp_path / "jupyter")
    for var, value in {
        "JUPYTER_PATH": tmp_path / "jupyter",
        "JUPYTER_RUNTIME_DIR": tmp_path / "runtime",
        "IPYTHONDIR": tmp_path / "ipython",
        "HOME": tmp_path,
        "WSK_CONFIG_FILE": tmp_path / "no-wskprops",
    }.items():
        monkeypatch.setenv(var, str(value))
    monkeypatch.setenv("__OW_API_HOST", engine.apihost)
    monkeypatch.setenv("__OW_API_KEY", engine.auth)
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(FOLDER / f"{name}.ipynb", work)
    notebook = nbformat.read(work / f"{name}.ipynb", as_version=4)
    client = NotebookClient(
        notebook, kernel_name="python3", timeout=900, resources={"metadata": {"path": str(work)}}
    )
    try:
        client.execute()  # the notebook's own assert compares the action with the kernel
    finally:
        nbformat.write(notebook, tmp_path / "executed.ipynb")
    return {cell.id: cell for cell in notebook.cells}


@pytest.mark.timeout(1200)  # a fresh machine builds the scikit-learn image environment first
def test_a_joblib_model_brings_scikit_learn(
    engine: EngineHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cells = _run("iris_joblib", engine, tmp_path, monkeypatch)
    deploy = outputs(cells["iris-joblib-10"], "text/html")
    assert "needed by iris.joblib (sklearn.linear_model._logistic)" in deploy
    assert "SPECIES: its value from the kernel" in deploy
    assert "a quoted label" in outputs(cells["iris-joblib-11"], "text/plain")


@pytest.mark.timeout(600)
def test_tables_built_at_run_time_are_the_kernels(
    engine: EngineHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cells = _run("buckets", engine, tmp_path, monkeypatch)
    deploy = outputs(cells["buckets-06"], "text/html")
    for name in ("EDGES", "KNOWN", "LABELS"):
        assert f"{name}: its value from the kernel" in deploy
    answer = outputs(cells["buckets-08"], "text/plain")
    assert "'known': True" in answer and "'bucket': 3" in answer and "'label': 'a quoted label'" in answer


@pytest.mark.timeout(900)
def test_an_opencv_class_with_caches_properties_and_lambdas(
    engine: EngineHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cells = _run("sharpness_cv2", engine, tmp_path, monkeypatch)
    assert "opencv-python-headless==" in outputs(cells["sharpness-cv2-06"], "text/html")
    assert "laplacian variance" in outputs(cells["sharpness-cv2-07"], "text/plain")


@pytest.mark.timeout(1200)  # a fresh machine builds the keras + jax image environment first
def test_a_keras_model_brings_keras_and_its_backend(
    engine: EngineHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cells = _run("line_keras", engine, tmp_path, monkeypatch)
    deploy = outputs(cells["line-keras-07"], "text/html")
    assert "keras==" in deploy and "needed by line.keras (jax)" in deploy
    assert "line.keras was saved by Keras 3" in deploy
    main = Path(os.environ["JUPYTER_FAAS_CACHE"]) / "builds" / "line-model" / "__main__.py"
    assert (
        "_os.environ.setdefault('KERAS_BACKEND', 'jax')" in main.read_text()
    )  # as %env set it in the kernel
    assert "'y'" in outputs(cells["line-keras-08"], "text/plain")
