"""Dependencies for the target, not for this machine: linux x86_64 wheels, and the zip's ``virtualenv/``.

Owns measuring the real size of an action's dependencies (``pip download`` of the wheels for the kind's
Python on manylinux x86_64, cached by requirements hash under ``$JUPYTER_FAAS_CACHE/wheels``; the
installed distributions' RECORD sizes when PyPI cannot be reached), and building ``virtualenv/`` (``pip
install --target`` from those wheels, with ``bin/activate_this.py``), cached under
``$JUPYTER_FAAS_CACHE/virtualenvs``. It does not decide whether a virtualenv fits (``plan.py``).
"""

from __future__ import annotations

import hashlib
import importlib.metadata as metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ...contract import ZIP_VIRTUALENV
from ...errors import BuildError
from ..requirements import Requirements, normalise

__all__ = ["ACTIVATE_THIS", "WheelSet", "build_virtualenv", "cache_dir", "measure_dependencies"]

# pip does not widen an explicit --platform to older glibc versions: list them all, newest first, up to the
# glibc of the action images' Debian (bullseye, 2.31), down to manylinux2014 (2.17).
PLATFORMS = (*(f"manylinux_2_{v}_x86_64" for v in range(31, 16, -1)), "manylinux2014_x86_64")

# What OpenWhisk's Python runtime executes before importing __main__.py (with __file__ set to this file).
ACTIVATE_THIS = '''\
"""Activate this virtualenv for the running interpreter (OpenWhisk runs it before importing the action)."""
import glob
import os
import site
import sys

base = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.environ["VIRTUAL_ENV"] = base
os.environ["PATH"] = os.path.join(base, "bin") + os.pathsep + os.environ.get("PATH", "")
before = list(sys.path)
for folder in sorted(glob.glob(os.path.join(base, "lib", "python*", "site-packages"))):
    site.addsitedir(folder)
# the virtualenv's packages come before the interpreter's own
sys.path[:] = [p for p in sys.path if p not in before] + before
sys.real_prefix = sys.prefix
sys.prefix = base
'''


def cache_dir() -> Path:
    env = os.environ.get("JUPYTER_FAAS_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "jupyter-faas"


@dataclass(frozen=True)
class WheelSet:
    """The dependencies as they would ship: one size per wheel (or per installed distribution)."""

    sizes: dict[str, int]  # wheel file name (or distribution) -> bytes
    source: str  # how the sizes were measured
    folder: Path | None = None  # the downloaded wheels, when there are any
    problem: str | None = None  # why no wheels could be downloaded
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.sizes.values())


def _pip(args: list[str]) -> subprocess.CompletedProcess[str]:
    # bounded retries: offline, the plan should say so in seconds, not after pip's default minutes
    cmd = [sys.executable, "-m", "pip", *args, "--disable-pip-version-check", "--no-input"]
    cmd += ["--retries", "2", "--timeout", "30"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_REQUIRE", "VIRTUAL_ENV"))}
    return subprocess.run(cmd, capture_output=True, text=True, env=env)


def _target_args(python: str) -> list[str]:
    args = ["--only-binary=:all:", "--implementation", "cp", "--python-version", python]
    for platform in PLATFORMS:
        args += ["--platform", platform]
    return args


def measure_dependencies(requirements: Requirements, python: str) -> WheelSet:
    """The wheels of ``requirements`` (and their dependencies) for CPython ``python`` on linux x86_64."""
    platforms = hashlib.sha256(" ".join(PLATFORMS).encode()).hexdigest()[:6]
    key = f"{requirements.sha256[:16]}-cp{python.replace('.', '')}-{platforms}"
    folder = cache_dir() / "wheels" / key
    done = folder / "sizes.json"
    source = f"wheels for CPython {python} manylinux x86_64 (pip download)"
    if done.is_file():
        return WheelSet(json.loads(done.read_text()), source, folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{key}.", dir=folder.parent))
    (tmp / "requirements.txt").write_text(requirements.text())
    out = _pip(["download", "-q", "-d", str(tmp), "-r", str(tmp / "requirements.txt"), *_target_args(python)])
    if out.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        tail = " ".join((out.stdout + out.stderr).strip().splitlines()[-3:])
        fallback = _installed_sizes(requirements)
        return WheelSet(fallback.sizes, fallback.source, problem=tail, notes=fallback.notes)
    sizes = {p.name: p.stat().st_size for p in sorted(tmp.glob("*.whl"))}
    (tmp / "sizes.json").write_text(json.dumps(sizes, indent=1, sort_keys=True))
    try:
        tmp.rename(folder)
    except OSError:  # another build finished first: same content
        shutil.rmtree(tmp, ignore_errors=True)
    return WheelSet(sizes, source, folder)


def _installed_sizes(requirements: Requirements) -> WheelSet:
    """Sizes of the installed files of each distribution and its dependencies (uncompressed)."""
    sizes: dict[str, int] = {}
    notes: list[str] = []
    queue = [r.name.split("[")[0] for r in requirements.install]
    while queue:
        name = queue.pop()
        if normalise(name) in {normalise(n) for n in sizes}:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            notes.append(f"{name} is not installed here: its size is unknown")
            continue
        sizes[dist.metadata["Name"] or name] = sum((f.size or 0) for f in dist.files or [])
        for req in dist.requires or []:
            if "extra ==" not in req:
                match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", req)
                if match:
                    queue.append(match.group(0))
    return WheelSet(sizes, "installed files of the distributions (RECORD, uncompressed)", notes=notes)


def build_virtualenv(requirements: Requirements, wheels: WheelSet, python: str) -> Path:
    """A folder holding ``virtualenv/`` with ``requirements`` installed for the target; cached."""
    if wheels.folder is None:
        raise BuildError(
            f"Cannot build virtualenv/: no linux wheels for CPython {python} ({wheels.problem}).",
            fix="Use an image (--image or the image plan), or pick versions that have manylinux wheels.",
        )
    root = cache_dir() / "virtualenvs" / wheels.folder.name
    if (root / ZIP_VIRTUALENV / "bin" / "activate_this.py").is_file():
        return root
    root.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{root.name}.", dir=root.parent))
    site = tmp / ZIP_VIRTUALENV / "lib" / f"python{python}" / "site-packages"
    args = ["install", "-q", "--no-compile", "--no-index", "--find-links", str(wheels.folder)]
    args += ["--target", str(site), "-r", str(wheels.folder / "requirements.txt"), *_target_args(python)]
    out = _pip(args)
    if out.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        tail = "\n".join((out.stdout + out.stderr).strip().splitlines()[-10:])
        raise BuildError(f"pip could not build virtualenv/:\n{tail}", fix="Check the requirements' versions.")
    shutil.rmtree(site / "bin", ignore_errors=True)  # console scripts point at this machine's python
    (tmp / ZIP_VIRTUALENV / "bin").mkdir(parents=True)
    (tmp / ZIP_VIRTUALENV / "bin" / "activate_this.py").write_text(ACTIVATE_THIS)
    try:
        tmp.rename(root)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
    return root
