"""``%%faas_compose NAME`` (a composition from a Python expression) and ``%faas_path ID`` (the path a run
took): thin adapters over ``jupyter_faas.compose`` (``deploy``, ``path``).

The cell (or the rest of the line) is one Python expression, evaluated in the notebook's namespace with the
combinators at hand (``action``, ``sequence``, ``when``, ``try_``, ``retry``, ``let``, ``literal``,
``merge``); a variable holding a composition is an expression too::

    %%faas_compose photo-pipeline
    when("image-quality-gate", sequence("smart-body-crop", "auto-tag"), literal({"rejected": True}),
         field="ok")
"""

from __future__ import annotations

import re

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, line_magic, magics_class, no_var_expand
from IPython.core.magic_arguments import argument, magic_arguments

from ..compose import EXAMPLE, deploy, from_expression, path
from ..display import EntityView, PathView
from .params import parse_line
from .progress import Progress
from .session import Session, faas_errors

__all__ = ["ComposeMagics"]

_VALUED = {"--kind", "--memory", "--timeout"}


def _split(line: str) -> tuple[str, str]:
    """The options and NAME, and the expression after them, kept as typed (no shell unquoting)."""
    tokens = list(re.finditer(r"\S+", line))
    i, named = 0, False
    while i < len(tokens):
        word = tokens[i].group()
        if word.startswith("--"):
            i += 2 if word in _VALUED else 1
        elif not named:
            named, i = True, i + 1
        else:
            return line[: tokens[i].start()], line[tokens[i].start() :].strip()
    return line, ""


@magics_class
class ComposeMagics(Magics):
    @property
    def session(self) -> Session:
        return Session.of(self.shell)

    @line_cell_magic
    @no_var_expand  # the line is Python: {a} is a set, not IPython's {variable} expansion
    @magic_arguments()
    @argument("name", metavar="NAME", help="the composition's action name")
    @argument("expression", nargs="*", metavar="EXPR", help="the composition (line form; else the cell)")
    @argument("--kind", default="python:default", help="the conductor's kind (its code is standard library)")
    @argument("--memory", type=int, default=None, metavar="MB", help="the conductor's memory limit")
    @argument("--timeout", type=int, default=None, metavar="MS", help="the conductor's time limit")
    @argument("--no-check", action="store_true", help="deploy even if a component does not exist yet")
    @faas_errors
    def faas_compose(self, line: str, cell: str | None = None) -> EntityView:
        """Deploy a composition (a conductor action) built from a Python expression of combinators."""
        head, expression = _split(line)
        args = parse_line(self.faas_compose, head)
        source = (cell or "").strip() or expression
        if not source:
            raise UsageError(f"Give the composition as a Python expression, {EXAMPLE}.")
        user_ns = self.shell.user_ns if self.shell is not None else {}
        composition = from_expression(source, user_ns)  # the user's own expression, in their kernel
        options = {k: v for k, v in (("memory", args.memory), ("timeout", args.timeout)) if v is not None}
        deployed = deploy(
            self.session.client, args.name, composition, kind=args.kind, check=not args.no_check, **options
        )
        return EntityView("composition", deployed.action)

    @line_magic
    @magic_arguments()
    @argument("activation_id", metavar="ID", help="the composition's activation id (what an invoke returned)")
    @argument("--timeout", type=float, default=600.0, metavar="S", help="give up waiting after S seconds")
    @faas_errors
    def faas_path(self, line: str) -> PathView:
        """The path a composition's run took: its components, each decision, and the result."""
        args = parse_line(self.faas_path, line)
        with Progress(self.shell).step(
            f"Reading the path of {args.activation_id}",
            interrupted="The composition goes on: %faas_path ID again reads what it did so far.",
        ):
            return PathView(path(self.session.client, args.activation_id, timeout=args.timeout))
