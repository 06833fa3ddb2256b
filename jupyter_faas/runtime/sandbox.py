"""The filesystem sandbox of action processes: on Linux, Landlock (kernel 5.13+, no privileges needed), so
that a local run sees what a container sees and cannot read the rest of the user's files.

An action process may read its environment (the venv, the interpreter it was made from, an image's base
kind), the system's files (``/usr``, ``/lib*``, ``/bin``, ``/sbin``, ``/etc``, ``/proc``, ``/sys``, ``/run``)
and the runtime's own folder; it may read and write its container folder (its action folder, ``HOME``, and
``TMPDIR``, a private temporary folder), ``/dev/shm``, and the devices in ``/dev``; in ``/tmp`` it may
create, write and read files by name but not list the folder (a container has a ``/tmp`` of its own; this
keeps code that writes ``/tmp/x`` working without showing it the user's temporary files). Nothing else.

The engine describes the policy in ``JUPYTER_FAAS_SANDBOX`` (JSON); the launcher applies it to itself
before it answers ready (``launcher._sandbox``), so it holds for the action's code and everything that
code starts. A path refused gets one line in the activation's logs (``explain``, when the logs close).
``status()`` says once which is in force; ``JUPYTER_FAAS_NO_SANDBOX=1`` (``jupyter-faas engine
--no-sandbox``) turns it off for one engine. What this module does not own: applying it
(``launcher.py``), the container (``container.py``).
"""

from __future__ import annotations

import ctypes
import json
import logging
import os
import re
import sys
from pathlib import Path
from typing import Any

__all__ = ["OFF_VARIABLE", "VARIABLE", "allowed", "explain", "landlock_abi", "policy", "status"]

log = logging.getLogger("jupyter_faas.runtime")
VARIABLE = "JUPYTER_FAAS_SANDBOX"
OFF_VARIABLE = "JUPYTER_FAAS_NO_SANDBOX"
SYSTEM = ("/usr", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin", "/etc", "/proc", "/sys", "/run")
RUNTIME_DIR = str(Path(__file__).resolve().parent)
_LANDLOCK_CREATE_RULESET = 444
_LANDLOCK_CREATE_RULESET_VERSION = 1
_said: str | None = None
_REFUSED = re.compile(r"PermissionError: \[Errno 13\] Permission denied: '([^']+)'")


def landlock_abi() -> int:
    """The kernel's Landlock ABI version, 0 when there is none (not Linux, an old kernel, disabled)."""
    if not sys.platform.startswith("linux"):
        return 0
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        abi = libc.syscall(
            _LANDLOCK_CREATE_RULESET,
            None,
            ctypes.c_size_t(0),
            ctypes.c_uint32(_LANDLOCK_CREATE_RULESET_VERSION),
        )
    except (OSError, AttributeError):
        return 0
    return max(0, int(abi))


def status() -> tuple[bool, str]:
    """(in force, a sentence saying so); logged once per process."""
    global _said
    abi = landlock_abi()
    if os.environ.get(OFF_VARIABLE) == "1":
        on, text = False, "off (--no-sandbox): actions can read every file you can"
    elif abi:
        on, text = True, f"Landlock ABI {abi}: actions read only their package, environment and system files"
    else:
        on, text = False, "not available (no Landlock on this system): actions can read every file you can"
    if _said != text:
        (log.info if on else log.warning)("filesystem sandbox: %s", text)
        _said = text
    return on, text


def _base_paths(venv: Path) -> list[str]:
    """What a venv reads beyond itself: the interpreter it was made from, a Node.js kind's node, and any
    ``.pth`` targets (an image's base kind)."""
    out: list[str] = []
    with_home = venv / "pyvenv.cfg"
    try:
        for line in with_home.read_text().splitlines():
            key, _, value = line.partition("=")
            if key.strip() == "home" and value.strip():
                out.append(str(Path(value.strip()).resolve().parent))  # .../versions/3.11.7/bin -> prefix
    except OSError:
        pass
    node = venv / "bin" / "node"  # a Node.js kind (node.py): node's own prefix (its lib/, if any)
    if node.is_symlink():
        out.append(str(node.resolve().parent.parent))
    for pth in venv.glob("lib/python*/site-packages/*.pth"):
        try:
            for line in pth.read_text().splitlines():
                line = line.strip()
                if line.startswith("/") and Path(line).is_dir():
                    target = Path(line).resolve()
                    out.append(str(target.parents[2]) if target.name == "site-packages" else str(target))
        except OSError:
            continue
    return out


def policy(venv: Path, folder: Path) -> dict[str, Any]:
    """The policy of one container: its venv ``venv`` and its folder ``folder``."""
    tmp = folder / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    read = [str(venv), str(venv.resolve()), *_base_paths(venv), RUNTIME_DIR, *SYSTEM]
    return {
        "read": sorted({p for p in read if os.path.isdir(p)}),
        "write": [str(folder), "/dev/shm"] if os.path.isdir("/dev/shm") else [str(folder)],
        "devices": ["/dev"],
        "by_name": ["/tmp"],
        "tmpdir": str(tmp),
    }


def allowed(environ: dict[str, str]) -> list[str] | None:
    """The folders of a container's policy (from its environment), or None when it runs unsandboxed."""
    spec = environ.get(VARIABLE)
    if not spec:
        return None
    p = json.loads(spec)
    return [*p["read"], *p["write"], *p["devices"], *p["by_name"]]


def explain(lines: list[str], folders: list[str]) -> list[str]:
    """One sentence per path the logs show refused (``Permission denied``) outside ``folders``: a container
    would not have it either, and what to do."""
    seen: list[str] = []
    for line in lines:
        for path in _REFUSED.findall(line):
            full = os.path.abspath(os.path.expanduser(path))
            inside = any(full == f or full.startswith(f.rstrip("/") + "/") for f in folders)
            if not inside and path not in seen:
                seen.append(path)
    return [
        f"sandbox: {path} is outside the action's package, so a container would not have it: bundle it "
        "with --include PATH, or read it from a URL or a parameter."
        for path in seen
    ]
