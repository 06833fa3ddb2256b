"""Model files bring their requirements: the modules a bundled model file needs, read without loading it.

A scikit-learn pipeline saved with ``joblib.dump`` is loaded in the action by ``joblib.load``, and the class
imports only ``joblib``: the file itself names ``sklearn.pipeline``, ``numpy``... ``scan(files)`` finds,
for every bundled file:

* pickles (plain, joblib, cloudpickle; joblib's zlib, gzip, bz2 and xz compression included): the modules
  of the pickle's ``GLOBAL`` / ``STACK_GLOBAL`` opcodes, read with ``pickletools`` and never unpickled
  (joblib interleaves raw array bytes, so the opcode walk is completed by a scan for the same records);
* Keras ``.keras`` (a zip whose ``metadata.json`` names the Keras version) and ``.h5`` (HDF5 attributes
  ``keras_version`` / ``backend``): Keras 3, or TensorFlow's Keras 2;
* ONNX and TF Lite models: which runtime the class must import (a note when it imports none).

Each module becomes an ``ImportRef`` whose ``needed_by`` names the file, so ``requirements.py`` pins it to
the kernel's version with the reason ``needed by iris.joblib (sklearn.linear_model._logistic)``. A class
pickled from the notebook itself (``__main__.Scaler``) is an error with the fix: the action cannot import
it. What this module does not own: distributions and pins (``requirements.py``), bundling (``capture/``).
"""

from __future__ import annotations

import _compat_pickle
import bz2
import gzip
import json
import lzma
import pickletools
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BuildError
from .capture import BundledFile, ImportRef
from .capture.bundle import classify

__all__ = ["ModelScan", "pickle_modules", "scan"]

MAX_MODEL_BYTES = 1 << 30  # a decompressed model larger than this is not read (the zip limit is far lower)
_DOTTED = rb"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"
# STACK_GLOBAL's operands as the pickler writes them: SHORT_BINUNICODE module [MEMOIZE] ... name [MEMOIZE]
_STACK_GLOBAL = re.compile(rb"\x8c(?P<n>[\x01-\xff])")
_GLOBAL = re.compile(rb"c(" + _DOTTED + rb")\n(" + _DOTTED + rb")\n")
_PY2_NAMES = frozenset(_compat_pickle.IMPORT_MAPPING) | {"__builtin__", "copy_reg", "exceptions"}
_PICKLE_SUFFIXES = {".pkl", ".pickle", ".joblib", ".sav", ".cloudpickle", ".p", ".dill"}
_RUNTIMES = {
    ".onnx": ("onnxruntime", "cv2", "onnx"),
    ".tflite": ("ai_edge_litert", "tflite_runtime", "tensorflow"),
}


@dataclass
class ModelScan:
    """What the bundled model files need: modules to pin, and notes for the capture report."""

    imports: list[ImportRef] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    environment: dict[str, str] = field(default_factory=dict)  # set before the action's imports


def _decompressed(data: bytes) -> bytes:
    """joblib's compressions, recognised by their magic bytes (joblib writes them so)."""
    try:
        if data[:2] == b"\x1f\x8b":
            return gzip.decompress(data)
        if data[:3] == b"BZh":
            return bz2.decompress(data)
        if data[:6] == b"\xfd7zXZ\x00" or data[:3] == b"]\x00\x00":
            return lzma.decompress(data)
        if data[:1] == b"x" and data[1:2] in (b"\x01", b"\x5e", b"\x9c", b"\xda"):
            return zlib.decompressobj().decompress(data, MAX_MODEL_BYTES)
    except (OSError, EOFError, lzma.LZMAError, zlib.error, ValueError):
        return data
    return data


def _is_pickle(data: bytes, suffix: str) -> bool:
    return (len(data) > 2 and data[0] == 0x80 and 2 <= data[1] <= 5) or suffix in _PICKLE_SUFFIXES


def _walk(data: bytes) -> tuple[set[str], bool]:
    """Modules of the GLOBAL / STACK_GLOBAL opcodes, following the memo, and whether the walk reached the
    end (False when it stopped at a byte that is no opcode: joblib's raw array data)."""
    found: set[str] = set()
    memo: dict[int, object] = {}
    recent: list[object] = []  # the values pushed last (strings; None for anything else)
    try:
        for op, arg, _ in pickletools.genops(data):
            name = op.name
            if name in ("SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "UNICODE", "SHORT_BINSTRING"):
                recent.append(arg)
            elif name == "MEMOIZE":
                memo[len(memo)] = recent[-1] if recent else None
            elif name in ("PUT", "BINPUT", "LONG_BINPUT"):
                memo[int(str(arg))] = recent[-1] if recent else None
            elif name in ("GET", "BINGET", "LONG_BINGET"):
                recent.append(memo.get(int(str(arg))))
            elif name == "GLOBAL" and isinstance(arg, str):
                found.add(arg.split(" ", 1)[0])
            elif name == "STACK_GLOBAL":
                if len(recent) >= 2 and isinstance(recent[-2], str):
                    found.add(str(recent[-2]))
            elif op.stack_after:
                recent.append(None)
            recent = recent[-8:]
    except (ValueError, KeyError, IndexError, TypeError):
        return found, False
    return found, True


def _records(data: bytes) -> set[str]:
    """The same records found by their bytes anywhere in the file (after raw data the walk cannot
    cross): ``c module\\n name\\n`` and ``SHORT_BINUNICODE module [MEMOIZE] SHORT_BINUNICODE name
    [MEMOIZE] STACK_GLOBAL``."""
    found = {m.group(1).decode() for m in _GLOBAL.finditer(data)}
    for m in _STACK_GLOBAL.finditer(data):
        start = m.end()
        module = data[start : start + m.group("n")[0]]
        at = start + len(module)
        at += 1 if data[at : at + 1] == b"\x94" else 0
        if data[at : at + 1] != b"\x8c" or not re.fullmatch(_DOTTED, module):
            continue
        length = data[at + 1]
        after = at + 2 + length
        after += 1 if data[after : after + 1] == b"\x94" else 0
        if data[after : after + 1] == b"\x93" and re.fullmatch(_DOTTED, data[at + 2 : at + 2 + length]):
            found.add(module.decode())
    return found


def pickle_modules(data: bytes) -> set[str]:
    """Every module a pickle (or a joblib file) needs to be loaded, without loading it."""
    raw = _decompressed(data)
    found, whole = _walk(raw)
    return found if whole else found | _records(raw)


def _keras(path: Path, data: bytes) -> tuple[str | None, str]:
    """(module, version) of a Keras file: ``keras`` for Keras 3, ``tensorflow`` for the Keras 2 that
    TensorFlow ships; the version from ``metadata.json`` (.keras) or the HDF5 ``keras_version`` attribute."""
    version = ""
    if path.suffix == ".keras" and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            if "metadata.json" in archive.namelist():
                version = str(json.loads(archive.read("metadata.json")).get("keras_version", ""))
    elif path.suffix in (".h5", ".hdf5") and (at := data.find(b"keras_version")) != -1:
        found = re.search(rb"(\d+\.\d+(?:\.\d+)?)", data[at : at + 200])
        version = found.group(1).decode() if found else ""
    if not version:
        return None, ""
    if version.startswith("2."):
        return "tensorflow", version  # tf.keras: the model needs TensorFlow itself
    return "keras", version


_BACKENDS = {"jax": ("jax", "jaxlib"), "tensorflow": ("tensorflow",), "torch": ("torch",), "numpy": ()}


def keras_backend() -> str:
    """The backend Keras 3 uses in this process, as Keras decides: ``KERAS_BACKEND``, else the
    ``backend`` of ``$KERAS_HOME/keras.json`` (``~/.keras``), else TensorFlow."""
    import os

    chosen = os.environ.get("KERAS_BACKEND")
    if not chosen:
        home = Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras")
        try:
            chosen = json.loads((home / "keras.json").read_text()).get("backend")
        except (OSError, ValueError, AttributeError):
            chosen = None
    return chosen if chosen in _BACKENDS else "tensorflow"


def scan(files: Iterable[BundledFile], imports: Iterable[ImportRef], base_dir: Path | None) -> ModelScan:
    """The modules the bundled model files need (as ``ImportRef`` with ``needed_by``), and notes."""
    imported = {i.top for i in imports}
    out = ModelScan()
    for file in files:
        suffix = file.path.suffix.lower()
        if suffix in _RUNTIMES:
            if not imported & set(_RUNTIMES[suffix]):
                out.notes.append(
                    f"{file.arcname} is a {suffix[1:]} model, but the class imports none of "
                    f"{', '.join(_RUNTIMES[suffix])}: import the runtime that loads it."
                )
            continue
        if file.path.stat().st_size > MAX_MODEL_BYTES:
            continue
        data = file.path.read_bytes()
        if suffix in (".keras", ".h5", ".hdf5"):
            module, version = _keras(file.path, data)
            if not module:
                continue
            needs = [module]
            if module == "keras":  # Keras 3 runs on the backend the kernel uses, chosen before import
                backend = keras_backend()
                needs += _BACKENDS[backend]
                out.environment["KERAS_BACKEND"] = backend
            for name in needs:
                out.imports.append(ImportRef(name, "third-party", file.arcname, needed_by=file.arcname))
            out.notes.append(f"{file.arcname} was saved by Keras {version}: it needs {', '.join(needs)}.")
            continue
        raw = _decompressed(data)
        if not _is_pickle(raw, suffix):
            continue
        modules = pickle_modules(data)
        if "__main__" in modules:
            raise BuildError(
                f"{file.arcname} holds an object of a class defined in the notebook (__main__): the action "
                "has no such module, so it cannot load the file.",
                fix="Move that class into a local module beside the notebook (e.g. mymodel.py), import it "
                "from there, fit and save the model again.",
            )
        for module in sorted(modules):
            if module.split(".")[0] in _PY2_NAMES:  # protocols 0-2 name builtins as Python 2 did
                continue
            origin = classify(module.split(".")[0], base_dir)
            if origin == "third-party":
                out.imports.append(ImportRef(module, origin, file.arcname, needed_by=file.arcname))
    return out
