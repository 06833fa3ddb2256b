"""Blackbox images as local environments: a small local "docker daemon" for ``kind: blackbox`` actions.

The stock images ``openwhisk/action-python-v3.10`` / ``-v3.11`` (any tag) are the kind environments.
``build(tag, context_dir)`` realises a Dockerfile subset as a venv layered on the base kind (its own
site-packages for the image's pip installs, plus the kind's through a ``.pth`` file), built once and
cached under ``$JUPYTER_FAAS_CACHE/images/<content hash>``; the tag points at the latest build.
Supported: ``FROM openwhisk/action-python-v3.10|v3.11``, ``COPY``/``ADD`` of context files,
``RUN pip install [-r file] [pkg==ver ...]`` (also ``pip3``, ``python -m pip``, joined by ``&&``), ``ENV``,
``WORKDIR``, ``LABEL``; anything else is refused naming the line. An image that is neither stock nor built
is reported as upstream reports an image it cannot pull. The action's zip is still initialised by the
launcher inside that environment, as upstream's python image does with ``--docker``.
What this module does not own: kinds (``environments.py``), writing Dockerfiles (``packaging.py``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..errors import ActionError, BuildError
from .environments import Environment, create_venv, ensure_kind, file_lock, pip_install, site_packages

__all__ = ["STOCK_IMAGES", "ImageNotFound", "ImageStore", "Recipe", "parse_dockerfile"]

STOCK_IMAGES = {
    "openwhisk/action-python-v3.10": "python:3.10",
    "openwhisk/action-python-v3.11": "python:3.11",
}
_SUPPORTED = (
    "Supported here: FROM openwhisk/action-python-v3.10|v3.11, COPY/ADD <context file> <dest>, "
    "RUN pip install [--no-cache-dir] [-r requirements.txt] [pkg==version ...], ENV, WORKDIR, LABEL."
)
_PIP_FLAGS = {"--no-cache-dir", "-U", "--upgrade", "-q", "--quiet", "--no-deps", "--prefer-binary", "--pre"}
_PIP_VALUE_FLAGS = {"--only-binary", "--no-binary", "-c", "--constraint", "--index-url", "--extra-index-url"}


class ImageNotFound(ActionError):
    """The image is neither a stock image nor built locally."""


@dataclass
class Recipe:
    """What a Dockerfile asks for, reduced to what a local environment can honour."""

    base_kind: str
    pip_args: list[list[str]] = field(default_factory=list)  # one list per `pip install`
    env: dict[str, str] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)  # image path -> context file


def normalize(image: str) -> str:
    name = image.strip()
    for prefix in ("docker.io/", "index.docker.io/"):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    if name.startswith("library/"):
        name = name[len("library/") :]
    if ":" not in name.rsplit("/", 1)[-1]:
        name += ":latest"
    return name


def _stock_kind(image: str) -> str | None:
    return STOCK_IMAGES.get(normalize(image).rsplit(":", 1)[0])


def _logical_lines(text: str) -> list[tuple[int, str]]:
    lines: list[tuple[int, str]] = []
    buf, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not buf and (not stripped or stripped.startswith("#")):
            continue
        if not buf:
            start = number
        if stripped.endswith("\\"):
            buf += stripped[:-1] + " "
            continue
        lines.append((start, buf + stripped))
        buf = ""
    if buf:
        lines.append((start, buf))
    return lines


def _pip_command(words: list[str]) -> list[str] | None:
    """The arguments after `install` when ``words`` is a pip install command, else None."""
    if words[:2] in (["pip", "install"], ["pip3", "install"]):
        return words[2:]
    if (
        len(words) >= 4
        and re.fullmatch(r"python3?(\.\d+)?", words[0])
        and words[1:4] == ["-m", "pip", "install"]
    ):
        return words[4:]
    return None


def parse_dockerfile(text: str, context: Path) -> Recipe:
    """Read the supported Dockerfile subset; ``BuildError`` naming the first line it cannot honour."""
    recipe: Recipe | None = None
    workdir = PurePosixPath("/")
    for number, line in _logical_lines(text):

        def fail(why: str, line: str = line, number: int = number) -> BuildError:
            return BuildError(f"Dockerfile line {number}: {line!r}: {why}", fix=_SUPPORTED)

        instruction, _, rest = line.partition(" ")
        op = instruction.upper()
        rest = rest.strip()
        if recipe is None:
            if op != "FROM":
                raise fail("the first instruction must be FROM")
            kind = _stock_kind(rest.split(" ")[0])
            if kind is None:
                raise fail("the base image must be openwhisk/action-python-v3.10 or -v3.11")
            recipe = Recipe(kind)
        elif op == "FROM":
            raise fail("multi-stage builds are not supported")
        elif op in ("COPY", "ADD"):
            words = [w for w in shlex.split(rest) if not w.startswith("--")]
            if len(words) < 2:
                raise fail("COPY needs a source and a destination")
            *sources, dest = words
            for source in sources:
                path = (context / source).resolve()
                if context.resolve() not in path.parents or not path.is_file():
                    raise fail(f"{source!r} is not a file inside the build context {context}")
                target = workdir / dest
                if dest.endswith("/") or dest in (".", "./") or len(sources) > 1:
                    target = target / PurePosixPath(source).name
                recipe.files[str(PurePosixPath(os.path.normpath(str(target))))] = path
        elif op == "RUN":
            for part in rest.split("&&"):
                words = shlex.split(part)
                args = _pip_command(words) if words else None
                if args is None:
                    raise fail("only `pip install ...` can run here")
                recipe.pip_args.append(_pip_args(args, recipe, workdir, fail))
        elif op == "ENV":
            if "=" in rest.split(" ")[0]:
                for pair in shlex.split(rest):
                    key, _, value = pair.partition("=")
                    recipe.env[key] = value
            else:
                key, _, value = rest.partition(" ")
                recipe.env[key] = value.strip()
        elif op == "WORKDIR":
            workdir = workdir / rest
        elif op == "LABEL":
            continue
        else:
            raise fail(f"{op} is not supported")
    if recipe is None:
        raise BuildError("The Dockerfile is empty.", fix=_SUPPORTED)
    return recipe


def _pip_args(
    args: list[str], recipe: Recipe, workdir: PurePosixPath, fail: Callable[[str], BuildError]
) -> list[str]:
    out: list[str] = []
    it = iter(args)
    for word in it:
        flag, eq, value = word.partition("=")
        if word in _PIP_FLAGS:
            out.append(word)
        elif flag in _PIP_VALUE_FLAGS:
            out += [flag, value if eq else next(it, "")]
        elif word in ("-r", "--requirement") or flag == "--requirement":
            name = value if eq else next(it, "")
            image_path = str(PurePosixPath(os.path.normpath(str(workdir / name))))
            source = recipe.files.get(image_path)
            if source is None:
                raise fail(f"{name} was not copied into the image before this RUN")
            out += ["-r", str(source)]
        elif word.startswith("-"):
            raise fail(f"pip option {word} is not supported")
        else:
            out.append(word)
    return out


class ImageStore:
    """Local images under ``<cache>/images``: ``build`` them, resolve them to environments."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir
        self.root = cache_dir / "images"

    def _tag_file(self, image: str) -> Path:
        return self.root / "tags" / (hashlib.sha256(normalize(image).encode()).hexdigest()[:24] + ".json")

    def environment(self, image: str) -> Environment:
        """The environment of ``image``; ``ImageNotFound`` when it is neither stock nor built."""
        kind = _stock_kind(image)
        if kind is not None:
            return ensure_kind(kind, self.cache_dir)
        tag = self._tag_file(image)
        try:
            meta = json.loads(tag.read_text())
            root = Path(meta["root"])
            if (root / ".jupyter-faas-ready").exists():
                python = root / "bin" / "python"
                return Environment(f"image:{normalize(image)}", root, python, meta["version"], meta["env"])
        except (OSError, ValueError, KeyError):
            pass
        raise ImageNotFound(
            f"The image {image!r} is not available locally.",
            fix="Build it first (ImageStore.build / jupyter-faas build) or use a stock image.",
        )

    def build(self, tag: str, context_dir: Path, dockerfile: str = "Dockerfile") -> Environment:
        """Build (or reuse, by content) the image ``tag`` from ``context_dir``; raises ``BuildError``."""
        context = Path(context_dir)
        try:
            text = (context / dockerfile).read_text()
        except OSError as exc:
            raise BuildError(
                f"Cannot read {context / dockerfile}: {exc}", fix="Give the build context folder."
            ) from exc
        recipe = parse_dockerfile(text, context)
        base = ensure_kind(recipe.base_kind, self.cache_dir)
        digest = hashlib.sha256(text.encode() + base.name.encode())
        for image_path, source in sorted(recipe.files.items()):
            digest.update(image_path.encode() + b"\0" + source.read_bytes())
        root = self.root / digest.hexdigest()[:24]
        with file_lock(self.root / f"{root.name}.lock"):
            if not (root / ".jupyter-faas-ready").exists():
                self._realise(root, recipe, base, tag)
        meta = {"root": str(root), "version": base.version, "env": recipe.env, "tag": normalize(tag)}
        path = self._tag_file(tag)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(meta))
        tmp.replace(path)
        return self.environment(tag)

    @staticmethod
    def _realise(root: Path, recipe: Recipe, base: Environment, tag: str) -> None:
        if root.exists():
            shutil.rmtree(root)
        what = f"the image {normalize(tag)}"
        create_venv(base.python, root, what)
        site = site_packages(root, base.version)
        (site / "_jupyter_faas_base.pth").write_text(str(site_packages(base.root, base.version)) + "\n")
        for args in recipe.pip_args:
            fix = "Building needs PyPI (network). Check the package names and versions, then build again."
            pip_install(root / "bin" / "python", args, what, fix=fix)
        (root / ".jupyter-faas-ready").write_text(tag + "\n")
