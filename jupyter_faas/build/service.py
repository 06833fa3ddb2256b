"""The build service: capture -> requirements -> codegen -> package (with its size plan), in one call.

``build(source, options)`` is what the magics, the CLI and the sidebar call. ``source`` (a ``Source``) is
a notebook, ``.py`` file or action folder path, a list of ``Cell``, or a live kernel's ``Kernel``. It
writes ``__main__.py``, ``<name>.zip`` and, for the image plan, ``image/Dockerfile`` +
``image/requirements.txt`` into the output folder, times each stage, and returns a ``BuildResult`` whose
``summary()`` is what every entry point prints. ``deploy(result, client)`` puts the package on an
OpenWhisk through ``openwhisk.Client``, with the action's annotations (the package hash and provenance,
never a secret), and uploads nothing when the server has the same hash.
It does not test (``local_test.py``) nor speak HTTP itself (``openwhisk/``).
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..contract import KINDS, ZIP_MAIN
from ..errors import BuildError
from ..openwhisk.names import parse_name
from ..openwhisk.web import WEB_KEYS, is_web, web_annotations, web_url
from . import modelfiles
from .capture import (
    Capture,
    Cell,
    Kernel,
    capture_from_cells,
    capture_from_folder,
    capture_from_kernel,
    capture_from_module,
    capture_from_notebook,
)
from .codegen import CodegenOptions, generate
from .packaging import Package, build_package
from .packaging.virtualenv import cache_dir
from .requirements import Requirements, resolve_requirements

if TYPE_CHECKING:
    from ..openwhisk import Client

__all__ = [
    "HASH_ANNOTATION",
    "BuildOptions",
    "BuildResult",
    "Deployment",
    "Source",
    "action_annotations",
    "action_name",
    "build",
    "checked_name",
    "default_kind",
    "deploy",
    "output_folder",
]

HASH_ANNOTATION = "jupyter-faas/sha256"

# What a build starts from: a path (notebook, .py, action folder), cells, or a live kernel's cells and names.
Source = str | Path | Sequence[Cell] | Kernel


def default_kind() -> str:
    """The kind matching this Python (the pins are this Python's versions), else the newest kind."""
    mine = f"python:{sys.version_info[0]}.{sys.version_info[1]}"
    return mine if mine in KINDS else sorted(KINDS)[-1]


@dataclass
class BuildOptions:
    """Everything ``jupyter-faas build`` and ``%%faas_deploy`` take."""

    class_name: str
    name: str | None = None  # action name; default: the class name in kebab-case
    method: str | None = None
    kind: str | None = None  # python:3.10 | python:3.11 (default: this Python's)
    image: str | None = None  # asks for the image plan with this image name
    memory: int | None = None
    timeout: int | None = None
    params: dict[str, Any] = field(default_factory=dict)  # default parameters of the action
    requirements: Sequence[str] = ()
    include: Sequence[str] = ()
    test_args: dict[str, Any] | None = None
    no_test: bool = False
    timings: bool = False  # per-stage timings in each result
    output: Path | None = None
    reuse: bool = True  # reuse a cached package built from identical inputs
    web: str | None = None  # "true" | "raw" | "false" (wsk's --web); None: as deployed before
    web_secret: str | None = None  # wsk's --web-secure: a secret, "true" (random) or "false"
    # Where local modules and files are found (default: the notebook's folder, or the working folder for
    # cells and kernels), and what the capture and the provenance annotation call the source.
    base_dir: Path | None = None
    source_label: str | None = None


@dataclass
class BuildResult:
    options: BuildOptions
    name: str
    capture: Capture
    requirements: Requirements
    main_py: Path
    package: Package
    output: Path
    seconds: dict[str, float]  # stage -> wall time
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        stages = ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in self.seconds.items())
        notes = [f"Note: {n}" for n in self.notes]
        if self.package.image and self.package.image_dir:
            tag = "<registry>/" + self.package.image.split("/")[-1]
            notes.append(
                f"For a real OpenWhisk: docker build -t {tag} {self.package.image_dir} && docker push {tag}, "
                f"then deploy with --image {tag}."
            )
        return "\n".join(
            [
                self.capture.report(),
                f"Requirements ({self.requirements.kind}):",
                self.requirements.describe(),
                self.package.describe(),
                *notes,
                f"Wrote {self.main_py}, {self.package.zip_path}"
                + (", image/" if self.package.image_dir else ""),
                f"Build times: {stages}",
            ]
        )


def action_name(class_name: str) -> str:
    """The default action name of a class: SmartBodyCrop -> smart-body-crop."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", class_name).lower()


def checked_name(options: BuildOptions) -> str:
    """The action's name, checked before it becomes part of a path or a URL: the class must be an
    identifier, the name ``action`` or ``pkg/action`` by OpenWhisk's entity-name rule."""
    if options.class_name and not options.class_name.isidentifier():
        raise BuildError(
            f"{options.class_name[:80]!r} is not a class name.", fix="Give a class of the notebook."
        )
    name = options.name or action_name(options.class_name)
    if not name:
        raise BuildError("The action has no name.", fix="Give --name NAME (or --class CLASS).")
    qualified = parse_name(name)
    if name.startswith("/") or name.count("/") > 1:
        raise BuildError(
            f"The action name {name!r} names a namespace.",
            fix="Give the action's name alone (or pkg/name): the namespace is the key's own.",
        )
    return qualified.entity


def output_folder(name: str, base: Path | None = None) -> Path:
    """Where a build of ``name`` goes: a folder right in ``base`` (default: the build cache)."""
    root = (base or cache_dir() / "builds").expanduser().resolve()
    folder = (root / name.replace("/", "--")).resolve()
    if folder.parent != root:  # parse_name allows no "/" nor ".." segment: this is a last guard
        raise BuildError(f"The action name {name!r} would be written outside {root}.", fix="Rename it.")
    return folder


def _capture(source: Source, options: BuildOptions) -> Capture:
    kwargs: dict[str, Any] = {"method": options.method, "include": options.include}
    if options.base_dir is not None:
        kwargs["base_dir"] = Path(options.base_dir)
    if options.source_label:
        kwargs["source"] = options.source_label
    if isinstance(source, str | Path):
        path = Path(source)
        if path.is_dir():
            return capture_from_folder(path, include=options.include)
        if path.suffix == ".py":
            return capture_from_module(path, options.class_name, **kwargs)
        return capture_from_notebook(source, options.class_name, **kwargs)
    if isinstance(source, Kernel):
        return capture_from_kernel(source, options.class_name, **kwargs)
    if isinstance(source, Sequence) and not isinstance(source, str):
        cells = list(source)
        if all(isinstance(c, Cell) for c in cells):
            kwargs.setdefault("base_dir", Path.cwd())
            return capture_from_cells(cells, options.class_name, **kwargs)
    raise BuildError(
        f"Cannot build from {type(source).__name__}.",
        fix="Give a notebook, .py file or action folder path, a list of Cell, or a capture.Kernel.",
    )


def build(source: Source, options: BuildOptions) -> BuildResult:
    """Build the action for ``options.class_name`` from ``source`` (a notebook, a ``.py`` file, an action
    folder with ``__main__.py``, cells or a kernel); raises ``FaasError`` subclasses."""
    if isinstance(source, str | Path) and Path(source).is_dir() and not options.name:
        options.name = action_name(Path(source).resolve().name.replace("_", "-"))
    elif not options.class_name:
        raise BuildError("No class given.", fix="Name the class to deploy: --class CLASS.")
    if options.image and options.kind == "blackbox":
        options.kind = None
    kind = options.kind or default_kind()
    if kind == "blackbox":
        raise BuildError(
            "--kind blackbox needs an image.", fix="Give --image IMAGE instead of --kind blackbox."
        )
    if kind not in KINDS:
        raise BuildError(f"Unknown kind {kind}.", fix=f"Use one of {', '.join(sorted(KINDS))} or --image.")
    name = checked_name(options)
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    capture = _capture(source, options)
    seconds["capture"] = time.perf_counter() - start

    start = time.perf_counter()
    models = modelfiles.scan(capture.files, capture.imports, capture.base_dir)
    requirements = resolve_requirements([*capture.imports, *models.imports], kind, options.requirements)
    seconds["requirements"] = time.perf_counter() - start

    start = time.perf_counter()
    if capture.entry is not None:  # an action folder: its own __main__.py
        main_py = capture.entry.read_text(encoding="utf-8")
    else:
        codegen = CodegenOptions(
            timings=options.timings, environment=models.environment, web=options.web in ("true", "yes", "raw")
        )
        main_py = generate(capture, codegen)
    seconds["codegen"] = time.perf_counter() - start

    output = Path(options.output) if options.output else output_folder(name)
    output.mkdir(parents=True, exist_ok=True)
    main_path = output / ZIP_MAIN
    if not main_path.is_file() or main_path.read_text() != main_py:
        main_path.write_text(main_py)
    start = time.perf_counter()
    package = build_package(
        main_py, capture.modules + capture.files, requirements,
        name=name, kind=kind, output_dir=output, image=options.image, reuse=options.reuse,
    )  # fmt: skip
    seconds["package"] = time.perf_counter() - start
    notes = list(models.notes)
    mine = f"{sys.version_info[0]}.{sys.version_info[1]}"
    if requirements.install and KINDS[kind].python != mine:
        notes.append(
            f"versions are pinned from this Python ({mine}) but the kind runs Python {KINDS[kind].python}; "
            "if a pinned version has no build for it, the plan falls back to an image."
        )
    return BuildResult(options, name, capture, requirements, main_path, package, output, seconds, notes)


def action_annotations(result: BuildResult) -> dict[str, Any]:
    """The action annotations that record what was deployed and where it came from (no secrets)."""
    return {
        HASH_ANNOTATION: result.package.sha256,
        "jupyter-faas/notebook": result.capture.source,
        "jupyter-faas/cells": result.capture.cell_ids,
        "jupyter-faas/class": f"{result.capture.class_name}.{result.capture.method.name}",
        "jupyter-faas/plan": result.package.plan.choice,
    }


@dataclass
class Deployment:
    """What ``deploy`` did: the action as the server returned it, and whether code was uploaded."""

    action: dict[str, Any]
    uploaded: bool  # False when the server already had this package (same sha256 annotation)
    reason: str
    url: str | None = None  # a web action's public URL (no extension; add .json to call a model)

    def describe(self) -> str:
        where = f"{self.action.get('namespace', '')}/{self.action.get('name', '')}"
        text = f"Deployed {where} {self.action.get('version', '?')}: {self.reason}"
        return text + (f"\nWeb action: POST {self.url}.json" if self.url else "")


def _web_changes(current: dict[str, Any], options: BuildOptions) -> bool:
    """Whether ``--web``/``--web-secret`` ask for other web annotations than the deployed action has."""
    if options.web is None and options.web_secret is None:
        return False
    have = {a["key"]: a.get("value") for a in current.get("annotations") or []}
    want = web_annotations(current.get("annotations"), None, options.web, options.web_secret)
    return any(have.get(k) != want.get(k) for k in WEB_KEYS)


def _annotation(action: dict[str, Any], key: str) -> Any:
    return next((a.get("value") for a in action.get("annotations") or [] if a.get("key") == key), None)


def _is_local(client: Client) -> bool:
    from urllib.parse import urlparse

    apihost = client.config.apihost
    host = urlparse(apihost if "://" in apihost else f"http://{apihost}").hostname
    return host in ("127.0.0.1", "localhost", "::1")


def deploy(result: BuildResult, client: Client) -> Deployment:
    """Create or update the action on ``client`` (an ``openwhisk.Client``); skip the upload if unchanged.

    The package's sha256 is stored as the ``jupyter-faas/sha256`` annotation: when the deployed action
    has the same hash, kind and image, only changed limits or parameters are sent (no code).
    """
    from ..errors import NotFound

    options, package = result.options, result.package
    if package.image and options.image is None and not _is_local(client):
        raise BuildError(
            f"The dependencies need an image, and {package.image} exists only on this machine: a remote "
            "OpenWhisk cannot pull it.",
            fix=f"docker build -t <registry>/<name>:<tag> {package.image_dir} && docker push it, then deploy "
            "again with --image <registry>/<name>:<tag>.",
        )
    if package.image and package.image_dir is not None and _is_local(client):
        # the embedded engine pulls nothing: realise the image in the local store it reads
        from ..runtime.images import ImageStore

        ImageStore(cache_dir()).build(package.image, package.image_dir)
    try:
        current: dict[str, Any] | None = client.actions.get(result.name, code=False)
    except NotFound:
        current = None
    # a redeploy keeps how the action is served (--web given again or not), as `wsk action update` does
    deployed = (current or {}).get("annotations") or []
    kept = {a["key"]: a.get("value") for a in deployed if a["key"] in WEB_KEYS}
    meta = {**kept, **action_annotations(result)}
    web = {"web": options.web, "web_secure": options.web_secret}
    limits = {"memory": options.memory, "timeout": options.timeout}
    params = options.params or None
    if current is not None and _annotation(current, HASH_ANNOTATION) == package.sha256:
        exec_ = current.get("exec") or {}
        if exec_.get("kind") == package.kind and exec_.get("image") == package.image:
            old = current.get("limits") or {}
            changed = {k: v for k, v in limits.items() if v is not None and old.get(k) != v}
            if not changed and params is None and not _web_changes(current, options):
                same = Deployment(current, False, "unchanged (same sha256): nothing uploaded")
                return _served(same, client)
            action = client.actions.update(result.name, None, kind=None, parameters=params, **changed, **web)
            what = ", ".join([*changed, *(["web"] if _web_changes(current, options) else [])]) or "parameters"
            return _served(Deployment(action, False, f"same package, updated {what}"), client)
    action = client.actions.update(
        result.name,
        package.zip_path.read_bytes(),
        kind=package.kind,
        image=package.image,
        memory=options.memory,
        timeout=options.timeout,
        parameters=params,
        annotations=meta,
        **web,
    )
    what = "created" if current is None else "updated"
    done = Deployment(action, True, f"{what}, uploaded {package.size:,} bytes (sha256 {package.sha256[:12]})")
    return _served(done, client)


def _served(deployment: Deployment, client: Client) -> Deployment:
    """The deployment with its public URL when the action is a web action."""
    if is_web(deployment.action):
        deployment.url = web_url(client.config.apihost, deployment.action)
    return deployment
