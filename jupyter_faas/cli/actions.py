"""``jupyter-faas action list|get|create|update|delete``, spelled like ``wsk action``.

``create``/``update`` take a ``.py`` or ``.js`` file (its kind from its extension, as ``wsk`` picks it) or a
``.zip`` (``--kind`` required for a zip, as ``wsk`` says),
or only ``--docker IMAGE`` for a blackbox action; ``-p/--param`` and ``-a/--annotation`` take ``KEY VALUE``
where VALUE is JSON if it parses, else a string (as ``wsk`` does). Also owns the parsing of those pairs
and of ``--param-file``, which ``invoke`` shares. Does not own the HTTP calls (``openwhisk.actions``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ..errors import InvalidRequest
from ..openwhisk.web import WEB_CHOICES, is_web, web_url
from .config import add_connection_arguments, client_from, print_json, say

__all__ = ["add_param_arguments", "params_from", "register"]


def add_param_arguments(parser: argparse.ArgumentParser, *, annotations: bool = False) -> None:
    parser.add_argument(
        "-p", "--param", nargs=2, action="append", default=[], metavar=("KEY", "VALUE"), help="a parameter"
    )
    parser.add_argument("-P", "--param-file", metavar="FILE", help="parameters from a JSON object in FILE")
    if annotations:
        parser.add_argument(
            "-a",
            "--annotation",
            nargs=2,
            action="append",
            default=[],
            metavar=("KEY", "VALUE"),
            help="an annotation",
        )


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def params_from(pairs: list[list[str]], file: str | None) -> dict[str, Any] | None:
    """``--param-file`` then ``-p`` pairs (later wins); ``None`` when neither was given."""
    if not pairs and not file:
        return None
    params: dict[str, Any] = {}
    if file:
        path = Path(file)
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise InvalidRequest(
                f"Cannot read the parameter file {path}: {exc.strerror}.", fix="Check the path."
            ) from None
        except ValueError as exc:
            raise InvalidRequest(
                f"The parameter file {path} is not valid JSON: {exc}.",
                fix='Write a JSON object: {"key": "value"}.',
            ) from None
        if not isinstance(loaded, dict):
            raise InvalidRequest(
                f"The parameter file {path} must hold a JSON object.", fix='{"key": "value"}'
            )
        params.update(loaded)
    for key, value in pairs:
        params[key] = _value(value)
    return params


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("action", help="list, get, create, update or delete actions")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)

    p = verbs.add_parser("list", help="list actions")
    add_connection_arguments(p)
    p.add_argument("--limit", type=int, default=None, help="at most this many (server default 30, max 200)")
    p.add_argument("--skip", type=int, default=None)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_list)

    p = verbs.add_parser("get", help="get an action (JSON)")
    add_connection_arguments(p)
    p.add_argument("name")
    p.add_argument("--code", action="store_true", help="include the code")
    p.add_argument("--url", action="store_true", help="print only the action's URL")
    p.set_defaults(func=_get)

    p = verbs.add_parser("delete", help="delete an action")
    add_connection_arguments(p)
    p.add_argument("name")
    p.set_defaults(func=_delete)

    for verb in ("create", "update"):
        p = verbs.add_parser(
            verb, help=f"{verb} an action from a .py or .js file, a .zip, or a --docker image"
        )
        add_connection_arguments(p)
        p.add_argument("name")
        p.add_argument(
            "artifact",
            nargs="?",
            help="a .py or .js source file, or a .zip (__main__.py; package.json or index.js)",
        )
        p.add_argument(
            "--kind",
            help="runtime kind, e.g. python:3.11 or nodejs:20 (default: from the file's extension; "
            "required for a .zip)",
        )
        p.add_argument("--main", help="entry function (default main)")
        p.add_argument("--docker", metavar="IMAGE", help="a blackbox action running IMAGE")
        p.add_argument(
            "--sequence", metavar="A,B,C", help="a sequence of these actions (comma-separated), as wsk does"
        )
        p.add_argument("-m", "--memory", type=int, help="memory limit in MB")
        p.add_argument("-t", "--timeout", type=int, help="time limit in milliseconds")
        p.add_argument("-l", "--logsize", type=int, help="log size limit in MB")
        p.add_argument(
            "--web",
            nargs="?",
            const="true",
            choices=WEB_CHOICES,
            help="a web action (an HTTP endpoint without the key): true, raw or false, as wsk's --web",
        )
        p.add_argument(
            "--web-secure",
            "--web-secret",
            dest="web_secure",
            metavar="SECRET",
            help="require the X-Require-Whisk-Auth header to be SECRET (true: a random one; false: none)",
        )
        add_param_arguments(p, annotations=True)
        p.set_defaults(func=_create, overwrite=verb == "update")


def _list(args: argparse.Namespace) -> int:
    with client_from(args) as client:
        actions = client.actions.list(limit=args.limit, skip=args.skip)
    if args.json:
        print_json(actions)
        return 0
    print("actions")
    for action in actions:
        kind = next((a["value"] for a in action.get("annotations", []) if a.get("key") == "exec"), "")
        name = f"/{action['namespace']}/{action['name']}"
        print(f"{name:<50} {'private':<8} {kind:<12} {action.get('version', '')}")
    return 0


def _get(args: argparse.Namespace) -> int:
    with client_from(args) as client:
        action = client.actions.get(args.name, code=args.code)
        if args.url:  # as wsk: the public URL of a web action, the REST API's otherwise
            if is_web(action):
                print(web_url(client.config.apihost, action))
            else:
                ns = action["namespace"]
                print(f"{client.config.apihost}/api/v1/namespaces/{ns}/actions/{action['name']}")
            return 0
    say(f"ok: got action {args.name}")
    print_json(action)
    return 0


def _delete(args: argparse.Namespace) -> int:
    with client_from(args) as client:
        client.actions.delete(args.name)
    say(f"ok: deleted action {args.name}")
    return 0


def _artifact(
    path_text: str | None, kind: str | None, docker: str | None, overwrite: bool
) -> str | bytes | None:
    if path_text is None:
        if not docker and not overwrite:
            raise InvalidRequest(
                "An action needs code: a .py or .js file, a .zip, or --docker IMAGE.",
                fix="jupyter-faas action create NAME hello.py --kind python:3.11",
            )
        return None
    path = Path(path_text)
    if not path.is_file():
        raise InvalidRequest(f"The file {path} does not exist.", fix="Check the path of the action's code.")
    if path.suffix == ".zip":
        if not kind and not docker:
            raise InvalidRequest(
                f"Creating an action from a .zip ({path}) requires its kind.", fix="Add --kind python:3.11."
            )
        return path.read_bytes()
    return path.read_text(encoding="utf-8")


def _default_kind(artifact: str) -> str:
    """The kind ``wsk`` picks from a source file's extension: ``.js`` -> nodejs:default, else Python's."""
    return "nodejs:default" if Path(artifact).suffix == ".js" else "python:default"


def _create(args: argparse.Namespace) -> int:
    components = [c.strip() for c in args.sequence.split(",") if c.strip()] if args.sequence else None
    if components is not None and args.artifact:
        raise InvalidRequest(
            "A sequence has no code of its own: give --sequence or a file, not both.",
            fix="jupyter-faas action create NAME --sequence first,second",
        )
    code = None
    if components is None:
        code = _artifact(args.artifact, args.kind, args.docker, args.overwrite)
    params = params_from(args.param, args.param_file)
    annotations = {k: _value(v) for k, v in args.annotation} or None
    kind = args.kind or (_default_kind(args.artifact) if args.artifact and not args.docker else None)
    with client_from(args) as client:
        action = client.actions.create(
            args.name,
            code,
            kind=kind,
            main=args.main,
            image=args.docker,
            memory=args.memory,
            timeout=args.timeout,
            logs=args.logsize,
            parameters=params,
            annotations=annotations,
            components=components,
            overwrite=args.overwrite,
            web=args.web,
            web_secure=args.web_secure,
        )
    say(f"ok: {'updated' if args.overwrite else 'created'} action /{action['namespace']}/{action['name']}")
    print_json({k: v for k, v in action.items() if k != "exec"} | {"exec": _exec_summary(action)})
    if is_web(action):
        say(f"web action: {web_url(client.config.apihost, action)}")
    return 0


def _exec_summary(action: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in (action.get("exec") or {}).items() if k != "code"}
