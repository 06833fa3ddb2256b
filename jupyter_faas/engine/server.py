"""The engine process: ``python -m jupyter_faas.engine.server`` (what ``jupyter-faas engine`` and ``start``
run). Opens the store, closes activations a previous process left in flight, builds the runtime, the
scheduler and the app, listens on 127.0.0.1 unless told otherwise, then writes ``engine.json`` (pid, host,
port) into the data directory so that whoever started it knows where it listens.

The key is the engine's own (``keys.py``: created in the data directory, 0600) unless ``--auth`` asks for
OpenWhisk's public guest key (``guest``) or hands one over on stdin (``-``) or in a file (``@PATH``); it
never appears on the command line, in the environment or in a log. Browser defences (``Host`` and
``Origin`` checks) take their allow-lists from ``--allow-host`` / ``--allow-origin``. Does not own the
routes (``app.py``) or starting/stopping from Python (``process.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import json
import logging
import logging.handlers
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

from tornado.httpserver import HTTPServer
from tornado.ioloop import PeriodicCallback
from tornado.netutil import bind_sockets

from ..contract import DEFAULT_PORT
from ..errors import EngineError, FaasError, Step
from . import catalog
from .alarms import Provider
from .app import make_app
from .browser import BrowserGuard
from .data_dir import LOCK_FILE, STATE_FILE, default_data_dir
from .keys import GUEST, resolve_auth, secure_dir
from .ownership import process_start_time
from .records import lost_record
from .retention import DEFAULT_AGE, DEFAULT_EVERY_S, DEFAULT_LIMIT, Retention, parse_age
from .scheduler import RuntimeLike, Scheduler
from .services import Services
from .store import Store

__all__ = [
    "add_arguments",
    "configure_logging",
    "main",
    "serve",
]

DEFAULT_CONCURRENCY = 30  # standalone OpenWhisk's limits-actions-invokes-concurrent
MAX_BODY = 64 * 1024 * 1024  # a 48 MB exec plus its JSON; the API checks the real limits
log = logging.getLogger("jupyter_faas.engine")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 = any)"
    )
    parser.add_argument(
        "--data-dir", type=Path, default=None, help=f"state directory (default {default_data_dir()})"
    )
    parser.add_argument(
        "--auth",
        default=None,
        metavar="guest|-|@FILE",
        help="the key to accept instead of the engine's own (kept in DATA_DIR/auth.key, 0600): 'guest' for "
        "OpenWhisk's public guest key, '-' to read uuid:key from stdin, '@FILE' to read it from a file",
    )
    parser.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a Host name to accept besides the bound address, localhost, 127.0.0.1 and [::1] (repeatable)",
    )
    parser.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="a browser Origin allowed to call the API, e.g. http://localhost:8888 (repeatable)",
    )
    parser.add_argument(
        "--concurrency-limit",
        type=int,
        default=DEFAULT_CONCURRENCY,
        help="activations in flight per namespace",
    )
    parser.add_argument(
        "--workers", type=int, default=None, help="threads running actions (default: the limit, at most 64)"
    )
    parser.add_argument(
        "--no-sandbox",
        action="store_true",
        help="run actions without the filesystem sandbox (Landlock): they can then read all your files",
    )
    parser.add_argument(
        "--activation-retention",
        default=DEFAULT_AGE,
        type=_age,
        metavar="AGE",
        help=f"how long activations and their logs are kept: 7d, 12h, 30m, 90s; 0: for ever ({DEFAULT_AGE})",
    )
    parser.add_argument(
        "--activation-limit",
        type=int,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=f"at most this many activations are kept, the newest (default {DEFAULT_LIMIT}; 0: no limit)",
    )
    parser.add_argument(
        "--retention-every",
        type=float,
        default=DEFAULT_EVERY_S,
        metavar="SECONDS",
        help=f"how often expired activations are deleted (default {DEFAULT_EVERY_S:.0f})",
    )


def _age(text: str) -> str:
    """argparse's check of an age (``parse_age``): refused at once, with the reason."""
    try:
        parse_age(text)
    except FaasError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None
    return text


def configure_logging() -> None:
    """INFO to stderr, buffered: lines are written in batches (at once for warnings), so the access log
    costs the warm path no write per request. ``serve`` flushes the buffer twice a second."""
    stream = logging.StreamHandler()
    stream.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    buffered = logging.handlers.MemoryHandler(capacity=512, flushLevel=logging.WARNING, target=stream)
    root = logging.getLogger()
    root.handlers[:] = [buffered]
    root.setLevel(logging.INFO)


def _flush_logs() -> None:
    for handler in logging.getLogger().handlers:
        handler.flush()


def _load_runtime(work_dir: Path) -> RuntimeLike:
    from ..runtime import Runtime
    from ..runtime.environments import stock_kinds

    runtime = Runtime(work_dir=work_dir)

    def prepare() -> None:  # build or load the kinds' environments now, so the first cold start is fast
        for kind in stock_kinds():  # the others on first use
            try:
                runtime.prepare(kind)
            except Exception as exc:
                log.warning("could not prepare %s: %s", kind, exc)

    threading.Thread(target=prepare, name="prepare-kinds", daemon=True).start()
    typed: RuntimeLike = runtime
    return typed


def _return_big_buffers() -> None:
    """glibc keeps the freed buffers of a large request (a 48 MB zip, its JSON, its reply) in its heap,
    so the engine's memory stays at its largest request's for good. Allocations from 256 kB on are
    mmapped instead, and so returned to the system when freed (``M_MMAP_THRESHOLD``; glibc only)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            ctypes.CDLL(None).mallopt(-3, 256 * 1024)


def recover(store: Store) -> int:
    """Record every activation a previous engine left in flight as a whisk internal error."""
    lost = store.pending()
    now = int(time.time() * 1000)
    for _, name, doc in lost:
        store.finish(lost_record(doc, now), [], name)
    return len(lost)


async def serve(args: argparse.Namespace) -> None:
    data_dir: Path = secure_dir((args.data_dir or default_data_dir()).expanduser().resolve())
    lock = _lock(data_dir)  # held for the process's life: one engine per data directory, surely
    choice = resolve_auth(args.auth, data_dir)
    if choice.mode == GUEST:
        log.warning(
            "accepting OpenWhisk's public guest key (--auth guest): anyone who can reach %s:%s can run code "
            "as this user",
            args.host,
            args.port,
        )
    _return_big_buffers()
    store = Store(data_dir)
    if n := recover(store):
        log.warning(
            "%d activation(s) were in flight when the engine last stopped: recorded as whisk errors", n
        )
    if args.no_sandbox:
        os.environ["JUPYTER_FAAS_NO_SANDBOX"] = "1"  # read by the runtime (runtime/sandbox.py)
    runtime = _load_runtime(data_dir / "containers")
    workers = args.workers or min(args.concurrency_limit, 64)
    scheduler = Scheduler(runtime, store, args.concurrency_limit, workers)
    sockets = bind_sockets(args.port, args.host)
    port = sockets[0].getsockname()[1]
    host = args.host
    services = Services(
        store=store,
        scheduler=scheduler,
        auth=choice.key,
        guard=BrowserGuard.for_address(host, args.allow_host, args.allow_origin),
    )
    server = HTTPServer(make_app(services), max_body_size=MAX_BODY, idle_connection_timeout=300)
    server.add_sockets(sockets)
    services.api_host = f"http://{host if host not in ('0.0.0.0', '::') else '127.0.0.1'}:{port}"
    written = catalog.install(store, services.api_host, int(time.time() * 1000))
    services.alarms = Provider(services)
    armed = services.alarms.start()
    log.info("catalog: /whisk.system (%d entities updated); alarms: %d armed", written, armed)
    state = data_dir / STATE_FILE
    info = {
        "pid": os.getpid(),
        "host": host,
        "port": port,
        "data_dir": str(data_dir),
        "auth": choice.mode,  # own | guest | given: where a front end finds the key (never the key)
        "started": process_start_time(os.getpid()),
        "sandbox": runtime.sandbox_status,
        "memory": runtime.memory_status,
    }
    _write_state(state, info)

    def report(sizes: dict[str, Any]) -> None:  # the retention thread's counts, for engine --status
        _write_state(state, {**info, "store": sizes})

    retention = Retention(
        store,
        parse_age(args.activation_retention),
        args.activation_limit or None,
        args.retention_every,
        report,
    ).start()
    log.info(
        "engine listening on %s:%d (data %s, concurrency limit %d)",
        host,
        port,
        data_dir,
        args.concurrency_limit,
    )
    log.info("memory limits: %s; filesystem sandbox: %s", info["memory"], info["sandbox"])

    flusher = PeriodicCallback(_flush_logs, 500)
    flusher.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        server.stop()
        services.alarms.stop()
        retention.set()
        scheduler.shutdown()  # first: what the runtime's shutdown interrupts stays pending
        runtime.shutdown()
        store.close()  # checkpoints the WAL into the database file
        _remove_state(state)
        lock.close()
        flusher.stop()
        log.info("engine stopped")
        _flush_logs()


def _lock(data_dir: Path) -> IO[bytes]:
    """An exclusive lock on ``engine.lock``: a second engine on the same data directory stops here,
    before it touches the store or sweeps the first one's containers as leftovers."""
    import fcntl  # POSIX: imported here so that the package imports on Windows (host.engine_unsupported)

    handle = open(data_dir / LOCK_FILE, "ab")  # noqa: SIM115 - held until the engine stops
    deadline = time.monotonic() + 1.0  # a caller probing the lock (process._locked) holds it an instant
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return handle
        except OSError:
            if time.monotonic() < deadline:
                time.sleep(0.01)
                continue
        handle.close()
        raise EngineError(
            f"Another engine already runs with the data directory {data_dir}.",
            fix="Use it, stop it ({0}), or give another --data-dir.",
            steps=(Step("engine.stop", ("--data-dir", str(data_dir))),),
        ) from None


def _write_state(path: Path, state: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(json.dumps(state))
    os.replace(tmp, path)


def _remove_state(path: Path) -> None:
    try:
        if json.loads(path.read_text()).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError):
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="jupyter-faas engine", description="The embedded OpenWhisk engine.")
    add_arguments(parser)
    args = parser.parse_args(argv)
    configure_logging()
    try:
        asyncio.run(serve(args))
    except EngineError as exc:
        log.error("%s %s", exc.message, exc.fix or "")
        _flush_logs()
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
