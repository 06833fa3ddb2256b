"""The ``jupyter-faas`` command line: one sub-command module per verb group, like the ``wsk`` CLI.

Each module in this package exposes ``register(subparsers)``, which adds its sub-commands and sets
``func`` on each parser to a callable ``func(args) -> int``. ``main`` translates ``FaasError`` once:
message and fix on stderr, exit status 1, no traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from .. import __version__
from ..errors import FaasError

# Sub-command modules, in the order `jupyter-faas --help` lists them. A module that is not there yet is
# skipped, so each group can land on its own.
_GROUPS = ("engine", "config", "actions", "invoke", "activations", "events", "compose", "stats", "build")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jupyter-faas",
        description="From a notebook class to an Apache OpenWhisk action.",
    )
    parser.add_argument("--version", action="version", version=f"jupyter-faas {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in _GROUPS:
        try:
            module = importlib.import_module(f"{__name__}.{group}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{group}":
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except FaasError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
