"""Kinds as local environments: ``python:3.x`` -> a CPython 3.x venv with the stock image's packages.

(``nodejs:20`` and ``nodejs:22`` are ``node.py``'s: a node found on this machine; ``ensure_kind`` takes both.)

Each kind gets a venv under ``$JUPYTER_FAAS_CACHE/kinds/<kind>`` without system site-packages, with the
packages upstream's ``openwhisk/action-python-v3.x`` image preinstalls (pinned in ``stock-python3.x.txt``).
It is built once (needs PyPI that once), under a file lock so concurrent engines and tests do not race,
and reused after. What this module does not own: images layered on a kind (``images.py``), processes.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..contract import DEFAULT_PYTHON_KIND, KINDS, NODE_KINDS
from ..errors import EngineError
from . import node as nodejs

__all__ = [
    "Environment",
    "available_kinds",
    "default_cache_dir",
    "ensure_kind",
    "file_lock",
    "find_interpreter",
    "resolve_kind",
    "site_packages",
    "stock_kinds",
]

_HERE = Path(__file__).resolve().parent
_BUILD_LOCK = threading.Lock()
_READY: dict[tuple[str, str], Environment] = {}


@dataclass(frozen=True)
class Environment:
    """A ready environment: the interpreter an action process runs with."""

    name: str  # "python:3.11" or "image:<tag>"
    root: Path  # the venv folder
    python: Path  # root/bin/python
    version: str  # "3.11"
    env: dict[str, str] = field(default_factory=dict)  # extra environment of the action process (image ENV)
    node: Path | None = None  # a Node.js kind: the node the launcher starts launcher.js with


def default_cache_dir() -> Path:
    env = os.environ.get("JUPYTER_FAAS_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "jupyter-faas"


def resolve_kind(kind: str) -> str:
    """``python:default``/``nodejs:default`` -> the kind it stands for; unknown ones raise ``EngineError``."""
    name = DEFAULT_PYTHON_KIND if kind == "python:default" else nodejs.resolve_node_kind(kind)
    if name not in KINDS and name not in NODE_KINDS:
        raise EngineError(
            f"The runtime kind {kind!r} cannot run here.",
            fix=f"Use one of: {', '.join(sorted([*KINDS, *NODE_KINDS]))}, python:default, "
            "nodejs:default, or blackbox with an image.",
        )
    return name


def _python_version(python: str) -> str | None:
    try:
        out = subprocess.run(
            [python, "-I", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def find_interpreter(version: str) -> Path:
    """A CPython ``version`` ("3.10") interpreter: ``JUPYTER_FAAS_PYTHON_3_10`` when set (then only that
    one), else this Python, pyenv's, PATH's, /usr/local/bin, /usr/bin."""
    var = "JUPYTER_FAAS_PYTHON_" + version.replace(".", "_")
    exe = f"python{version}"
    if os.environ.get(var):
        chosen = os.environ[var]
        found = _python_version(chosen) if os.path.isfile(chosen) and os.access(chosen, os.X_OK) else None
        if found == version:
            return Path(chosen)
        what = f"is CPython {found}" if found else "is not a Python interpreter that runs"
        raise EngineError(
            f"{var}={chosen} {what}: the python:{version} kind needs a CPython {version} interpreter.",
            fix=f"Point {var} at a {exe} executable, or unset it to let jupyter-faas look for one.",
        )
    candidates: list[str] = []
    if f"{sys.version_info[0]}.{sys.version_info[1]}" == version:
        candidates.append(getattr(sys, "_base_executable", sys.executable))
    for base in ("/root/.pyenv", os.path.expanduser("~/.pyenv"), os.environ.get("PYENV_ROOT", "")):
        if base:
            candidates += sorted(glob.glob(f"{base}/versions/{version}*/bin/{exe}"), reverse=True)
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        if folder and "shims" not in folder:
            candidates.append(os.path.join(folder, exe))
    candidates += [f"/usr/local/bin/{exe}", f"/usr/bin/{exe}"]
    for candidate in candidates:
        if (
            os.path.isfile(candidate)
            and os.access(candidate, os.X_OK)
            and _python_version(candidate) == version
        ):
            return Path(candidate)
    raise EngineError(
        f"No CPython {version} interpreter found: the python:{version} kind cannot run actions here.",
        fix=f"Install Python {version} (python.org, `brew install python@{version}`, "
        f"`apt-get install {exe}` or `pyenv install {version}`) or set {var}=/path/to/{exe}; "
        "or deploy with a kind this machine has (--kind).",
    )


_AVAILABLE: dict[str, bool] = {}


def stock_kinds() -> list[str]:
    """The kinds of a stock deployment (``python:3.10``, ``python:3.11``): prepared when an engine starts."""
    return [name for name, kind in KINDS.items() if kind.stock]


def available_kinds() -> list[str]:
    """The kinds this machine offers: the stock deployment's always (a missing interpreter is said when an
    action runs), the others where their interpreter is found (looked for once per process)."""
    out = []
    for name, kind in KINDS.items():
        if not kind.stock and name not in _AVAILABLE:
            try:
                find_interpreter(kind.python)
                _AVAILABLE[name] = True
            except EngineError:
                _AVAILABLE[name] = False
        if kind.stock or _AVAILABLE[name]:
            out.append(name)
    return out + nodejs.node_kinds_found()


def site_packages(venv: Path, version: str) -> Path:
    return venv / "lib" / f"python{version}" / "site-packages"


class file_lock:
    """An exclusive ``flock`` on ``path`` (held across processes) for the duration of a ``with``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd = -1

    def __enter__(self) -> file_lock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if os.name == "posix":  # Windows runs no engine, so nothing else builds environments at once
            import fcntl

            fcntl.flock(self._fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc: object) -> None:
        if os.name == "posix":
            import fcntl

            fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)


def pip_install(python: Path, args: list[str], what: str, fix: str) -> None:
    """Run ``python -m pip install args``; ``EngineError`` with pip's last lines when it fails."""
    cmd = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--no-input", *args]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PIP_REQUIRE", "VIRTUAL_ENV"))}
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        tail = "\n".join((out.stdout + out.stderr).strip().splitlines()[-15:])
        raise EngineError(f"Building {what} failed (pip exited with {out.returncode}):\n{tail}", fix=fix)


def create_venv(python: Path, root: Path, what: str) -> None:
    out = subprocess.run([str(python), "-m", "venv", "--clear", str(root)], capture_output=True, text=True)
    if out.returncode != 0:
        raise EngineError(
            f"Creating the virtual environment for {what} failed: {out.stderr.strip()[-500:]}",
            fix="Check that the interpreter has the venv module (Debian: apt-get install python3-venv).",
        )


def ensure_kind(kind: str, cache_dir: Path | None = None) -> Environment:
    """The environment of ``kind``, built on first use (PyPI needed once), then reused."""
    name = resolve_kind(kind)
    cache = cache_dir or default_cache_dir()
    key = (name, str(cache))
    ready = _READY.get(key)
    if ready is not None:
        return ready
    if name in NODE_KINDS:
        return _ensure_node_kind(name, cache, key)
    version = KINDS[name].python
    requirements = _HERE / f"stock-python{version}.txt"
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()[:16]
    root = cache / "kinds" / name.replace(":", "-")
    marker = root / ".jupyter-faas-ready"
    with _BUILD_LOCK:
        if not (marker.exists() and marker.read_text().strip() == digest):
            with file_lock(cache / "kinds" / f"{root.name}.lock"):
                if not (marker.exists() and marker.read_text().strip() == digest):
                    _build_kind(name, version, root, requirements)
                    marker.write_text(digest + "\n")
        env = Environment(name, root, root / "bin" / "python", version)
        _READY[key] = env
        return env


def _build_kind(name: str, version: str, root: Path, requirements: Path) -> None:
    python = find_interpreter(version)
    if root.exists():
        shutil.rmtree(root)
    create_venv(python, root, name)
    pip_install(
        root / "bin" / "python",
        ["-r", str(requirements)],
        f"the {name} environment (the stock packages of openwhisk/action-python-v{version})",
        fix=f"Building needs PyPI once (network access). Retry when it is reachable; the build is "
        f"cached in {root} and reused after.",
    )


def _ensure_node_kind(name: str, cache: Path, key: tuple[str, str]) -> Environment:
    """A Node.js kind's environment (``node.py``): rebuilt when the node it links to changes."""
    node = nodejs.node_of(NODE_KINDS[name].major)  # the node the kind was offered with
    root = cache / "kinds" / name.replace(":", "-")
    marker = root / ".jupyter-faas-ready"
    stamp = f"{node.resolve()} {sys.version_info[0]}.{sys.version_info[1]}"
    with _BUILD_LOCK:
        if not (marker.exists() and marker.read_text().strip() == stamp):
            with file_lock(cache / "kinds" / f"{root.name}.lock"):
                if not (marker.exists() and marker.read_text().strip() == stamp):
                    nodejs.build_node_environment(root, node)
                    marker.write_text(stamp + "\n")
        version = f"{sys.version_info[0]}.{sys.version_info[1]}"
        env = Environment(name, root, root / "bin" / "python", version, node=root / "bin" / "node")
        _READY[key] = env
        return env
