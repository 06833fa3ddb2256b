"""``jupyter-faas engine``: run the embedded OpenWhisk engine in the foreground (Ctrl-C stops it), or
``--stop`` / ``--status`` the one whose state is in ``--data-dir``. The engine itself lives in
``jupyter_faas.engine``; this module only parses arguments.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

__all__ = ["register"]


def register(subparsers: Any) -> None:
    from ..engine.server import add_arguments

    parser = subparsers.add_parser(
        "engine",
        help="run the embedded OpenWhisk engine (OpenWhisk's REST API on 127.0.0.1:3233)",
        description="Run the embedded OpenWhisk engine in the foreground. It binds 127.0.0.1 unless told "
        "otherwise and accepts its own key (made at first start, kept in DATA_DIR/auth.key, mode 0600); "
        "--auth guest accepts OpenWhisk's public guest key instead. `jupyter-faas config --wskprops FILE` "
        "writes the settings other OpenWhisk clients need.",
    )
    add_arguments(parser)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--stop", action="store_true", help="stop the engine using --data-dir, then exit")
    group.add_argument(
        "--status", action="store_true", help="print where the engine using --data-dir listens"
    )
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from ..engine import process
    from ..engine.data_dir import STATE_FILE, default_data_dir

    data_dir = args.data_dir or default_data_dir()
    if args.stop:
        stopped = process.stop(data_dir)
        print("engine stopped" if stopped else f"no engine is running with data directory {data_dir}")
        return 0
    if args.status:
        state_file = data_dir / STATE_FILE
        if not state_file.exists():
            print(f"no engine is running with data directory {data_dir}")
            return 1
        state: dict[str, Any] = json.loads(state_file.read_text())
        key = {
            "own": f"its own key ({data_dir / 'auth.key'})",
            "guest": "OpenWhisk's public guest key (--auth guest)",
            "given": "a key given at start",
        }.get(state.get("auth", ""), "an unknown key")
        print(
            f"engine pid {state['pid']} listening on http://{state['host']}:{state['port']}, accepting {key}"
        )
        if state.get("sandbox"):
            print(f"filesystem sandbox: {state['sandbox']}")
        if state.get("memory"):
            print(f"memory limits: {state['memory']}")
        store = state.get("store")
        if store:  # written by the engine after each retention sweep
            print(
                f"store: {store['actions']} actions, {store['activations']} activations, "
                f"{store['db_bytes'] / 1e6:.1f} MB on disk ({data_dir / 'engine.db'})"
            )
        return 0
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: the engine will accept connections from other machines on {args.host}")
    import asyncio

    from ..engine import server

    server.configure_logging()
    asyncio.run(server.serve(args))
    return 0
