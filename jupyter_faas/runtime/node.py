"""Node.js kinds as local environments: ``nodejs:20`` -> this machine's node 20, run by ``launcher.js``.

A Node.js kind is offered only where a node of its major version is found (``JUPYTER_FAAS_NODE_20`` when
set, else PATH's ``node``/``nodejs``, nvm's, /usr/local/bin, /usr/bin); nothing is downloaded. Its
environment is a small standard-library venv whose ``bin/node`` links to that node: the Python launcher
runs in it (lifeline, subreaper, sandbox, as for every kind), then starts ``launcher.js`` under node,
which behaves as upstream's ``openwhisk/action-nodejs-v20`` (``runner.js``, ``service.js``). What this
module does not own: what the launcher does (``launcher.py``, ``launcher.js``), the Python kinds
(``environments.py``).
"""

from __future__ import annotations

import glob
import os
import subprocess
import sys
import threading
from pathlib import Path

from ..contract import DEFAULT_NODE_KIND, NODE_KINDS
from ..errors import EngineError

__all__ = [
    "LAUNCHER_JS",
    "NODE_VARIABLE",
    "absent_reason",
    "find_node",
    "is_node_kind",
    "located",
    "node_kinds_found",
    "node_major",
    "node_of",
    "resolve_node_kind",
]

LAUNCHER_JS = str(Path(__file__).resolve().parent / "launcher.js")
NODE_VARIABLE = "JUPYTER_FAAS_NODE"  # the node the launcher starts launcher.js with (it pops the variable)

_FOUND: dict[int, Path | EngineError] = {}  # per major: the node found, or why there is none
_LOCK = threading.Lock()


def is_node_kind(kind: str) -> bool:
    return kind.startswith("nodejs:")


def resolve_node_kind(kind: str) -> str:
    """``nodejs:default`` -> the kind it stands for (``nodejs:20``)."""
    return DEFAULT_NODE_KIND if kind == "nodejs:default" else kind


def node_major(node: str) -> int | None:
    """The major version of the node executable ``node`` (``v20.11.1`` -> 20), None if it does not run."""
    try:
        out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = out.stdout.strip()
    if out.returncode != 0 or not text.startswith("v"):
        return None
    try:
        return int(text[1:].split(".", 1)[0])
    except ValueError:
        return None


def _candidates() -> list[str]:
    found: list[str] = []
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        if folder:
            found += [os.path.join(folder, "node"), os.path.join(folder, "nodejs")]
    for base in (os.environ.get("NVM_DIR", ""), os.path.expanduser("~/.nvm")):
        if base:
            found += sorted(glob.glob(f"{base}/versions/node/v*/bin/node"), reverse=True)
    return [*found, "/usr/local/bin/node", "/usr/bin/node", "/usr/bin/nodejs"]


def find_node(major: int) -> Path:
    """A node executable of ``major`` version: ``JUPYTER_FAAS_NODE_<major>`` when set (then only that
    one), else the first of PATH's, nvm's, /usr/local/bin's and /usr/bin's that has that version."""
    var = f"JUPYTER_FAAS_NODE_{major}"
    chosen = os.environ.get(var)
    if chosen:
        found = node_major(chosen) if os.path.isfile(chosen) else None
        if found == major:
            return Path(chosen)
        what = f"is Node.js {found}" if found else "is not a node executable that runs"
        raise EngineError(
            f"{var}={chosen} {what}: the nodejs:{major} kind needs Node.js {major}.",
            fix=f"Point {var} at a Node.js {major} `node`, or unset it to let jupyter-faas look for one.",
        )
    seen: set[str] = set()
    for candidate in _candidates():
        real = os.path.realpath(candidate)
        if real in seen or not (os.path.isfile(candidate) and os.access(candidate, os.X_OK)):
            continue
        seen.add(real)
        if node_major(candidate) == major:
            return Path(candidate)
    raise EngineError(
        f"No Node.js {major} found: the nodejs:{major} kind cannot run actions here.",
        fix=f"Install Node.js {major} (nodejs.org, `nvm install {major}`, your package manager) or set "
        f"{var}=/path/to/node; or deploy with a kind this machine has.",
    )


def node_of(major: int) -> Path:
    """The node of ``major``, looked for once per process (``find_node``); its ``EngineError`` when none."""
    with _LOCK:
        if major not in _FOUND:
            try:
                _FOUND[major] = find_node(major)
            except EngineError as exc:
                _FOUND[major] = exc
        found = _FOUND[major]
    if isinstance(found, EngineError):
        raise found.with_traceback(None)  # the same error each time, not one whose traceback grows
    return found


def located(major: int) -> Path | None:
    """The node of ``major`` (looked for once per process), None when there is none."""
    try:
        return node_of(major)
    except EngineError:
        return None


def node_kinds_found() -> list[str]:
    """The Node.js kinds this machine runs: those whose node is found."""
    return [name for name, kind in NODE_KINDS.items() if located(kind.major) is not None]


def absent_reason(kind: str) -> str:
    """Why ``kind`` (a Node.js kind of the contract) is not offered here, in a sentence with its fix."""
    try:
        node_of(NODE_KINDS[kind].major)
    except EngineError as exc:  # the reason the one search of this process found
        return f"{exc.message} {exc.fix}"
    return f"Node.js {NODE_KINDS[kind].major} is found: this kind runs here."


def build_node_environment(root: Path, node: Path) -> None:
    """A venv with only the standard library (what the Python launcher needs) and ``bin/node``."""
    python = Path(getattr(sys, "_base_executable", sys.executable))
    out = subprocess.run(
        [str(python), "-m", "venv", "--without-pip", "--clear", str(root)], capture_output=True, text=True
    )
    if out.returncode != 0:
        raise EngineError(
            f"Creating the environment of a Node.js kind failed: {out.stderr.strip()[-500:]}",
            fix="Check that this Python has the venv module (Debian: apt-get install python3-venv).",
        )
    link = root / "bin" / "node"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(node.resolve())
