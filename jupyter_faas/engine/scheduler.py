"""Admission and execution of activations: per-namespace throttling, a bounded worker pool, storage once.

``submit`` admits an activation (or raises ``Throttled`` with upstream's message when the namespace already
has ``limit`` in flight), writes its pending row, and queues it on a fixed pool of worker threads that call
``Runtime.run``. Queued work is never dropped; every admitted activation ends in exactly one stored record,
whatever the runtime does (an exception there becomes a whisk internal error). Owns nothing about HTTP
(the caller waits on the returned future, or not) nor the record's shape (``records.py``).
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

from ..errors import Throttled
from ..runtime import ActionSpec, RunOutcome, RunRequest
from . import messages as msg
from .records import WHISK_ERROR, build_record, pending_doc
from .store import Store

__all__ = ["Job", "RuntimeLike", "Scheduler"]

log = logging.getLogger("jupyter_faas.engine")


class RuntimeLike(Protocol):
    def run(self, spec: ActionSpec, request: RunRequest) -> RunOutcome: ...


class Job:
    """One admitted activation."""

    __slots__ = ("accepted_ms", "action", "activation_id", "namespace", "params", "request", "spec")

    def __init__(
        self, action: dict[str, Any], spec: ActionSpec, request: RunRequest, namespace: str, accepted_ms: int
    ) -> None:
        self.action = action
        self.spec = spec
        self.request = request
        self.activation_id = request.activation_id
        self.params = request.params
        self.namespace = namespace
        self.accepted_ms = accepted_ms


class Scheduler:
    """Runs admitted jobs on ``workers`` threads; at most ``limit`` in flight per namespace."""

    def __init__(self, runtime: RuntimeLike | None, store: Store, limit: int, workers: int) -> None:
        self._runtime = runtime
        self._store = store
        self.limit = limit
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="activation")
        self._lock = threading.Lock()
        self._in_flight: dict[str, int] = {}

    def in_flight(self, namespace: str) -> int:
        return self._in_flight.get(namespace, 0)

    def submit(self, job: Job) -> Future[dict[str, Any]]:
        with self._lock:
            count = self._in_flight.get(job.namespace, 0)
            if count >= self.limit:
                raise Throttled(msg.too_many_concurrent(count, self.limit))
            self._in_flight[job.namespace] = count + 1
        try:
            self._store.add_pending(
                job.activation_id,
                job.namespace,
                _filter_name(job.action),
                job.accepted_ms,
                pending_doc(job.action, job.namespace, job.activation_id, job.accepted_ms),
            )
            return self._pool.submit(self._run, job)
        except BaseException:
            self._release(job.namespace)
            raise

    def _release(self, namespace: str) -> None:
        with self._lock:
            self._in_flight[namespace] -= 1

    def _run(self, job: Job) -> dict[str, Any]:
        try:
            outcome = self._outcome(job)
            record = build_record(job.action, job.namespace, job.activation_id, outcome)
            self._store.finish(record, outcome.logs)
            return record
        finally:
            self._release(job.namespace)

    def _outcome(self, job: Job) -> RunOutcome:
        called = time.time()
        if self._runtime is None:
            return _whisk_error("The runtime is not available in this engine.", called)
        try:
            return self._runtime.run(job.spec, job.request)
        except Exception as exc:  # the runtime's bug must not lose the activation
            log.exception("runtime failed on activation %s", job.activation_id)
            return _whisk_error(f"The runtime failed: {exc}", called)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=False)


def _filter_name(action: dict[str, Any]) -> str:
    """What the activations list's ``name`` filter matches: ``name`` or ``pkg/name``."""
    ns_parts = action["namespace"].split("/", 1)
    return f"{ns_parts[1]}/{action['name']}" if len(ns_parts) == 2 else action["name"]


def _whisk_error(message: str, called: float) -> RunOutcome:
    now = int(time.time() * 1000)
    return RunOutcome(
        status_code=WHISK_ERROR, result={"error": message}, logs=[], start_ms=int(called * 1000), end_ms=now
    )
