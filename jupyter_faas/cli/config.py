"""``jupyter-faas config``: the resolved apihost, masked auth, namespace and TLS setting, and where each came
from. Also the connection options every client verb shares (``--apihost``, ``-u/--auth``,
``--namespace``, ``-i/--insecure``, as ``wsk`` spells them) and the one place that builds a ``Client``
from them. What this module does not own: resolution itself (``jupyter_faas.config``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Config, describe_embedded, resolve
from ..errors import NotConfigured

if TYPE_CHECKING:
    from ..openwhisk import Client

__all__ = ["add_connection_arguments", "client_from", "config_from", "print_json", "register", "say"]


def add_connection_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("connection (default: __OW_* variables, WSK_CONFIG_FILE, ~/.wskprops)")
    group.add_argument("--apihost", help="OpenWhisk API host, e.g. https://host or 127.0.0.1:3233")
    group.add_argument(
        "-u", "--auth", help="authorization key uuid:key (prefer ~/.wskprops: argv is visible)"
    )
    group.add_argument("--namespace", help="namespace (default: the key's own, `_`)")
    group.add_argument(
        "-i",
        "--insecure",
        action="store_true",
        default=None,
        help="do not verify the server's TLS certificate",
    )


def config_from(args: argparse.Namespace, *, start_engine: bool = True) -> Config:
    return resolve(
        apihost=getattr(args, "apihost", None),
        auth=getattr(args, "auth", None),
        namespace=getattr(args, "namespace", None),
        insecure=getattr(args, "insecure", None),
        start_engine=start_engine,
    )


def client_from(args: argparse.Namespace) -> Client:
    from ..openwhisk import Client

    return Client(config_from(args))


def print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False))


def say(message: str) -> None:
    """Status lines go to stderr, so stdout stays the data (JSON, tables) a script can read."""
    print(message, file=sys.stderr)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "config",
        help="show the resolved apihost, auth (masked), namespace, and which source won",
        description="Show the configuration the client verbs use and where each value comes from: "
        "arguments, then __OW_API_HOST / __OW_API_KEY / __OW_NAMESPACE / __OW_IGNORE_CERTS, then the "
        "file named by WSK_CONFIG_FILE or ~/.wskprops, then the embedded engine.",
    )
    add_connection_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument(
        "--wskprops",
        metavar="FILE",
        help="write APIHOST, AUTH and NAMESPACE for another OpenWhisk client (wsk, aio, the JS client) to "
        "FILE (mode 0600), or to stdout with '-'; the one command that shows the key itself",
    )
    parser.set_defaults(func=_show)


def _show(args: argparse.Namespace) -> int:
    if args.wskprops:
        return _write_wskprops(config_from(args), args.wskprops)
    try:
        rows = config_from(args, start_engine=False).describe()
    except NotConfigured:
        rows = describe_embedded(
            getattr(args, "auth", None), getattr(args, "namespace", None), getattr(args, "insecure", None)
        )
    if args.json:
        print_json({name: {"value": value, "source": source} for name, value, source in rows})
        return 0
    width = max(len(name) for name, _, _ in rows)
    value_width = max(len(value) for _, value, _ in rows)
    for name, value, source in rows:
        print(f"{name.ljust(width)}  {value.ljust(value_width)}  ({source})")
    return 0


def _write_wskprops(config: Config, where: str) -> int:
    """The settings another OpenWhisk client needs, key included: asked for, so shown."""
    text = f"APIHOST={config.apihost}\nAUTH={config.auth}\n"
    if config.namespace != "_":
        text += f"NAMESPACE={config.namespace}\n"
    if where == "-":
        sys.stdout.write(text)
        return 0
    path = Path(where).expanduser()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(path, 0o600)
    say(f"wrote {path} (mode 0600): APIHOST={config.apihost}, AUTH={config.masked_auth}")
    say(f"use it with: WSK_CONFIG_FILE={path} wsk action list   (or copy it to ~/.wskprops)")
    return 0
