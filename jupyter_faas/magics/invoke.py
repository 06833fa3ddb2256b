"""``%faas_invoke``, ``%faas_poll``, ``%faas_activations``, ``%faas_logs``, ``%faas_stats``,
``%faas_actions`` and ``%faas_delete``: thin adapters over ``openwhisk.Client`` and ``stats``.

Each parses its line, makes one call through the session's client, and returns a notebook object from
``display`` (``Activation``, ``ActivationList``, ``ActionList``, ``Stats``), so ``act = %faas_invoke ...``
composes. Waiting shows progress and can be interrupted (the activation goes on; its id is given).
"""

from __future__ import annotations

from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments

from ..display import ActionList, Activation, ActivationList, Logs, Stats, figure_png
from .params import parse_line, parse_params, split_payload
from .progress import Progress
from .session import Session, faas_errors

__all__ = ["InvokeMagics"]


@magics_class
class InvokeMagics(Magics):
    @property
    def session(self) -> Session:
        return Session.of(self.shell)

    @line_magic
    @magic_arguments()
    @argument("name", metavar="NAME", help="the action: name, pkg/name or /namespace/name")
    @argument("params", nargs="*", metavar="key=value", help="parameters (or one JSON object)")
    @argument("--async", dest="nonblocking", action="store_true", help="return at once (then %%faas_poll)")
    @argument("--result", action="store_true", help="return only the result")
    @argument("--timeout", type=float, default=600.0, metavar="S", help="give up waiting after S seconds")
    @faas_errors
    def faas_invoke(self, line: str) -> Any:
        """Invoke an action and return its Activation (with --result: only the result)."""
        rest, payload = split_payload(line)
        args = parse_line(self.faas_invoke, rest)
        name, params = args.name, parse_params(args.params, payload)
        client = self.session.client
        if args.nonblocking:
            handle = client.actions.invoke(name, params)
            return Activation(activation_id=handle.activation_id, name=name)
        with Progress(self.shell).step(
            f"Invoking {name}",
            interrupted="The activation goes on: %faas_activations lists it, %faas_poll ID waits for it.",
        ):
            record = client.actions.invoke(name, params, blocking=True, timeout=args.timeout)
        activation = Activation(record)
        return activation.result if args.result else activation

    @line_magic
    @magic_arguments()
    @argument("activation_id", metavar="ACTIVATION_ID")
    @argument("--timeout", type=float, default=600.0, metavar="S", help="give up waiting after S seconds")
    @faas_errors
    def faas_poll(self, line: str) -> Activation:
        """Wait for an activation's record and return it."""
        args = parse_line(self.faas_poll, line)
        activation_id = args.activation_id.strip()
        with Progress(self.shell).step(
            f"Waiting for activation {activation_id}",
            interrupted=f"The activation goes on: %faas_poll {activation_id} waits again.",
        ):
            record = self.session.client.activations.wait(activation_id, timeout=args.timeout)
        return Activation(record)

    @line_magic
    @magic_arguments()
    @argument("name", nargs="?", metavar="NAME", help="only this action's activations")
    @argument("--limit", type=int, default=30, metavar="N", help="the newest N (default 30, at most 200)")
    @faas_errors
    def faas_activations(self, line: str) -> ActivationList:
        """The newest activations (of NAME), as a table."""
        args = parse_line(self.faas_activations, line)
        name = args.name
        return ActivationList.of(self.session.client.activations.list(name, limit=args.limit))

    @line_magic
    @magic_arguments()
    @argument("activation_id", metavar="ACTIVATION_ID")
    @faas_errors
    def faas_logs(self, line: str) -> Logs:
        """An activation's log lines."""
        args = parse_line(self.faas_logs, line)
        activation_id = args.activation_id.strip()
        return Logs(activation_id, self.session.client.activations.logs(activation_id))

    @line_magic
    @magic_arguments()
    @argument("name", nargs="?", metavar="NAME", help="only this action")
    @argument("--last", type=int, default=200, metavar="N", help="the newest N activations (default 200)")
    @argument("--plot", action="store_true", help="add a timeline and a cold/warm histogram")
    @faas_errors
    def faas_stats(self, line: str) -> Stats:
        """Cold/warm counts, success rate, p50/p95/p99 and init/wait/run times per action and version."""
        from ..cli.stats import fetch
        from ..stats import plot_durations, plot_timeline, summarize

        args = parse_line(self.faas_stats, line)
        name = args.name
        if args.last < 1:
            raise UsageError("--last must be at least 1.")
        records = fetch(self.session.client, name, args.last, None)
        title = f"{len(records)} activations" + (f" of {name}" if name else "")
        stats = Stats.of(summarize(records), records, title)
        if args.plot and records:
            stats.plots = [figure_png(plot_timeline(records)), figure_png(plot_durations(records))]
        return stats

    @line_magic
    @magic_arguments()
    @faas_errors
    def faas_actions(self, line: str) -> ActionList:
        """The deployed actions (newest first)."""
        parse_line(self.faas_actions, line)
        client = self.session.client
        return ActionList(client.actions.list(limit=200), apihost=client.config.apihost)

    @line_magic
    @magic_arguments()
    @argument("name", metavar="NAME")
    @faas_errors
    def faas_delete(self, line: str) -> ActionList:
        """Delete an action; returns what was deleted."""
        args = parse_line(self.faas_delete, line)
        return ActionList([self.session.client.actions.delete(args.name)])
