"""``%faas_sequence``, ``%faas_trigger``, ``%faas_rule`` and ``%faas_fire``: thin adapters over
``openwhisk.Client`` (``actions.sequence``, ``triggers``, ``rules``, ``triggers.trace``).

``%faas_fire NAME [JSON | key=value ...]`` fires the trigger and, unless ``--async``, waits for what the
firing caused and returns a ``TraceView`` (trigger activation -> rule -> action activation -> a sequence's
components); ``--async`` returns the trigger activation's id.
"""

from __future__ import annotations

from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments

from ..display import EntityView, TraceView
from .params import parse_line, parse_params, split_payload, value
from .progress import Progress
from .session import Session, faas_errors

__all__ = ["EventMagics"]


@magics_class
class EventMagics(Magics):
    @property
    def session(self) -> Session:
        return Session.of(self.shell)

    @line_magic
    @magic_arguments()
    @argument("name", metavar="NAME", help="the sequence's name")
    @argument("components", nargs="+", metavar="ACTION", help="its actions, in order")
    @faas_errors
    def faas_sequence(self, line: str) -> EntityView:
        """Create or update a sequence: each action's result is the next one's input; an error stops it."""
        args = parse_line(self.faas_sequence, line)
        components = [c for c in args.components]
        doc = self.session.client.actions.sequence(args.name, components)
        return EntityView("sequence", doc)

    @line_magic
    @magic_arguments()
    @argument("name", metavar="NAME", help="the trigger's name")
    @argument("params", nargs="*", metavar="key=value", help="default parameters (or one JSON object)")
    @argument(
        "-p", "--param", nargs=2, action="append", default=[], metavar=("KEY", "VALUE"), help="a parameter"
    )
    @argument(
        "--feed",
        metavar="FEED",
        help="the feed that fires it, e.g. /whisk.system/alarms/interval (the parameters are then the "
        "feed's: -p minutes 1)",
    )
    @argument("--delete", action="store_true", help="delete the trigger instead (and tell its feed)")
    @faas_errors
    def faas_trigger(self, line: str) -> EntityView:
        """Create or update a trigger (with default parameters a firing's payload overrides), or one that
        a feed fires: ``%faas_trigger every_minute --feed /whisk.system/alarms/interval -p minutes 1``."""
        rest, payload = split_payload(line)
        args = parse_line(self.faas_trigger, rest)
        name, triggers = args.name, self.session.client.triggers
        if args.delete:
            return EntityView("deleted trigger", triggers.delete(name))
        params = {**parse_params(args.params, payload), **{k: value(v) for k, v in args.param}}
        if args.feed:
            return EntityView("trigger", triggers.update(name, feed=args.feed, feed_parameters=params))
        return EntityView("trigger", triggers.update(name, parameters=params))

    @line_magic
    @magic_arguments()
    @argument("name", metavar="NAME", help="the rule's name")
    @argument("trigger", nargs="?", metavar="TRIGGER")
    @argument("action", nargs="?", metavar="ACTION", help="an action or a sequence")
    @argument("--disable", action="store_true", help="disable the rule (firings then skip it)")
    @argument("--enable", action="store_true", help="enable the rule again")
    @argument("--delete", action="store_true", help="delete the rule")
    @faas_errors
    def faas_rule(self, line: str) -> EntityView:
        """Create or update a rule: when TRIGGER fires, invoke ACTION. Also --enable/--disable/--delete."""
        args = parse_line(self.faas_rule, line)
        name, rules = args.name, self.session.client.rules
        if args.delete:
            return EntityView("deleted rule", rules.delete(name))
        if args.trigger or args.action:
            if not (args.trigger and args.action):
                raise UsageError("Give both TRIGGER and ACTION: %faas_rule NAME TRIGGER ACTION")
            rules.update(name, args.trigger, args.action)
        elif not (args.enable or args.disable):
            raise UsageError("Give TRIGGER and ACTION, or one of --enable, --disable, --delete.")
        if args.disable:
            rules.disable(name)
        elif args.enable:
            rules.enable(name)
        return EntityView("rule", rules.get(name))

    @line_magic
    @magic_arguments()
    @argument("name", metavar="NAME", help="the trigger")
    @argument("params", nargs="*", metavar="key=value", help="the payload (or one JSON object)")
    @argument("--async", dest="nonblocking", action="store_true", help="return the trigger activation id")
    @argument("--timeout", type=float, default=600.0, metavar="S", help="give up waiting after S seconds")
    @faas_errors
    def faas_fire(self, line: str) -> Any:
        """Fire a trigger with a payload; returns the trace of what it caused (or, with --async, its id)."""
        rest, payload = split_payload(line)
        args = parse_line(self.faas_fire, rest)
        name, client = args.name, self.session.client
        activation_id = client.triggers.fire(name, parse_params(args.params, payload))
        if activation_id is None:
            print(f"Trigger {name} has no active rule: nothing ran (%faas_rule NAME {name} ACTION adds one).")
            return None
        if args.nonblocking:
            return activation_id
        with Progress(self.shell).step(
            f"Following trigger {name}'s activation {activation_id}",
            interrupted="The activations go on: %faas_activations lists them.",
        ):
            trace = client.triggers.trace(activation_id, timeout=args.timeout)
        return TraceView(trace)
