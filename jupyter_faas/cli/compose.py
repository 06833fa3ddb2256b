"""``jupyter-faas composition create|update NAME (FILE.py | -e EXPR)``, ``jupyter-faas composition path ID``.

A composition is written with the combinators of ``jupyter_faas.compose`` (already in scope): ``-e`` gives
one expression; a ``FILE.py`` is run and its ``composition`` variable taken (else its last expression).
``path`` prints which components ran and which branch each ``when`` took. Does not own the combinators,
the deploy nor the path (``compose/``).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..compose import deploy, from_expression, from_file, path
from ..display import PathView
from .config import add_connection_arguments, client_from, print_json, say

__all__ = ["register"]


def register(subparsers: Any) -> None:
    composition = subparsers.add_parser(
        "composition", help="deploy conductor compositions, show a run's path"
    )
    verbs = composition.add_subparsers(dest="verb", metavar="VERB", required=True)
    for verb in ("create", "update"):
        p = verbs.add_parser(verb, help=f"{verb} a composition (a conductor action)")
        add_connection_arguments(p)
        p.add_argument("name")
        source = p.add_mutually_exclusive_group(required=True)
        source.add_argument("file", nargs="?", type=Path, help="a .py file that sets `composition`")
        source.add_argument("-e", "--expression", help="the composition as one Python expression")
        p.add_argument("--kind", default="python:default", help="the conductor's kind")
        p.add_argument("--no-check", action="store_true", help="deploy even if a component does not exist")
        p.set_defaults(func=_put)
    p = verbs.add_parser("path", help="the path a composition's run took (components, branches, result)")
    add_connection_arguments(p)
    p.add_argument("activation_id")
    p.add_argument("--timeout", type=float, default=600.0, metavar="SECONDS")
    p.set_defaults(func=_path)


def _put(args: argparse.Namespace) -> int:
    composition = from_expression(args.expression) if args.expression is not None else from_file(args.file)
    with client_from(args) as client:
        deployed = deploy(client, args.name, composition, kind=args.kind, check=not args.no_check)
    say(f"ok: {args.verb}d composition {args.name}: {deployed.description}")
    print_json(deployed.action)
    return 0


def _path(args: argparse.Namespace) -> int:
    with client_from(args) as client:
        run = path(client, args.activation_id, timeout=args.timeout)
    print(repr(PathView(run)))  # the notebook's text: components, decisions, the result
    return 0
