"""``jupyter-faas build`` and ``jupyter-faas deploy``: a notebook class to an action, for CI/CD.

``build NOTEBOOK --class C`` writes ``__main__.py``, the zip and any ``image/Dockerfile`` into ``--output``
and tests the package locally (skip with ``--no-test``); ``deploy`` does the same and then creates or
updates the action, uploading nothing when the server already has the same package. Both print the same
summary as the magics. Owns the verbs' parsers (their options come from ``build.options``, defined once for
every front end), the default ``--output`` and how a run is printed; the run is ``pipeline.run_pipeline``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..build.options import add_arguments, from_arguments
from ..errors import BuildError
from .config import add_connection_arguments, client_from, say

if TYPE_CHECKING:
    from ..build import BuildOptions

__all__ = ["options_from", "register"]


def options_from(args: argparse.Namespace) -> BuildOptions:
    """``BuildOptions`` from the parsed arguments; without ``--output``, ``build/NAME``."""
    from ..build import action_name

    output = args.output
    if output is None and args.notebook:
        default = args.name or action_name(args.class_name) or Path(args.notebook).resolve().name
        output = Path("build") / default.replace("/", "--")
    return from_arguments(args, output=output)


def _run(args: argparse.Namespace, *, deploy: bool) -> int:
    """One run of the pipeline, each stage's summary on stderr as it ends; the local test's result, when
    test arguments were given, as JSON on stdout."""
    from ..pipeline import BUILD, TEST, Hooks, Stage, run_pipeline

    if deploy and not args.name:
        raise BuildError("deploy needs --name.", fix="Give the action's name: --name NAME.")
    options = options_from(args)

    class Printed(Hooks):
        def done(self, stage: Stage, value: Any) -> None:
            say(value.summary() if stage.name == BUILD else value.describe())
            if stage.name == TEST and options.test_args is not None:
                print(json.dumps(value.result, indent=2, ensure_ascii=False))

    client = (lambda: client_from(args)) if deploy else None
    run_pipeline(args.notebook, options, warm=args.warm, client=client, hooks=Printed())
    return 0


def _build(args: argparse.Namespace) -> int:
    return _run(args, deploy=False)


def _deploy(args: argparse.Namespace) -> int:
    return _run(args, deploy=True)


def register(subparsers: Any) -> None:
    build = subparsers.add_parser(
        "build",
        help="capture a notebook class, generate __main__.py, zip it and test it locally",
        description="Capture CLASS from NOTEBOOK with what it needs, write __main__.py, the zip and any "
        "Dockerfile into --output, and run the package once cold and --warm times warm in the local runtime.",
    )
    build.add_argument(
        "notebook", metavar="SOURCE", help="a notebook (.ipynb), a module (.py), or an action folder"
    )
    add_arguments(build, warm=True)
    build.set_defaults(func=_build)

    deploy = subparsers.add_parser(
        "deploy",
        help="build, test locally and deploy a notebook class as an action",
        description="Everything `build` does, then create or update the action (nothing is uploaded when "
        "the deployed action already has the same package hash).",
    )
    deploy.add_argument(
        "notebook", metavar="SOURCE", help="a notebook (.ipynb), a module (.py), or an action folder"
    )
    add_arguments(deploy, warm=True)
    add_connection_arguments(deploy)
    deploy.set_defaults(func=_deploy)
