"""``jupyter-faas build`` and ``jupyter-faas deploy``: a notebook class to an action, for CI/CD.

``build NOTEBOOK --class C`` writes ``__main__.py``, the zip and any ``image/Dockerfile`` into ``--output``
and tests the package locally (skip with ``--no-test``); ``deploy`` does the same and then creates or
updates the action, uploading nothing when the server already has the same package. Both print the same
summary as the magics. Owns the argument definitions (``add_build_arguments``, shared with any other
front end), their translation into ``BuildOptions`` and how a run is printed; the run is
``pipeline.run_pipeline``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BuildError
from ..openwhisk.web import WEB_CHOICES
from .config import add_connection_arguments, client_from, say

if TYPE_CHECKING:
    from ..build import BuildOptions

__all__ = ["add_build_arguments", "options_from", "register"]


def add_build_arguments(parser: argparse.ArgumentParser) -> None:
    """The options the CLI's build/deploy and the ``%%faas_*`` magics share."""
    parser.add_argument(
        "--class",
        dest="class_name",
        default="",
        metavar="CLASS",
        help="class to deploy (not for an action folder, whose __main__.py has main(args))",
    )
    parser.add_argument("--name", help="action name (default: the class name, kebab-case)")
    parser.add_argument("--method", help="method each activation calls (default: predict, else __call__)")
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--kind", help="runtime kind, e.g. python:3.11 (default: this Python's version)")
    target.add_argument("--image", help="blackbox image holding the dependencies (a Dockerfile is written)")
    parser.add_argument("--memory", type=int, metavar="MB", help="memory limit in MB")
    parser.add_argument("--timeout", type=int, metavar="MS", help="time limit in milliseconds")
    parser.add_argument(
        "--param",
        nargs=2,
        action="append",
        default=[],
        metavar=("KEY", "VALUE"),
        help="default parameter of the action (VALUE is JSON if it parses)",
    )
    parser.add_argument(
        "--requirements",
        nargs="+",
        action="extend",
        default=[],
        metavar="PKG|FILE",
        help="extra distributions (NAME or NAME==VERSION) or a requirements.txt",
    )
    parser.add_argument(
        "--include", action="append", default=[], metavar="PATH", help="file or folder to bundle"
    )
    parser.add_argument("--test-args", metavar="JSON", help="parameters for the local test, a JSON object")
    parser.add_argument("--warm", type=int, default=2, metavar="N", help="warm runs in the local test")
    parser.add_argument("--no-test", action="store_true", help="skip the local test")
    parser.add_argument("--timings", action="store_true", help="add per-stage timings to each result")
    parser.add_argument("--output", type=Path, metavar="DIR", help="where to write (default: build/NAME)")
    parser.add_argument(
        "--web",
        nargs="?",
        const="true",
        choices=WEB_CHOICES,
        help="make it a web action, an HTTP endpoint without the key: true (alone: --web), raw (body and "
        "query unparsed) or false",
    )
    parser.add_argument(
        "--web-secret",
        metavar="SECRET",
        help="a web action answers only requests whose X-Require-Whisk-Auth header is SECRET (true: a "
        "random one; false: none)",
    )


def _json_value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def options_from(args: argparse.Namespace) -> BuildOptions:
    """``BuildOptions`` from parsed arguments; bad ``--test-args`` is a ``BuildError``."""
    from ..build import BuildOptions, action_name

    test_args = None
    if args.test_args is not None:
        try:
            test_args = json.loads(args.test_args)
        except ValueError as exc:
            raise BuildError(
                f"--test-args is not JSON: {exc}", fix="""Give a JSON object: '{"x": 1}'."""
            ) from None
        if not isinstance(test_args, dict):
            raise BuildError(
                "--test-args must be a JSON object.", fix="""Give e.g. '{"image": "photo.jpg"}'."""
            )
    output = args.output
    if output is None and args.notebook:
        default = args.name or action_name(args.class_name) or Path(args.notebook).resolve().name
        output = Path("build") / default.replace("/", "--")
    return BuildOptions(
        class_name=args.class_name,
        name=args.name,
        method=args.method,
        kind=args.kind,
        image=args.image,
        memory=args.memory,
        timeout=args.timeout,
        params={k: _json_value(v) for k, v in args.param},
        requirements=args.requirements,
        include=args.include,
        test_args=test_args,
        no_test=args.no_test,
        timings=args.timings,
        output=output,
        web=getattr(args, "web", None),  # %faas_test has no --web: a local test serves nothing
        web_secret=getattr(args, "web_secret", None),
    )


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
    add_build_arguments(build)
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
    add_build_arguments(deploy)
    add_connection_arguments(deploy)
    deploy.set_defaults(func=_deploy)
