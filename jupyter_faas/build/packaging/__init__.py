"""Packaging: ``__main__.py`` + local modules + files (+ dependencies) -> one deterministic action zip.

Owns assembling the package for a size plan (``plan.py``): a plain zip, a zip with ``virtualenv/``
(``virtualenv.py``), or the image plan (zip with code and files; a Dockerfile and requirements.txt for the
image), the zip's sha256 (the identity a redeploy compares), and a cache of finished packages keyed by the
hash of their inputs, so rebuilding an unchanged package costs a hash, not a zip. It does not capture
(``capture/``), generate code (``codegen.py``) nor run anything (``local_test.py``).

Modules: ``archive.py`` (deterministic zip), ``virtualenv.py`` (wheels, virtualenv/), ``plan.py``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import zipfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from ...contract import KINDS, MAX_CODE_BYTES, ZIP_MAIN, ZIP_VIRTUALENV, base64_size
from ...errors import PackageTooLarge
from ..capture import BundledFile
from ..requirements import Requirements
from .archive import Entry, sha256_file, write_zip
from .plan import SizePlan, choose_plan, dockerfile, image_name, mb
from .virtualenv import build_virtualenv, cache_dir, measure_dependencies

__all__ = ["Package", "SizePlan", "build_package", "mb"]

_FORMAT = 1  # bump when the package layout changes, so cached packages are not reused


@dataclass
class Package:
    """A built action package, ready to test locally and deploy."""

    zip_path: Path
    size: int  # bytes of the zip
    sha256: str  # of the zip: equal hashes mean equal packages
    plan: SizePlan
    kind: str  # exec.kind: "python:3.11" or "blackbox"
    base_kind: str  # the Python kind it runs on (an image's FROM)
    image: str | None  # exec.image for blackbox
    image_dir: Path | None  # Dockerfile + requirements.txt for the image plan
    entries: list[str]
    cached: bool = False  # reused from the package cache (nothing was zipped)

    def code(self) -> str:
        """The zip as base64: what goes in ``exec.code``."""
        return base64.b64encode(self.zip_path.read_bytes()).decode("ascii")

    def describe(self) -> str:
        lines = [
            f"Package {self.zip_path.name}: {mb(self.size)} ({mb(base64_size(self.size))} as base64 of "
            f"{mb(MAX_CODE_BYTES)}), {len(self.entries)} files, sha256 {self.sha256[:12]}"
            + (" (unchanged: reused)" if self.cached else ""),
            self.plan.describe(),
        ]
        if self.image:
            lines.append(f"Kind blackbox, image {self.image} (Dockerfile in {self.image_dir})")
        else:
            lines.append(f"Kind {self.kind}")
        return "\n".join(lines)


def _inputs_key(main_py: str, files: Sequence[BundledFile], requirements: Requirements, options: str) -> str:
    digest = hashlib.sha256(f"{_FORMAT}\n{options}\n{requirements.text()}\n".encode())
    digest.update(main_py.encode())
    for item in sorted(files, key=lambda f: f.arcname):
        digest.update(f"\n{item.arcname}\n{sha256_file(item.path)}".encode())
    return digest.hexdigest()


def build_package(
    main_py: str,
    files: Sequence[BundledFile],
    requirements: Requirements,
    *,
    name: str,
    kind: str,
    output_dir: Path,
    image: str | None = None,
    reuse: bool = True,
) -> Package:
    """Build the package of action ``name`` into ``output_dir`` (``<name>.zip``, maybe ``image/``).

    ``kind`` is the Python kind (``python:3.11``); ``image`` asks for the image plan with that image name.
    ``reuse=False`` zips again even when the package cache has the same inputs (determinism checks).
    """
    python = KINDS[kind].python
    output_dir.mkdir(parents=True, exist_ok=True)
    key = _inputs_key(main_py, files, requirements, f"{name}|{kind}|{image}")
    cached = cache_dir() / "packages" / key[:32]
    if reuse and (cached / "package.json").is_file() and (cached / "action.zip").is_file():
        return _restore(cached, output_dir, name)

    entries = [Entry(ZIP_MAIN, data=main_py.encode())] + [Entry(f.arcname, path=f.path) for f in files]
    code_zip = write_zip(entries)
    wheels = measure_dependencies(requirements, python) if requirements.install else None
    try:
        plan = choose_plan(len(code_zip), wheels, image_requested=image is not None)
    except PackageTooLarge as exc:  # say which files make it too large, and why each was bundled
        largest = sorted(files, key=lambda f: -f.path.stat().st_size)[:3]
        exc.message += " Largest files: " + "; ".join(
            f"{f.arcname} ({mb(f.path.stat().st_size)}, {f.reason})" for f in largest
        )
        raise
    data = code_zip
    if plan.choice == "virtualenv":
        assert wheels is not None
        venv_root = build_virtualenv(requirements, wheels, python)
        venv = [
            Entry(p.relative_to(venv_root).as_posix(), path=p)
            for p in sorted((venv_root / ZIP_VIRTUALENV).rglob("*"))
            if p.is_file()
        ]
        data = write_zip(entries + venv)
        if base64_size(len(data)) > MAX_CODE_BYTES:  # the estimate was close; the measurement decides
            reason = (
                f"The zip with virtualenv/ measured {mb(len(data))}, {mb(base64_size(len(data)))} as base64: "
                f"over {mb(MAX_CODE_BYTES)}; the dependencies go in an image instead."
            )
            plan = SizePlan("image", reason, plan.code_bytes, plan.deps_bytes, plan.deps_source, len(data))
            data = code_zip
    image_dir = None
    if plan.choice == "image":
        image = image or image_name(name, requirements.sha256)
        image_dir = output_dir / "image"
        image_dir.mkdir(exist_ok=True)
        (image_dir / "Dockerfile").write_text(dockerfile(kind, image, name))
        (image_dir / "requirements.txt").write_text(requirements.text())
    zip_path = output_dir / zip_file_name(name)
    zip_path.write_bytes(data)
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
    package = Package(
        zip_path=zip_path,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        plan=plan,
        kind="blackbox" if image else kind,
        base_kind=kind,
        image=image,
        image_dir=image_dir,
        entries=names,
    )
    _store(cached, package)
    return package


def _store(folder: Path, package: Package) -> None:
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    shutil.copyfile(package.zip_path, tmp / "action.zip")
    if package.image_dir:
        shutil.copytree(package.image_dir, tmp / "image")
    meta = asdict(package)
    meta.update(zip_path=package.zip_path.name, image_dir=None, plan=asdict(package.plan), cached=False)
    (tmp / "package.json").write_text(json.dumps(meta, indent=1))
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)


def zip_file_name(name: str) -> str:
    """``<name>.zip`` for an action ``name`` (``pkg/action`` -> ``pkg--action.zip``: one file, no folder)."""
    return name.replace("/", "--") + ".zip"


def _restore(folder: Path, output_dir: Path, name: str) -> Package:
    meta = json.loads((folder / "package.json").read_text())
    zip_path = output_dir / zip_file_name(name)
    if not zip_path.is_file() or sha256_file(zip_path) != meta["sha256"]:
        shutil.copyfile(folder / "action.zip", zip_path)
    image_dir = None
    if (folder / "image").is_dir():
        image_dir = output_dir / "image"
        shutil.copytree(folder / "image", image_dir, dirs_exist_ok=True)
    meta.update(zip_path=zip_path, image_dir=image_dir, plan=SizePlan(**meta["plan"]), cached=True)
    return Package(**meta)
