"""Imports -> pinned distributions: what an action must bring that its runtime kind does not have.

Owns mapping third-party import names to the distributions that provide them in the kernel's environment
(``cv2`` -> ``opencv-python-headless``, ``PIL`` -> ``pillow``), pinning each to the installed version,
leaving out what the target kind preinstalls (``contract.KINDS``) and the standard library, and adding the
explicit ``--requirements``. It does not download or install anything (``packaging/``).
"""

from __future__ import annotations

import hashlib
import importlib.metadata as metadata
import importlib.util
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..contract import KINDS
from ..errors import BuildError
from .capture import ImportRef

__all__ = ["Requirement", "Requirements", "normalise", "resolve_requirements"]

# Distributions that a server must not use as they are: the GUI builds of OpenCV need X11 libraries that
# no action container has; their headless twins have the same modules and versions.
_SERVER_TWIN = {
    "opencv-python": "opencv-python-headless",
    "opencv-contrib-python": "opencv-contrib-python-headless",
}
# What to `pip install` when an import name is not the distribution's name (for the "not installed" fix).
_INSTALL_HINT = {
    "cv2": "opencv-python-headless",
    "PIL": "pillow",
    "sklearn": "scikit-learn",
    "skimage": "scikit-image",
    "yaml": "pyyaml",
    "bs4": "beautifulsoup4",
    "dateutil": "python-dateutil",
    "ai_edge_litert": "ai-edge-litert",
    "tflite_runtime": "tflite-runtime",
}
_SPEC = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$")


def normalise(name: str) -> str:
    """PEP 503 name: lower case, runs of ``-_.`` as one ``-``."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Requirement:
    """One distribution to install, and why."""

    name: str  # distribution name as published ("opencv-python-headless")
    specifier: str  # "==4.10.0.84", ">=2", or "" for any version
    reason: str  # "import cv2 (cell 2, line 1)" or "--requirements"

    @property
    def line(self) -> str:
        return f"{self.name}{self.specifier}"


@dataclass
class Requirements:
    """The requirements of one action for one kind: what to install, and what was left out and why."""

    kind: str
    install: list[Requirement]
    preinstalled: list[str] = field(default_factory=list)  # "requests (preinstalled in python:3.11)"

    def text(self) -> str:
        """``requirements.txt`` content: sorted, one pinned distribution a line."""
        return "".join(f"{r.line}\n" for r in sorted(self.install, key=lambda r: normalise(r.name)))

    @property
    def sha256(self) -> str:
        return hashlib.sha256(f"{self.kind}\n{self.text()}".encode()).hexdigest()

    def describe(self) -> str:
        lines = [f"  {r.line:<40} {r.reason}" for r in self.install] or ["  (none)"]
        if self.preinstalled:
            lines.append("  left out: " + ", ".join(self.preinstalled))
        return "\n".join(lines)


@lru_cache(maxsize=1)
def _owners() -> dict[str, list[str]]:
    return {k: list(v) for k, v in metadata.packages_distributions().items()}


def _distribution_for(ref: ImportRef) -> str:
    owners = _owners().get(ref.top, [])
    if len(owners) > 1:  # a namespace package (google.*): find the distribution that has the submodule
        sub = ref.module.replace(".", "/")
        for dist in owners:
            files = metadata.distribution(dist).files or []
            if any(str(f).startswith(sub) for f in files):
                return dist
    if owners:
        return owners[0]
    where = f"needed by {ref.needed_by}: {ref.module}" if ref.needed_by else f"imported at {ref.where}"
    if importlib.util.find_spec(ref.top) is None:
        hint = _INSTALL_HINT.get(ref.top, ref.top)
        raise BuildError(
            f"Module {ref.top} ({where}) is not installed in this Python.",
            fix=f"Install it where the notebook runs (pip install {hint}), or remove the import.",
        )
    raise BuildError(
        f"Module {ref.top} ({where}) is importable, but no installed distribution has it.",
        fix="Put it beside the notebook as a local module, or name its distribution with --requirements.",
    )


def _parse_explicit(items: Sequence[str]) -> list[Requirement]:
    out = []
    for item in items:
        path = Path(item)
        if item.endswith(".txt") or path.is_file():
            if not path.is_file():
                raise BuildError(f"Requirements file {item} does not exist.", fix="Check the path.")
            lines = [ln.split("#")[0].strip() for ln in path.read_text().splitlines()]
            out += [Requirement(*_split(ln), reason=f"--requirements {item}") for ln in lines if ln]
        else:
            out.append(Requirement(*_split(item), reason="--requirements"))
    return out


def _split(spec: str) -> tuple[str, str]:
    match = _SPEC.match(spec)
    if not match or spec.startswith("-"):
        raise BuildError(f"{spec!r} is not a requirement.", fix="Use NAME or NAME==VERSION, one per item.")
    name, extras, rest = match.groups()
    return name + (extras or ""), rest.replace(" ", "")


def resolve_requirements(
    imports: Sequence[ImportRef], kind: str, explicit: Sequence[str] = ()
) -> Requirements:
    """Distributions for third-party ``imports``, pinned, minus what ``kind`` has, plus ``explicit``.

    ``kind`` is a Python kind (``python:3.11``); a ``blackbox`` image built from one uses that kind's table.
    """
    base = KINDS.get(kind)
    preinstalled = {normalise(n) for n in base.preinstalled} if base else set()
    wanted: dict[str, Requirement] = {}
    left_out: set[str] = set()
    for ref in imports:
        if ref.origin != "third-party":
            continue
        if ref.optional and ref.top not in _owners() and importlib.util.find_spec(ref.top) is None:
            left_out.add(f"{ref.top} (optional import, not installed)")
            continue
        dist = _distribution_for(ref)
        version = metadata.version(dist)
        dist = metadata.distribution(dist).metadata["Name"] or dist
        dist = _SERVER_TWIN.get(normalise(dist), dist)
        key = normalise(dist)
        if key in preinstalled:
            left_out.add(f"{dist} (preinstalled in {kind})")
            continue
        why = (
            f"needed by {ref.needed_by} ({ref.module})"
            if ref.needed_by
            else f"import {ref.module} ({ref.where})"
        )
        wanted.setdefault(key, Requirement(dist, f"=={version}", why))
    for req in _parse_explicit(explicit):
        wanted[normalise(req.name.split("[")[0])] = req
    return Requirements(kind=kind, install=list(wanted.values()), preinstalled=sorted(left_out))
