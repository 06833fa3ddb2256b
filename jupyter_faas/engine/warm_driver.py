"""Driving a warm run (``runtime.begin``) from the event loop: no worker thread, no thread hand-off.

``drive`` waits for the run's pipes with ``loop.add_reader`` (one reader per open pipe, each removed at its
EOF: the loop's selector is epoll on Linux, kqueue on macOS) and for its time limit with ``loop.call_later``,
and calls ``done(outcome)`` on the loop when the run is over. What could block the loop stays off it: a run
that did not end cleanly (time limit, crash, out of memory: the process is killed and its pipes drained)
is finished on a thread of the loop's default executor, and so is destroying a container a developer
error left unusable. Owns nothing about records, storage or throttling (``scheduler.py``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Protocol

from ..runtime import RunOutcome

__all__ = ["WarmRunLike", "drive"]

log = logging.getLogger("jupyter_faas.engine")


class WarmRunLike(Protocol):
    """What ``runtime.begin`` returns (``jupyter_faas.runtime.warm.WarmRun``)."""

    timeout_s: float

    def fds(self) -> frozenset[int]: ...
    def ready(self) -> bool: ...
    def expire(self) -> None: ...
    @property
    def clean(self) -> bool: ...
    def finish(self) -> RunOutcome: ...
    @property
    def must_close(self) -> bool: ...
    def close(self) -> None: ...


def drive(loop: asyncio.AbstractEventLoop, warm: WarmRunLike, done: Callable[[RunOutcome], None]) -> None:
    """Call ``done(outcome)`` on ``loop`` once ``warm`` is over (``done`` must not raise)."""
    watched = set(warm.fds())
    ended = False

    def over() -> None:
        nonlocal ended
        if ended:
            return
        ended = True
        for fd in watched:
            loop.remove_reader(fd)
        watched.clear()
        timer.cancel()
        if warm.clean:  # the answer and the logs are in: finishing costs no wait
            outcome = warm.finish()
            if warm.must_close:
                loop.run_in_executor(None, _close, warm)
            done(outcome)
        else:
            future = loop.run_in_executor(None, _finish_and_close, warm)
            future.add_done_callback(lambda f: done(f.result()))

    def readable() -> None:
        if warm.ready():
            over()
            return
        open_now = warm.fds()
        for fd in watched - open_now:  # at EOF: a closed pipe would stay readable forever
            loop.remove_reader(fd)
        watched.intersection_update(open_now)

    def expired() -> None:
        warm.expire()
        over()

    timer = loop.call_later(warm.timeout_s, expired)
    for fd in watched:
        loop.add_reader(fd, readable)


def _finish_and_close(warm: WarmRunLike) -> RunOutcome:
    outcome = warm.finish()  # never raises
    _close(warm)
    return outcome


def _close(warm: WarmRunLike) -> None:
    try:
        warm.close()
    except Exception:
        log.exception("could not destroy a container")
