"""Admission and execution of activations: per-namespace throttling, a fixed set of worker threads,
every admitted activation stored exactly once.

``admit`` refuses with ``Throttled`` (upstream's message) when the namespace already has ``limit`` in
flight, marks the activation pending in the store, and queues it; a worker thread calls ``Runtime.run`` and
stores the record (an exception in the runtime becomes a whisk internal error, never a lost activation).
Queued work is never dropped. The pending mark is what lets the next engine close an activation this one
dies under: it is written before a non-blocking invoke answers 202, and for a blocking invoke by a writer
thread while the action runs (the caller holds no id until the response), or at once if the wait runs out.

A blocking job that finds an idle warm container (``runtime.begin``) skips the worker threads: the event
loop marks it pending, sends it, waits for the answer (``warm_driver.py``) and
stores the record, with no thread hand-off. ``wait`` is how the event loop waits for a record without a
thread of its own. Owns nothing about HTTP nor
the record's shape (``records.py``).
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from typing import Any, Protocol

from ..errors import ServerError, Throttled
from ..runtime import ActionSpec, RunOutcome, RunRequest
from ..runtime.warm import WarmRun
from . import messages as msg
from .records import WHISK_ERROR, build_record, filter_name, pending_doc
from .store import Store
from .warm_driver import drive

__all__ = ["Job", "RuntimeLike", "Scheduler"]

log = logging.getLogger("jupyter_faas.engine")
Record = dict[str, Any]


class RuntimeLike(Protocol):
    """What the engine asks of its runtime (``jupyter_faas.runtime.Runtime``)."""

    def run(self, spec: ActionSpec, request: RunRequest) -> RunOutcome: ...

    def begin(self, spec: ActionSpec, request: RunRequest) -> WarmRun | None: ...

    def shutdown(self) -> None: ...

    @property
    def sandbox_status(self) -> str: ...

    @property
    def memory_status(self) -> str: ...


class Job:
    """One admitted activation, and whoever waits for its record (an asyncio future, set thread-safely)."""

    __slots__ = (
        "accepted_ms",
        "action",
        "activation_id",
        "cause",
        "loop",
        "namespace",
        "record",
        "request",
        "spec",
        "waiter",
    )

    def __init__(
        self, action: dict[str, Any], spec: ActionSpec, request: RunRequest, namespace: str, accepted_ms: int
    ) -> None:
        self.action = action
        self.spec = spec
        self.request = request
        self.activation_id = request.activation_id
        self.namespace = namespace
        self.accepted_ms = accepted_ms
        self.cause: str | None = None  # the enclosing sequence's activation id (a component of a sequence)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.waiter: asyncio.Future[Record | None] | None = None
        self.record: Record | None = None

    def pending_args(self) -> tuple[str, str, str, int, dict[str, Any]]:
        return (
            self.activation_id,
            self.namespace,
            filter_name(self.action),
            self.accepted_ms,
            pending_doc(self.action, self.namespace, self.activation_id, self.accepted_ms),
        )


_STOP = object()


class Scheduler:
    """Runs admitted jobs on ``workers`` threads; at most ``limit`` in flight per namespace."""

    def __init__(self, runtime: RuntimeLike, store: Store, limit: int, workers: int) -> None:
        self._runtime = runtime
        self._store = store
        self.limit = limit
        self._lock = threading.Lock()
        self._in_flight: dict[str, int] = {}
        self._stopping = False
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._marks: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._work, name=f"activation-{i}", daemon=True)
            for i in range(max(1, workers))
        ]
        self._threads.append(threading.Thread(target=self._mark_pending, name="pending-writer", daemon=True))
        for thread in self._threads:
            thread.start()

    def in_flight(self, namespace: str) -> int:
        return self._in_flight.get(namespace, 0)

    def admit(self, job: Job, *, blocking: bool, throttle: bool = True) -> None:
        """Queue ``job`` or raise ``Throttled``. Call from the event loop; ``wait`` for a blocking job.

        ``throttle=False`` for a sequence's components: upstream checks the limit once, when the sequence
        is invoked, and never for the components it runs."""
        with self._lock:
            count = self._in_flight.get(job.namespace, 0)
            if throttle and count >= self.limit:
                raise Throttled(msg.too_many_concurrent(count, self.limit))
            self._in_flight[job.namespace] = count + 1
        try:
            if blocking:
                job.loop = asyncio.get_running_loop()
                job.waiter = job.loop.create_future()
                if self._start_warm(job):
                    return
                self._marks.put(job.pending_args())
            else:
                self._store.add_pending(*job.pending_args())
        except BaseException:
            self._release(job.namespace)
            raise
        self._jobs.put(job)

    async def wait(self, job: Job, seconds: float) -> Record | None:
        """The record of a blocking job, or ``None`` when ``seconds`` run out first (the job goes on, and is
        then marked pending at once, since the caller is about to learn its id)."""
        assert job.waiter is not None and job.loop is not None
        loop = job.loop
        timer = loop.call_later(seconds, _settle, job.waiter, None)
        try:
            record = await job.waiter
        finally:
            timer.cancel()
        if record is None:
            self._store.add_pending(*job.pending_args())
        return record

    def _release(self, namespace: str) -> None:
        with self._lock:
            self._in_flight[namespace] -= 1

    def _start_warm(self, job: Job) -> bool:
        """Run a blocking job on an idle warm container, driven by the event loop (no thread hand-off);
        False when the runtime has none to give (cold start): the job then goes to a worker thread."""
        if self._stopping:
            return False
        try:  # before the run is sent: an engine killed while the action works must find the mark
            self._store.add_pending(*job.pending_args())
        except Exception:
            log.exception("could not mark activation %s pending", job.activation_id)
        try:
            warm = self._runtime.begin(job.spec, job.request)
        except Exception:  # the runtime's bug: the worker path reports it as a whisk error
            log.exception("could not start activation %s on a warm container", job.activation_id)
            return False
        if warm is None:
            return False  # a cold start: the worker path runs it (its mark is already written)
        assert job.loop is not None
        drive(job.loop, warm, lambda outcome: self._complete(job, outcome))
        return True

    def _complete(self, job: Job, outcome: RunOutcome) -> None:
        """Store the record of a job run by the event loop and settle its waiter (on the loop)."""
        result = self._record(job, outcome)
        if result is not None and job.waiter is not None:
            _settle(job.waiter, result)

    def _record(self, job: Job, outcome: RunOutcome) -> Record | BaseException | None:
        """Store the record (what the waiter gets), an error (the caller gets a 500, the mark stays pending),
        or ``None`` when the engine is stopping (left pending, closed by the next engine)."""
        try:
            if self._stopping:
                return None
            record = build_record(job.action, job.namespace, job.activation_id, outcome, cause=job.cause)
            self._store.finish(record, outcome.logs, filter_name(job.action))
            return record
        except Exception as exc:
            log.exception("could not store activation %s", job.activation_id)
            error = ServerError("There was an internal server error.", activation_id=job.activation_id)
            error.__cause__ = exc
            return error
        finally:
            self._release(job.namespace)

    def _work(self) -> None:
        while (job := self._jobs.get()) is not _STOP:
            result = self._record(job, self._outcome(job))
            if result is not None and job.loop is not None and job.waiter is not None:
                job.loop.call_soon_threadsafe(_settle, job.waiter, result)

    def _mark_pending(self) -> None:
        while (args := self._marks.get()) is not _STOP:
            try:
                self._store.add_pending(*args)
            except Exception:
                log.exception("could not mark activation %s pending", args[0])

    def _outcome(self, job: Job) -> RunOutcome:
        called = time.time()
        try:
            return self._runtime.run(job.spec, job.request)
        except Exception as exc:  # the runtime's bug must not lose the activation
            log.exception("runtime failed on activation %s", job.activation_id)
            return _whisk_error(f"The runtime failed: {exc}", called)

    def shutdown(self) -> None:
        """Stop: queued jobs and those the runtime's shutdown interrupts stay pending for the next engine."""
        self._stopping = True
        while True:  # drop what is queued (its pending marks stay)
            try:
                self._jobs.get_nowait()
            except queue.Empty:
                break
        for _ in self._threads:
            self._jobs.put(_STOP)
        self._marks.put(_STOP)


def _settle(waiter: asyncio.Future[Record | None], result: Record | BaseException | None) -> None:
    if waiter.done():
        return
    if isinstance(result, BaseException):
        waiter.set_exception(result)
    else:
        waiter.set_result(result)


def _whisk_error(message: str, called: float) -> RunOutcome:
    now = int(time.time() * 1000)
    return RunOutcome(
        status_code=WHISK_ERROR, result={"error": message}, logs=[], start_ms=int(called * 1000), end_ms=now
    )
