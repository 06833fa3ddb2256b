"""The build options, defined once: from ``OPTIONS`` come the CLI's and the magics' arguments
(``add_arguments``), ``BuildOptions`` from parsed arguments (``from_arguments``), and the fields of the
sidebar's deploy form with their checks (``from_form``).

Each ``Option`` names its ``BuildOptions`` field (``attr``), its flag, its help, and its form key when
the sidebar offers it (camelCase, as the sidebar's TypeScript spells it). Standard library only
(argparse), so the core may hold it. The pipeline's ``--warm`` (not a ``BuildOptions`` field) is here
too, for the front ends that take it (``add_arguments(warm=True)``). What this module does not own: what
the options do (``service.py``), ``%faas_test``'s ``--runs``, connection arguments (``cli/config.py``).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as _field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BuildError, FaasError
from ..openwhisk.web import WEB_CHOICES

if TYPE_CHECKING:
    from .service import BuildOptions

__all__ = ["FORM_FIELDS", "OPTIONS", "Option", "add_arguments", "from_arguments", "from_form"]


@dataclass(frozen=True)
class Option:
    """One build option: its ``BuildOptions`` field ``attr``; ``value``, how its text reads (``text``,
    ``int``, ``json`` object, ``pairs`` of KEY VALUE, ``list``, ``path``, ``flag``); ``form``, its key in
    the sidebar's form (None: not offered); ``argparse``, what argparse needs beyond that (nargs, choices,
    a mutually exclusive ``group``)."""

    attr: str  # the BuildOptions field
    flag: str
    help: str
    value: str = "text"
    metavar: str | None = None
    form: str | None = None
    argparse: dict[str, Any] = _field(default_factory=dict)


_TARGET = "target"  # --kind and --image exclude each other
OPTIONS: tuple[Option, ...] = (
    Option(
        "class_name",
        "--class",
        "class to deploy (not for an action folder, whose __main__.py has main(args))",
        metavar="CLASS",
        form="className",
    ),
    Option("name", "--name", "action name (default: the class name, kebab-case)", form="name"),
    Option(
        "method", "--method", "method each activation calls (default: predict, else __call__)", form="method"
    ),
    Option(
        "kind",
        "--kind",
        "runtime kind, e.g. python:3.11 (default: this Python's version)",
        form="kind",
        argparse={"group": _TARGET},
    ),
    Option(
        "image",
        "--image",
        "blackbox image holding the dependencies (a Dockerfile is written)",
        form="image",
        argparse={"group": _TARGET},
    ),
    Option("memory", "--memory", "memory limit in MB", "int", "MB", form="memory"),
    Option("timeout", "--timeout", "time limit in milliseconds", "int", "MS", form="timeout"),
    Option(
        "params",
        "--param",
        "default parameter of the action (VALUE is JSON if it parses)",
        "pairs",
        argparse={"metavar": ("KEY", "VALUE"), "dest": "param"},
    ),
    Option(
        "requirements",
        "--requirements",
        "extra distributions (NAME or NAME==VERSION) or a requirements.txt",
        "list",
        "PKG|FILE",
        argparse={"nargs": "+", "action": "extend"},
    ),
    Option("include", "--include", "file or folder to bundle", "list", "PATH", argparse={"action": "append"}),
    Option(
        "test_args",
        "--test-args",
        "parameters for the local test, a JSON object",
        "json",
        "JSON",
        form="testArgs",
    ),
    Option("no_test", "--no-test", "skip the local test", "flag"),
    Option("timings", "--timings", "add per-stage timings to each result", "flag"),
    Option("output", "--output", "where to write (default: build/NAME)", "path", "DIR"),
    Option(
        "web",
        "--web",
        "make it a web action, an HTTP endpoint without the key: true (alone: --web), raw (body and query "
        "unparsed) or false",
        argparse={"nargs": "?", "const": "true", "choices": WEB_CHOICES},
    ),
    Option(
        "web_secret",
        "--web-secret",
        "a web action answers only requests whose X-Require-Whisk-Auth header is SECRET (true: a random "
        "one; false: none)",
        metavar="SECRET",
    ),
)

FORM_FIELDS = tuple(o.attr for o in OPTIONS if o.form is not None)  # what the sidebar's form sets


def _dest(option: Option) -> str:
    return str(option.argparse.get("dest", option.attr))


def add_arguments(
    parser: argparse.ArgumentParser,
    *,
    only: Iterable[str] | None = None,
    help: Mapping[str, str] | None = None,
    positional_class: bool = False,
    warm: bool = False,
) -> None:
    """Add the options (``only`` these fields, if given) to ``parser``; ``help`` overrides some texts;
    ``positional_class``: CLASS is a positional argument (``%faas_test CLASS``) rather than ``--class``;
    ``warm``: the pipeline's ``--warm N`` too (``args.warm``, what ``run_pipeline`` takes)."""
    wanted = set(only) if only is not None else None
    groups: dict[str, Any] = {}
    for option in OPTIONS:
        if wanted is not None and option.attr not in wanted:
            continue
        extra = {k: v for k, v in option.argparse.items() if k != "group"}
        kwargs: dict[str, Any] = {"help": (help or {}).get(option.attr, option.help)}
        if option.metavar:
            kwargs["metavar"] = option.metavar
        if option.value == "int":
            kwargs["type"] = int
        elif option.value == "flag":
            kwargs["action"] = "store_true"
        elif option.value in ("pairs", "list"):
            kwargs.update(default=[], action="append")
            if option.value == "pairs":
                kwargs["nargs"] = 2
        kwargs.update(extra)
        if option.attr == "class_name" and positional_class:
            kwargs.pop("metavar", None)
            parser.add_argument("class_name", metavar="CLASS", **kwargs)
            continue
        if option.attr == "class_name":
            kwargs.update(dest="class_name", default="")
        target: Any = parser
        group = option.argparse.get("group")
        if group and wanted is None:
            if group not in groups:
                groups[group] = parser.add_mutually_exclusive_group()
            target = groups[group]
        target.add_argument(option.flag, **kwargs)
    if warm:
        parser.add_argument("--warm", type=int, default=2, metavar="N", help="warm runs in the local test")


def _json_value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _test_args(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise BuildError(
            f"--test-args is not JSON: {exc}", fix="""Give a JSON object: '{"x": 1}'."""
        ) from None
    if not isinstance(value, dict):
        raise BuildError("--test-args must be a JSON object.", fix="""Give e.g. '{"image": "photo.jpg"}'.""")
    return value


def from_arguments(args: argparse.Namespace, **fixed: Any) -> BuildOptions:
    """``BuildOptions`` from parsed arguments (an option the parser did not define keeps its default;
    ``fixed`` sets fields outright); bad ``--test-args`` is a ``BuildError``."""
    from .service import BuildOptions

    values: dict[str, Any] = {}
    for option in OPTIONS:
        dest = _dest(option)
        if not hasattr(args, dest):
            continue
        raw = getattr(args, dest)
        if option.value == "pairs":
            raw = {k: _json_value(v) for k, v in raw}
        elif option.value == "json":
            raw = _test_args(raw)
        elif option.value == "path" and raw is not None:
            raw = Path(str(raw))
        values[option.attr] = raw
    values.update(fixed)
    return BuildOptions(**values)


def _form_value(option: Option, body: Mapping[str, Any]) -> Any:
    key = option.form or option.attr
    value = body.get(key)
    if option.value == "int":
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value:
            raise FaasError(
                f"'{key}' must be a whole number, got {value!r}.", fix=f"Give {key} as a number.", status=400
            )
        return int(value)
    if option.value == "json":
        if value is not None and not isinstance(value, dict):
            raise FaasError(
                "The test arguments must be a JSON object.",
                fix='Write them as an object, e.g. {"image": "photo.jpg"}, or leave them empty.',
                status=400,
            )
        return value
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise FaasError(f"'{key}' must be text, got {value!r}.", fix=f"Give {key} as text.", status=400)
    return value.strip()


def from_form(body: Mapping[str, Any]) -> dict[str, Any]:
    """The fields the sidebar's deploy form sets (its keys: each option's ``form``), checked: a wrong type
    is a 400 ``FaasError`` naming the key."""
    return {o.attr: _form_value(o, body) for o in OPTIONS if o.form is not None}
