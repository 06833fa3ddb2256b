"""Model files bring their requirements (issue 12, point 1): real scikit-learn models saved with joblib (every
compression), pickle (every protocol) and cloudpickle are read without being loaded; their modules are
pinned with the file named as the reason; what cannot work says so."""

from __future__ import annotations

import json
import pickle
import zipfile
from pathlib import Path

import cloudpickle
import joblib
import pytest
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from jupyter_faas.build.capture import BundledFile
from jupyter_faas.build.modelfiles import pickle_modules, scan
from jupyter_faas.build.requirements import resolve_requirements
from jupyter_faas.errors import BuildError

SKLEARN = {"sklearn.pipeline", "sklearn.preprocessing._data", "sklearn.linear_model._logistic"}


@pytest.fixture(scope="module")
def model() -> object:
    X, y = load_iris(return_X_y=True)
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=300)).fit(X, y)


@pytest.mark.parametrize("compress", [0, 3, ("zlib", 3), ("gzip", 3), ("bz2", 3), ("xz", 3), ("lzma", 3)])
def test_joblib_files_in_every_compression(model: object, tmp_path: Path, compress: object) -> None:
    path = tmp_path / "iris.joblib"
    joblib.dump(model, path, compress=compress)
    modules = pickle_modules(path.read_bytes())
    assert modules >= SKLEARN | {"numpy"}


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickles_of_every_protocol_and_cloudpickle(model: object, protocol: int) -> None:
    assert pickle_modules(pickle.dumps(model, protocol=protocol)) >= SKLEARN
    assert pickle_modules(cloudpickle.dumps(model)) >= SKLEARN


def test_the_requirements_name_the_file_and_the_module(model: object, tmp_path: Path) -> None:
    path = tmp_path / "iris.joblib"
    joblib.dump(model, path)
    found = scan([BundledFile("iris.joblib", path, "path in the code")], [], tmp_path)
    lines = {
        r.name.lower(): (r.line, r.reason) for r in resolve_requirements(found.imports, "python:3.11").install
    }
    import sklearn

    assert lines["scikit-learn"] == (
        f"scikit-learn=={sklearn.__version__}",
        "needed by iris.joblib (sklearn.linear_model._logistic)",
    )
    assert lines["numpy"][1].startswith("needed by iris.joblib")


def test_a_pickled_notebook_class_is_an_error_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "model.pkl"  # what pickle writes for a class a notebook cell defined
    path.write_bytes(b"\x80\x04\x8c\x08__main__\x94\x8c\x06Scaler\x94\x93\x94)\x81\x94.")
    with pytest.raises(BuildError, match="class defined in the notebook") as info:
        scan([BundledFile("model.pkl", path, "x")], [], tmp_path)
    assert "local module" in (info.value.fix or "")


def test_a_module_no_distribution_has_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "odd.pkl"
    path.write_bytes(b"\x80\x04\x8c\x0cnot_a_dist_x\x94\x8c\x01X\x94\x93\x94.")
    found = scan([BundledFile("odd.pkl", path, "x")], [], tmp_path)
    with pytest.raises(
        BuildError, match=r"Module not_a_dist_x \(needed by odd.pkl: not_a_dist_x\) is not installed"
    ):
        resolve_requirements(found.imports, "python:3.11")


def test_keras_files_name_keras_and_its_backend_or_tensorflow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    keras3 = tmp_path / "model.keras"  # what keras.Model.save writes: a zip with metadata.json
    with zipfile.ZipFile(keras3, "w") as archive:
        archive.writestr("metadata.json", json.dumps({"keras_version": "3.15.1", "date_saved": "2026-12-01"}))
        archive.writestr("config.json", json.dumps({"class_name": "Sequential"}))
    legacy = tmp_path / "model.h5"  # tf.keras 2.x: HDF5 with keras_version / backend attributes
    legacy.write_bytes(
        b"\x89HDF\r\n\x1a\n" + b"\0" * 64 + b"keras_version\0\0\x002.15.0\0backend\0tensorflow\0"
    )
    found = scan(
        [BundledFile("model.keras", keras3, "x"), BundledFile("model.h5", legacy, "x")], [], tmp_path
    )
    assert [(i.module, i.needed_by) for i in found.imports] == [
        ("keras", "model.keras"),
        ("jax", "model.keras"),
        ("jaxlib", "model.keras"),
        ("tensorflow", "model.h5"),
    ]
    assert found.environment == {"KERAS_BACKEND": "jax"}  # set in __main__.py before any import
    assert any("Keras 3.15.1" in n for n in found.notes) and any("Keras 2.15.0" in n for n in found.notes)


def test_onnx_and_tflite_models_say_when_no_runtime_is_imported(tmp_path: Path) -> None:
    from jupyter_faas.build.capture import ImportRef

    for name in ("m.onnx", "m.tflite"):
        (tmp_path / name).write_bytes(b"\0" * 16)
    files = [BundledFile(n, tmp_path / n, "x") for n in ("m.onnx", "m.tflite")]
    assert len(scan(files, [], tmp_path).notes) == 2
    imported = [
        ImportRef("onnxruntime", "third-party", "c"),
        ImportRef("ai_edge_litert.interpreter", "third-party", "c"),
    ]
    assert scan(files, imported, tmp_path).notes == []
