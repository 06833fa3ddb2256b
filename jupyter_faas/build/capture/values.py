"""Data captured as data: module-level names taken from the live kernel as values, not re-run as code.

A table filled in a loop, a list appended to, a set ``.update``-d, a value computed from training
variables: re-running the notebook's statements in the action either fails (the training data is not
there) or, worse, answers differently from the kernel without a word. From a live kernel, such a name
whose value is plain data (None, bool, int, float, str, bytes, numpy scalars, and tuples, lists, dicts,
sets of those; a numpy array) is written into ``__main__.py`` as the kernel has it: a readable literal,
or a bundled ``.npy`` for an array, with a comment saying it was taken from the kernel and why.

``candidates(statements, namespace)`` says which names qualify and why; ``snapshot_source`` writes the
statement. What this module does not own: which names the class needs (``closure.py``), nor bundling
(``bundle.py``, ``packaging/``).
"""

from __future__ import annotations

import ast
import hashlib
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ... import inert
from .statements import Statement

__all__ = ["MAX_LITERAL_CHARS", "Snapshot", "candidates", "is_array", "is_plain", "snapshot_source"]

MAX_LITERAL_CHARS = 200_000  # beyond this a literal is no longer "readable": the name stays code
NUMPY_ALIAS = "_kernel_numpy"
_SCALARS = (type(None), bool, int, float, str, bytes)


@dataclass
class Snapshot:
    """A name the kernel's value replaces: why, and where its defining and changing statements are."""

    name: str
    value: Any
    reason: str  # "filled after its definition by cell 4, line 2" / "computed from train (cell 2, line 1)"
    last: Statement  # the last statement that defines or changes it: the value is the one after it
    array: bool = False
    literal: str | None = None  # the value's literal (None for an array, bundled as .npy)


def _numpy_scalar(value: Any) -> bool:
    return type(value).__module__ == "numpy" and hasattr(value, "item") and getattr(value, "ndim", 1) == 0


def _python(value: Any) -> Any:
    """``value`` with numpy scalars as the Python numbers they equal (``np.float64(1.5)`` -> ``1.5``)."""
    if _numpy_scalar(value):
        return value.item()
    if type(value) in (list, tuple, set):
        return type(value)(_python(v) for v in value)
    if type(value) is dict:
        return {_python(k): _python(v) for k, v in value.items()}
    return value


def is_plain(value: Any, _depth: int = 0) -> bool:
    """Plain data that a literal writes back exactly (no NaN/inf: their repr is not Python); numpy
    scalars count as the numbers they are."""
    if _depth > 50:
        return False
    if _numpy_scalar(value):
        value = value.item()
    if isinstance(value, float):
        return math.isfinite(value)
    if type(value) in _SCALARS:
        return True
    if type(value) in (list, tuple, set):
        return all(is_plain(v, _depth + 1) for v in value)
    if type(value) is dict:
        return all(is_plain(k, _depth + 1) and is_plain(v, _depth + 1) for k, v in value.items())
    return False


def is_array(value: Any) -> bool:
    module = type(value).__module__
    return module == "numpy" and type(value).__name__ == "ndarray" and value.dtype.kind in "biufcUSM?"


def _flat(value: Any) -> str:
    """One-line literal; a set's items in the order of their reprs, so the text never depends on hashing
    (PYTHONHASHSEED): the same kernel value always gives the same file and the same zip."""
    if type(value) is list:
        return "[" + ", ".join(_flat(v) for v in value) + "]"
    if type(value) is tuple:
        return "(" + ", ".join(_flat(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    if type(value) is dict:
        return "{" + ", ".join(f"{_flat(k)}: {_flat(v)}" for k, v in value.items()) + "}"
    if type(value) is set:
        return "{" + ", ".join(sorted(_flat(v) for v in value)) + "}" if value else "set()"
    return repr(value)


def _format(value: Any, indent: int = 0) -> str:
    """The literal, one item a line when it does not fit in 100 columns (as a formatter would write it)."""
    one = _flat(value)
    if indent + len(one) <= 100 or not value or type(value) not in (list, tuple, dict, set):
        return one
    pad = " " * (indent + 4)
    if type(value) is dict:
        items = [f"{pad}{_flat(k)}: {_format(v, indent + 4)}," for k, v in value.items()]
        return "{\n" + "\n".join(items) + "\n" + " " * indent + "}"
    rows = [_format(v, indent + 4) for v in value]
    rows = sorted(rows) if type(value) is set else rows
    brackets: dict[type, tuple[str, str]] = {list: ("[", "]"), tuple: ("(", ")"), set: ("{", "}")}
    open_, close = brackets[type(value)]
    return open_ + "\n" + "\n".join(f"{pad}{r}," for r in rows) + "\n" + " " * indent + close


def _literal(value: Any) -> str | None:
    """A readable literal of ``value`` that evaluates back to it, or None when there is none."""
    text = _format(_python(value))
    if len(text) > MAX_LITERAL_CHARS:
        return None
    try:
        same = ast.literal_eval(text) == value
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return text if same else None


def _computed_from(stmt: Statement, statements: list[Statement]) -> list[str]:
    """The variables (not modules, functions or classes) whose values a defining statement reads."""
    kinds = {n: s.kind for s in statements if s.position < stmt.position for n in s.binds}
    return sorted(n for n in stmt.eager if kinds.get(n) in ("constant", "statement"))


def candidates(statements: list[Statement], namespace: dict[str, Any]) -> dict[str, Snapshot]:
    """The names whose kernel value should replace their code: plain data (or an array) that was changed
    after its definition, or computed from other variables."""
    out: dict[str, Snapshot] = {}
    for name, value in namespace.items():
        if name.startswith("_"):
            continue
        defs = [s for s in statements if name in s.binds]
        if not defs or defs[-1].kind not in ("constant", "statement"):
            continue  # functions, classes, imports stay code; a name no cell defines is not ours
        last_def = defs[-1]
        changes = [s for s in statements if s.position > last_def.position and name in s.mutates]
        array = is_array(value)
        if not (array or is_plain(value)):
            continue
        if changes:
            where = ", ".join(s.where for s in changes[:3]) + (" ..." if len(changes) > 3 else "")
            out[name] = Snapshot(name, value, f"changed after its definition, at {where}", changes[-1], array)
        elif sources := _computed_from(last_def, statements):
            reason = f"computed from {', '.join(sources)} ({last_def.where})"
            out[name] = Snapshot(name, value, reason, last_def, array)
    for snap in out.values():
        if not snap.array:
            snap.literal = _literal(snap.value)
    return {n: s for n, s in out.items() if s.array or s.literal is not None}


def _describe(value: Any) -> str:
    if is_array(value):
        return f"a numpy array {value.dtype}{list(value.shape)}"
    size = f", {len(value)} items" if isinstance(value, list | tuple | dict | set | frozenset) else ""
    return f"a {type(value).__name__}{size}"


def npy_file(value: Any) -> Path:
    """The array written once to the cache as ``.npy``, named by its content (deterministic zips)."""
    import io

    import numpy as np

    buffer = io.BytesIO()
    np.save(buffer, value, allow_pickle=False)
    data = buffer.getvalue()
    base = Path(os.environ.get("JUPYTER_FAAS_CACHE") or Path.home() / ".cache" / "jupyter-faas")
    path = base / "kernel-values" / f"{hashlib.sha256(data).hexdigest()[:24]}.npy"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    return path


def arcname(snapshot: Snapshot) -> str:
    return f"kernel_values/{snapshot.name}.npy"


def snapshot_source(snapshot: Snapshot) -> str:
    """``NAME = <literal>`` (or the ``.npy`` load of an array) under a comment saying where it came from."""
    why = f"{_describe(snapshot.value)} taken from the kernel, not re-run: {snapshot.reason}"
    about = inert.text(why, 300)
    head = f"# {snapshot.name}: {about}"
    if snapshot.array:
        return f'{head}\n{snapshot.name} = {NUMPY_ALIAS}.load("{arcname(snapshot)}", allow_pickle=False)'
    assert snapshot.literal is not None
    return f"{head}\n{snapshot.name} = {snapshot.literal}"
