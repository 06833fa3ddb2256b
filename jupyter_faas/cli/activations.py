"""``jupyter-faas activation list|get|result|logs|poll``, as ``wsk activation``.

``get``/``result``/``logs`` take an id or ``--last`` (the newest, optionally of one action); ``poll``
streams new activations with their logs until interrupted or ``--exit SECONDS``. A 404 says the id is
unknown or not stored yet (records appear when the run and its logs end). Does not own the HTTP calls.
"""

from __future__ import annotations

import argparse
import re
import time
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from ..errors import InvalidRequest
from .config import add_connection_arguments, client_from, print_json, say

if TYPE_CHECKING:
    from ..openwhisk import Client

__all__ = ["register"]

_STATUS = {0: "success", 1: "application error", 2: "developer error", 3: "internal error"}
_LOG_PREFIX = re.compile(r"^\S+Z\s+(stdout|stderr):\s?")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("activation", help="list, get, result, logs or poll activations")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)

    p = verbs.add_parser("list", help="list activations, newest first")
    add_connection_arguments(p)
    p.add_argument("name", nargs="?", help="only this action's activations")
    p.add_argument("-l", "--limit", type=int, default=None, help="at most this many (default 30, max 200)")
    p.add_argument("-s", "--skip", type=int, default=None)
    p.add_argument("--since", type=int, help="epoch ms")
    p.add_argument("--upto", type=int, help="epoch ms")
    p.add_argument("-f", "--full", action="store_true", help="full records")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_list)

    for verb, text in (("get", "a full activation record"), ("result", "its result"), ("logs", "its logs")):
        p = verbs.add_parser(verb, help=f"print {text}")
        add_connection_arguments(p)
        p.add_argument("activation_id", nargs="?", metavar="ID")
        p.add_argument("-l", "--last", action="store_true", help="the newest activation")
        p.add_argument("--action", help="with --last: the newest of this action")
        if verb == "logs":
            p.add_argument("-r", "--strip", action="store_true", help="only the messages, no timestamps")
        p.set_defaults(func=_one, what=verb)

    p = verbs.add_parser("poll", help="print new activations as they arrive")
    add_connection_arguments(p)
    p.add_argument("name", nargs="?", help="only this action's activations")
    p.add_argument("-e", "--exit", type=float, metavar="SECONDS", help="stop after this many seconds")
    p.add_argument("--interval", type=float, default=2.0, help="seconds between looks (default 2, as wsk)")
    p.add_argument("--since-seconds", type=float, default=0.0, help="also show those of the last N seconds")
    p.set_defaults(func=_poll)


def _when(ms: Any) -> str:
    if not isinstance(ms, int | float):
        return "-"
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def _list(args: argparse.Namespace) -> int:
    with client_from(args) as client:
        records = client.activations.list(
            args.name, limit=args.limit, skip=args.skip, since=args.since, upto=args.upto, docs=args.full
        )
    if args.json or args.full:
        print_json(records)
        return 0
    print(f"{'Datetime':<19} {'Activation ID':<32} {'Start':<5} {'Duration':>9} {'Status':<17} Entity")
    for r in records:
        cold = any(a.get("key") == "initTime" for a in r.get("annotations", []))
        status = _STATUS.get(r.get("statusCode", 0), "?")
        entity = f"{r.get('namespace')}/{r.get('name')}:{r.get('version')}"
        duration = f"{r.get('duration', 0)}ms"
        start = "cold" if cold else "warm"
        when, activation_id = _when(r.get("start")), str(r.get("activationId"))
        print(f"{when:<19} {activation_id:<32} {start:<5} {duration:>9} {status:<17} {entity}")
    return 0


def _id(client: Client, args: argparse.Namespace) -> str:
    if args.activation_id:
        return str(args.activation_id)
    if not args.last:
        raise InvalidRequest("Which activation?", fix="Give its id, or --last for the newest.")
    newest = client.activations.list(args.action, limit=1)
    if not newest:
        raise InvalidRequest("There are no activations yet.", fix="Invoke an action first.")
    return str(newest[0]["activationId"])


def _one(args: argparse.Namespace) -> int:
    with client_from(args) as client:
        activation_id = _id(client, args)
        if args.what == "get":
            record = client.activations.get(activation_id)
            say(f"ok: got activation {activation_id}")
            print_json(record)
        elif args.what == "result":
            print_json(client.activations.result(activation_id).get("result"))
        else:
            for line in client.activations.logs(activation_id):
                print(_LOG_PREFIX.sub("", line) if args.strip else line)
    return 0


def _poll(args: argparse.Namespace) -> int:
    since = int((time.time() - args.since_seconds) * 1000)
    say(f"Enter Ctrl-C to exit.{f' Stops after {args.exit:g} s.' if args.exit else ''}")
    with client_from(args) as client:
        for record in client.activations.poll(
            args.name, since=since, interval=args.interval, timeout=args.exit
        ):
            status = record.get("response", {}).get("status", "")
            print(f"\nActivation: '{record.get('name')}' ({record.get('activationId')}) {status}", flush=True)
            for line in record.get("logs") or []:
                print(line, flush=True)
    return 0
