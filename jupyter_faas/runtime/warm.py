"""``WarmRun``: one activation on a warm container, driven from an event loop instead of a blocked thread.

``Runtime.begin`` takes an idle initialised container of the revision (or gives ``None``: cold starts and the
RSS-polling memory watchdog stay on ``Runtime.run``), sends the activation and returns a ``WarmRun``. The
caller waits for one of ``fds()`` to be readable (``loop.add_reader`` on each), calls ``ready()`` each time
until it is True, calls ``expire()`` if ``timeout_s`` passes first, then ``finish()`` for the ``RunOutcome``
(the same as ``run`` gives) and ``close()``. ``finish`` blocks (killing the process and draining its pipes)
only when ``clean`` is False, and ``close`` (destroying a container that must not be reused) may block a few
milliseconds: an event loop runs those on a thread. What this module does not own: the exchange itself
(``container.py``), pooling (``pool.py``).
"""

from __future__ import annotations

import logging
import time

from . import ActionSpec, RunOutcome
from . import messages as msg
from .container import Container, Talk
from .logs import LogCollector, format_log_line
from .pool import Pool

__all__ = ["WarmRun"]

log = logging.getLogger(__name__)


class WarmRun:
    """A run in flight on a warm container. One caller (an event loop) at a time."""

    def __init__(
        self, pool: Pool, spec: ActionSpec, container: Container, talk: Talk, called: float, start: float
    ) -> None:
        self._pool = pool
        self._spec = spec
        self._container: Container | None = container
        self._talk = talk
        self._called = called
        self._start = start
        self._keep = False
        self._over = False
        self.timeout_s = spec.timeout_ms / 1000.0

    def fds(self) -> frozenset[int]:
        """The action's open pipes: wait until one is readable, then call ``ready()``."""
        return frozenset() if self._container is None else self._container.fds()

    def ready(self) -> bool:
        """Read what is there without waiting; True when the run is over (``finish`` may be called)."""
        if not self._over and self._container is not None:
            try:
                self._over = self._container.step(self._talk)
            except Exception:  # the machine, not the action: finish() reports it
                log.exception("reading a warm run of %s failed", self._spec.key)
                self._talk.reason = "exit"
                self._over = True
        return self._over

    def expire(self) -> None:
        """The action's time limit passed: the run is over (``finish`` kills the process)."""
        Container.expire(self._talk)
        self._over = True

    @property
    def clean(self) -> bool:
        """Whether ``finish`` returns without blocking (the whole answer and the logs are in)."""
        return self._talk.clean

    def finish(self) -> RunOutcome:
        """The outcome, as ``Runtime.run`` gives it; never raises. The container goes back to the pool
        when it may be reused; else ``close`` destroys it."""
        container = self._container
        logs = self._talk.logs
        try:
            assert container is not None
            exchange = container.end_run(self._talk, self._spec.timeout_ms)
            self._keep = not exchange.fatal
            if self._keep:
                self._pool.release(self._spec.key, container)
                self._container = None
            return RunOutcome(
                status_code=exchange.status,
                result=exchange.result,
                logs=logs.finish(exchange.status == 2, container.sandbox),
                start_ms=int(self._start * 1000),
                end_ms=int(time.time() * 1000),
                wait_ms=int((self._start - self._called) * 1000),
                timeout=exchange.timeout,
                memory_peak_bytes=container.memory_peak,
            )
        except Exception as exc:  # a bug or the machine, not the action
            log.exception("running %s failed inside the runtime", self._spec.key)
            self._keep = False
            now = int(time.time() * 1000)
            logs.add("stderr", f"{type(exc).__name__}: {exc}".encode(), time.time_ns())
            lines = logs.finish(False) or [format_log_line("stderr", msg.RESOURCE_PROVISION_ERROR)]
            return RunOutcome(3, {"error": msg.RESOURCE_PROVISION_ERROR}, lines, now, now)

    @property
    def must_close(self) -> bool:
        """Whether ``close`` has a container to destroy (it may then block a few milliseconds)."""
        return self._container is not None

    def close(self) -> None:
        """Destroy the container if the run left it unusable (idempotent)."""
        container, self._container = self._container, None
        if container is not None:
            self._pool.discard(self._spec.key, container)


def start_warm(pool: Pool, spec: ActionSpec, fields: dict[str, object], logs_limit: int) -> WarmRun | None:
    """Send one activation to an idle container of ``spec.key``; ``None`` when there is none to take (or
    when memory is enforced by polling, which needs a thread watching)."""
    called = time.time()
    container = pool.acquire_idle(spec.key)
    if container is None:
        return None
    if container.guard.polls:
        pool.release(spec.key, container)
        return None
    start = time.time()
    fields["deadline"] = str(int(start * 1000) + spec.timeout_ms)
    talk = container.start_run(fields, spec.timeout_ms, LogCollector(logs_limit))
    return WarmRun(pool, spec, container, talk, called, start)
