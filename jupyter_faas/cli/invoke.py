"""``jupyter-faas invoke NAME [-p KEY VALUE] [--param-file F] [--blocking] [--result]``, as ``wsk action
invoke``. Non-blocking prints the activation id; blocking prints the record (or only the result) and keeps
polling by id when the server stops waiting (202), so the user is not left with only an id. A failed
activation prints its record and exits 1. Does not own the invoke itself (``openwhisk.actions``).
"""

from __future__ import annotations

import argparse
from typing import Any

from ..errors import ActivationFailed
from .actions import add_param_arguments, params_from
from .config import add_connection_arguments, client_from, print_json, say

__all__ = ["register"]


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("invoke", help="invoke an action", description=__doc__)
    add_connection_arguments(p)
    p.add_argument("name", help="action name: action, pkg/action or /namespace/[pkg/]action")
    add_param_arguments(p)
    p.add_argument("-b", "--blocking", action="store_true", help="wait for the result")
    p.add_argument("-r", "--result", action="store_true", help="print only the result (implies --blocking)")
    p.add_argument(
        "--timeout",
        type=float,
        default=600.0,
        metavar="SECONDS",
        help="with --blocking, give up waiting after this long (default 600); the id is printed",
    )
    p.set_defaults(func=_invoke)


def _invoke(args: argparse.Namespace) -> int:
    params = params_from(args.param, args.param_file) or {}
    blocking = args.blocking or args.result
    with client_from(args) as client:
        if not blocking:
            handle = client.actions.invoke(args.name, params)
            say(f"ok: invoked {handle.name} with id {handle.activation_id}")
            print_json({"activationId": handle.activation_id})
            return 0
        try:
            record = client.actions.invoke(args.name, params, blocking=True, timeout=args.timeout)
        except ActivationFailed as exc:
            if isinstance(exc.details, dict) and "response" in exc.details:
                print_json(exc.details["response"]["result"] if args.result else exc.details)
            raise
    say(f"ok: invoked {args.name} with id {record.get('activationId')}")
    print_json(record["response"]["result"] if args.result else record)
    return 0
