"""Activations: ``get``, ``list`` (with filters), ``result``, ``logs``, and the two ways of waiting for them.

* ``wait(id)`` polls ``GET activations/{id}`` until the record is stored (404 means "not yet", as
  OpenWhisk stores a record only after the run and its logs), with a schedule from ``PollSchedule``.
  Connection failures while waiting (an engine restarting) are waited out too, up to the caller's
  timeout, which ends in ``ActivationTimeout`` carrying the id so the user can look later.
* ``poll()`` streams new activations as they arrive, like ``wsk activation poll``: it lists
  ``activations?docs=true&since=<ms>`` every ``interval`` seconds and dedupes by id.

What this module does not own: invoking (``actions.py``) and the handle of one invocation (``invocation.py``).
"""

from __future__ import annotations

import re
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from ..errors import ActivationTimeout, ConnectionFailed, InvalidRequest, NotFound, Step
from .client import PERMANENT
from .names import parse_name

if TYPE_CHECKING:
    from .client import Client

__all__ = ["Activations", "PollSchedule", "checked_id"]

_LOOK_BACK_MS = 300_000 + 60_000  # longest action time limit, plus margin
DEFAULT_WAIT_S = 600.0  # beyond the longest action time limit (300 s) plus a blocking wait (60 s)


class PollSchedule:
    """When to look again for an activation that is not stored yet.

    Without a hint the delay doubles from ``first`` (10 ms) up to ``cap``: at most ~log2(duration/10 ms)
    requests, noticed within 2x the duration at worst. With ``expected`` (the median duration of the
    action's recent activations) the first look is at the expected end, the next ones 1%, 2%, 4%, 8% of it
    later, then growing by a quarter: usually 1-2 looks, noticed within a few % when the history holds.
    """

    def __init__(self, expected: float | None = None, *, first: float = 0.01, cap: float = 10.0) -> None:
        self.expected = expected
        self.first = first
        self.cap = cap
        self.fine = 0.01
        self._fine_left = 4

    def next_delay(self, elapsed: float) -> float:
        """Seconds to sleep before the next look, ``elapsed`` seconds after the invocation started."""
        if self.expected is not None and self.expected > self.first:
            if elapsed < self.expected:
                return self.expected - elapsed + 0.002
            if self._fine_left > 0:  # just after the expected end: 1%, 2%, 4%, 8% of it
                self._fine_left -= 1
                return max(self.first, self.fine * self.expected * 2.0 ** (3 - self._fine_left))
            # Longer than its history: grow by a quarter, so a late end is still noticed within ~25%.
            return min(self.cap, max(self.first, 0.25 * elapsed))
        return min(self.cap, max(self.first, elapsed))


class Activations:
    def __init__(self, client: Client) -> None:
        self.client = client
        self._durations: dict[str, dict[str, list[float]]] = {}  # action -> version -> seconds
        self._lock = threading.Lock()

    def _path(
        self, activation_id: str | None = None, tail: str | None = None, namespace: str | None = None
    ) -> str:
        path = f"namespaces/{namespace or self.client.namespace}/activations"
        if activation_id:
            path += f"/{checked_id(activation_id)}"
        return path + (f"/{tail}" if tail else "")

    def get(self, activation_id: str, *, namespace: str | None = None) -> dict[str, Any]:
        """The full activation record."""
        body = self.client.request(
            "GET", self._path(activation_id, namespace=namespace), what=_what(activation_id)
        )
        self.remember(body.body)
        return dict(body.body)

    def result(self, activation_id: str, *, namespace: str | None = None) -> dict[str, Any]:
        """``{result, size, status, success}``."""
        path = self._path(activation_id, "result", namespace)
        return dict(self.client.request("GET", path, what=_what(activation_id)).body)

    def logs(self, activation_id: str, *, namespace: str | None = None) -> list[str]:
        path = self._path(activation_id, "logs", namespace)
        return list(self.client.request("GET", path, what=_what(activation_id)).body.get("logs", []))

    def list(
        self,
        name: str | None = None,
        *,
        limit: int | None = None,
        skip: int | None = None,
        since: int | None = None,
        upto: int | None = None,
        docs: bool = False,
        namespace: str | None = None,
    ) -> list[dict[str, Any]]:
        """Newest first; ``name`` filters by action (``[pkg/]action``); ``since``/``upto`` in epoch ms."""
        entity = parse_name(name).entity if name else None
        params = {
            "name": entity,
            "limit": limit,
            "skip": skip,
            "since": since,
            "upto": upto,
            "docs": docs or None,
        }
        body = self.client.request("GET", self._path(namespace=namespace), params=params).body
        records = list(body or [])
        for record in records:
            self.remember(record)
        return records

    def count(self, name: str | None = None, *, namespace: str | None = None) -> int:
        params = {"name": parse_name(name).entity if name else None, "count": True}
        body = self.client.request("GET", self._path(namespace=namespace), params=params).body
        return int(body.get("activations", 0))

    # -- waiting -------------------------------------------------------------------------------------------

    def remember(self, record: Any) -> None:
        """Keep the durations of records seen, per action and version: ``wait`` looks at the expected end."""
        if not isinstance(record, dict) or not isinstance(record.get("duration"), int | float):
            return
        name, version = str(record.get("name", "")), str(record.get("version", ""))
        with self._lock:
            versions = self._durations.setdefault(name, {})
            seen = versions.setdefault(version, [])
            seen.append(float(record["duration"]) / 1000.0)
            del seen[:-9]

    def forget(self, name: str) -> None:
        """Drop what was seen of ``name``: its code changed, so its old durations say nothing of the new
        version (and listing them again would only find the old ones)."""
        with self._lock:
            self._durations[parse_name(name).name] = {}

    def expected_duration(self, name: str, *, lookup: bool = True) -> float | None:
        """Median duration (s) of the action's recent activations of its newest version seen: from
        memory, else from listing its last 5 activations (1 call). ``None`` without history."""
        short = parse_name(name).name
        if lookup:
            with self._lock:
                known = short in self._durations
            if not known:
                try:
                    self.list(name, limit=5)
                except (ConnectionFailed, NotFound):
                    return None
        with self._lock:
            versions = dict(self._durations.get(short, {}))
        if not versions:
            return None
        newest = max(versions, key=_version_key)
        return statistics.median(versions[newest])

    def wait(
        self,
        activation_id: str,
        *,
        timeout: float | None = DEFAULT_WAIT_S,
        started: float | None = None,
        schedule: PollSchedule | None = None,
        namespace: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> dict[str, Any]:
        """Poll until the record of ``activation_id`` is stored; return it (whatever its status).

        ``started`` is the ``time.monotonic()`` of the invocation (default now); ``timeout`` counts from it.
        """
        started = time.monotonic() if started is None else started
        schedule = schedule or PollSchedule()
        deadline = None if timeout is None else started + timeout
        while True:
            elapsed = time.monotonic() - started
            delay = schedule.next_delay(elapsed)
            if deadline is not None and time.monotonic() + delay > deadline:
                delay = max(0.0, deadline - time.monotonic())
            sleep(delay)
            try:
                return self.get(activation_id, namespace=namespace)
            except NotFound:
                pass  # not stored yet
            except ConnectionFailed as exc:
                if exc.details == PERMANENT:
                    raise
            if deadline is not None and time.monotonic() >= deadline:
                raise ActivationTimeout(
                    f"Activation {activation_id} did not finish within {timeout:g} s.",
                    fix="It may still be running: see {0} later.",
                    steps=(Step("activation.get", (activation_id,)),),
                    activation_id=activation_id,
                )

    def poll(
        self,
        name: str | None = None,
        *,
        since: int | None = None,
        interval: float = 2.0,
        timeout: float | None = None,
        stop: threading.Event | None = None,
        namespace: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Yield full records of new activations, oldest first, each once (like ``wsk activation poll``).

        ``since`` (epoch ms) defaults to now; polling ends after ``timeout`` seconds or when ``stop`` is set.
        Connection failures (a restarting server) are retried at the next tick.
        """
        since = int(time.time() * 1000) if since is None else since
        newest = since
        seen: set[str] = set()
        end = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                # A record is stored when its run ends, so one that started before the newest seen may still
                # arrive: look back over the longest action time limit; the id set drops repeats.
                lower = max(since, newest - _LOOK_BACK_MS)
                records = self.list(name, since=lower, docs=True, limit=200, namespace=namespace)
            except ConnectionFailed as exc:
                if exc.details == PERMANENT:
                    raise
                records = []
            for record in sorted(records, key=lambda r: (r.get("start", 0), r.get("activationId", ""))):
                activation_id = record.get("activationId")
                if activation_id and activation_id not in seen:
                    seen.add(activation_id)
                    newest = max(newest, int(record.get("start", newest)))
                    yield record
            remaining = None if end is None else end - time.monotonic()
            if remaining is not None and remaining <= 0:
                return
            wait = interval if remaining is None else min(interval, remaining)
            if stop is not None:
                if stop.wait(wait):
                    return
            else:
                time.sleep(wait)


def _version_key(version: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        return ()


def _what(activation_id: str) -> str:
    return f"activation {checked_id(activation_id)}"


_ID = re.compile(r"\A[0-9a-fA-F]{32}\Z")


def checked_id(activation_id: str) -> str:
    """An activation id as OpenWhisk makes them (32 hex digits), checked before it becomes part of a URL:
    ``../actions/x`` or ``id?x=1`` never reach the server as another request."""
    text = activation_id.strip() if isinstance(activation_id, str) else ""
    if not _ID.match(text):
        shown = repr(activation_id)[:60]
        raise InvalidRequest(
            f"{shown} is not an activation id: OpenWhisk's are 32 hexadecimal digits.",
            fix="Copy the id from {0} (or the invoke's answer).",
            steps=(Step("activation.list"),),
        )
    return text
