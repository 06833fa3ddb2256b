"""``jupyter-faas trigger|rule|package ...``, spelled like ``wsk trigger``, ``wsk rule``, ``wsk package``.

``trigger fire NAME [-p K V]`` prints the trigger activation's id (or says that no rule is active), and
with ``--trace`` waits for what the firing caused and prints it: each rule, its action's activation, and a
sequence's components. Sequences are actions: ``jupyter-faas action create NAME --sequence a,b,c``.
Does not own the HTTP calls (``openwhisk.triggers``, ``openwhisk.packages``, ``openwhisk.trace``).
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from ..openwhisk.trace import Trace
from .actions import _value, add_param_arguments, params_from
from .config import add_connection_arguments, client_from, print_json, say

if TYPE_CHECKING:
    from ..openwhisk import Client

__all__ = ["format_trace", "register"]


def _verb(verbs: Any, name: str, help_text: str, func: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = verbs.add_parser(name, help=help_text)
    add_connection_arguments(p)
    p.set_defaults(func=func)
    return p


def _common_verbs(verbs: Any, noun: str, collection: str) -> None:
    p = _verb(verbs, "list", f"list {collection}", lambda a: _list(a, collection))
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--skip", type=int, default=None)
    p.add_argument("--json", action="store_true", help="print JSON")
    _verb(verbs, "get", f"get a {noun} (JSON)", lambda a: _get(a, collection)).add_argument("name")
    p = _verb(verbs, "delete", f"delete a {noun}", lambda a: _delete(a, collection))
    p.add_argument("name")
    if collection == "packages":
        p.add_argument("--force", action="store_true", help="also delete the actions in the package")


def register(subparsers: Any) -> None:
    trigger = subparsers.add_parser("trigger", help="create, fire, list or delete triggers")
    verbs = trigger.add_subparsers(dest="verb", metavar="VERB", required=True)
    _common_verbs(verbs, "trigger", "triggers")
    for verb in ("create", "update"):
        p = _verb(verbs, verb, f"{verb} a trigger", _trigger_put)
        p.add_argument("name")
        add_param_arguments(p, annotations=True)
        p.add_argument(
            "-f",
            "--feed",
            metavar="FEED",
            help="the feed that fires it, e.g. /whisk.system/alarms/interval; -p then sets the feed's "
            "parameters, as wsk does",
        )
        p.set_defaults(overwrite=verb == "update")
    p = _verb(verbs, "fire", "fire a trigger with a payload", _fire)
    p.add_argument("name")
    add_param_arguments(p)
    p.add_argument("--trace", action="store_true", help="wait and print what the firing caused")
    p.add_argument("--timeout", type=float, default=600.0, metavar="SECONDS", help="with --trace")
    p = _verb(verbs, "trace", "what a firing caused, from the trigger activation's id", _trace)
    p.add_argument("activation_id")
    p.add_argument("--timeout", type=float, default=600.0, metavar="SECONDS")

    rule = subparsers.add_parser("rule", help="create, enable, disable, list or delete rules")
    verbs = rule.add_subparsers(dest="verb", metavar="VERB", required=True)
    _common_verbs(verbs, "rule", "rules")
    for verb in ("create", "update"):
        p = _verb(verbs, verb, f"{verb} a rule: when TRIGGER fires, invoke ACTION", _rule_put)
        p.add_argument("name")
        p.add_argument("trigger", nargs="?" if verb == "update" else None)
        p.add_argument("action", nargs="?" if verb == "update" else None)
        p.set_defaults(overwrite=verb == "update")
    for verb in ("enable", "disable"):
        _verb(verbs, verb, f"{verb} a rule", _rule_status).add_argument("name")

    package = subparsers.add_parser("package", help="create, bind, list or delete packages")
    verbs = package.add_subparsers(dest="verb", metavar="VERB", required=True)
    _common_verbs(verbs, "package", "packages")
    for verb in ("create", "update"):
        p = _verb(verbs, verb, f"{verb} a package (shared default parameters)", _package_put)
        p.add_argument("name")
        add_param_arguments(p, annotations=True)
        p.set_defaults(overwrite=verb == "update", binding=None)
    p = _verb(verbs, "bind", "bind a package: PACKAGE's actions with these parameters", _package_put)
    p.add_argument("binding", metavar="PACKAGE")
    p.add_argument("name")
    add_param_arguments(p, annotations=True)
    p.set_defaults(overwrite=False)


def _resource(client: Client, collection: str) -> Any:
    return getattr(client, collection)


def _list(args: argparse.Namespace, collection: str) -> int:
    with client_from(args) as client:
        items = _resource(client, collection).list(limit=args.limit, skip=args.skip)
    if args.json:
        print_json(items)
        return 0
    print(collection)
    for item in items:
        print(f"/{item['namespace']}/{item['name']:<50} private")
    return 0


def _get(args: argparse.Namespace, collection: str) -> int:
    with client_from(args) as client:
        print_json(_resource(client, collection).get(args.name))
    return 0


def _delete(args: argparse.Namespace, collection: str) -> int:
    with client_from(args) as client:
        resource = _resource(client, collection)
        if collection == "packages":
            resource.delete(args.name, force=args.force)
        else:
            resource.delete(args.name)
    say(f"ok: deleted {collection[:-1]} {args.name}")
    return 0


def _annotations(args: argparse.Namespace) -> dict[str, Any] | None:
    return {k: _value(v) for k, v in args.annotation} or None


def _trigger_put(args: argparse.Namespace) -> int:
    params = params_from(args.param, args.param_file)
    with client_from(args) as client:
        if args.feed:
            doc = client.triggers.create(
                args.name,
                annotations=_annotations(args),
                overwrite=args.overwrite,
                feed=args.feed,
                feed_parameters=params,
            )
        else:
            doc = client.triggers.create(
                args.name, parameters=params, annotations=_annotations(args), overwrite=args.overwrite
            )
    say(f"ok: {'updated' if args.overwrite else 'created'} trigger {args.name}")
    print_json(doc)
    return 0


def _fire(args: argparse.Namespace) -> int:
    payload = params_from(args.param, args.param_file) or {}
    with client_from(args) as client:
        activation_id = client.triggers.fire(args.name, payload)
        if activation_id is None:
            say(f"ok: triggered /_/{args.name}, but no rule is active: nothing ran")
            return 0
        say(f"ok: triggered /_/{args.name} with id {activation_id}")
        if not args.trace:
            print_json({"activationId": activation_id})
            return 0
        print(format_trace(client.triggers.trace(activation_id, timeout=args.timeout)))
    return 0


def _trace(args: argparse.Namespace) -> int:
    with client_from(args) as client:
        print(format_trace(client.triggers.trace(args.activation_id, timeout=args.timeout)))
    return 0


def format_trace(trace: Trace) -> str:
    """Plain text: the trigger activation, then one block per rule (its action's record, components)."""
    lines = [f"trigger {trace.trigger} {trace.activation_id}"]
    for f in trace.firings:
        if f.activation_id is None:
            lines.append(f"  rule {f.rule} -> {f.action}: not invoked: {f.error}")
            continue
        record = f.record or {}
        response = record.get("response", {})
        status = response.get("status", "running")
        took = record.get("duration", "?")
        lines.append(f"  rule {f.rule} -> {f.action} {f.activation_id} {status} {took} ms")
        for c in f.components:
            c_status = c.get("response", {}).get("status", "")
            lines.append(f"      {c['name']:<30} {c['activationId']} {c_status} {c.get('duration', '?')} ms")
        if record:
            lines.append(f"    result: {_short(response.get('result'))}")
    return "\n".join(lines)


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) < 300 else text[:300] + "..."


def _rule_put(args: argparse.Namespace) -> int:
    with client_from(args) as client:
        doc = client.rules.create(args.name, args.trigger, args.action, overwrite=args.overwrite)
    say(f"ok: {'updated' if args.overwrite else 'created'} rule {args.name}")
    print_json(doc)
    return 0


def _rule_status(args: argparse.Namespace) -> int:
    with client_from(args) as client:
        getattr(client.rules, args.verb)(args.name)
    say(f"ok: {args.verb}d rule {args.name}")
    return 0


def _package_put(args: argparse.Namespace) -> int:
    params = params_from(args.param, args.param_file)
    with client_from(args) as client:
        doc = client.packages.create(
            args.name,
            parameters=params,
            annotations=_annotations(args),
            binding=args.binding,
            overwrite=args.overwrite,
        )
    say(f"ok: {'updated' if args.overwrite else 'created'} package {args.name}")
    print_json(doc)
    return 0
