"""The OpenWhisk Python runtime, emulated with processes: what runs an action, and nothing else.

The engine (``engine/``) owns the REST API, storage and throttling; the local test (issue 4) owns the
build. Both run actions through ``Runtime.run``, so a local test runs an action exactly as the engine does.

Interface (stable; the engine and the local test depend on it)::

    runtime = Runtime(work_dir=Path(...))           # containers' folders live under work_dir
    outcome = runtime.run(spec, request)            # blocking; thread-safe; many at once
    warm = runtime.begin(spec, request)             # warm only, non-blocking (an event loop drives it:
                                                    # see warm.py); None -> call run() on a thread
    runtime.prepare("python:3.11")                  # optional: build the kind now, keep a stem cell ready
    runtime.images.build(tag, context_dir)          # a blackbox image from a Dockerfile subset
    runtime.counts(); runtime.warm_count(key)       # introspection
    runtime.shutdown()                              # kills every container

* ``ActionSpec`` is one revision of an action. Containers are reused only for the same ``spec.key``; a
  new key (an update) makes the next run cold.
* ``RunRequest`` is one activation.
* ``RunOutcome`` is what the activation record is made from: status, result, logs (already formatted as
  upstream's lines and truncated to the logs limit), start/end, init time (cold starts only), wait time.

Modules: ``runtime.py`` (``Runtime``: one activation end to end), ``launcher.py`` (runs inside the action
process; standard library only), ``container.py`` (one action process: spawn, init, run, kill, limits),
``warm.py`` (a warm run driven by an event loop), ``answers.py`` (the launcher's answers read as
upstream's invoker does), ``logs.py`` (log lines), ``limits.py`` (memory: cgroup or RSS watchdog, and which
is in force), ``cgroups.py`` (cgroup v2 and v1 groups), ``host.py`` (what only Linux has, and portable mode),
``pool.py`` (warm containers per revision, stem cells, reaping), ``environments.py`` (kind -> interpreter +
stock packages), ``images.py`` (blackbox images realised as local environments), ``archive.py`` (safe zip
extraction), ``messages.py`` (upstream's words).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ActionSpec", "RunOutcome", "RunRequest", "Runtime"]


@dataclass(frozen=True)
class ActionSpec:
    """One revision of an action, as the runtime needs it."""

    key: str  # identity of the revision, e.g. "guest/pkg/name@0.0.3"; reuse only within a key
    kind: str  # "python:3.10" | "python:3.11" | "python:default" | "blackbox"
    code: str  # Python source, or a base64 zip when binary ("" when ``code_source`` reads it)
    binary: bool = False
    main: str = "main"
    image: str | None = None  # for kind "blackbox"
    memory_mb: int = 256
    timeout_ms: int = 60_000
    logs_mb: int = 10
    env: dict[str, str] = field(default_factory=dict)  # extra environment given at init
    # Where the code is read from at a cold start, when it is not held here (the engine keeps it on disk,
    # so that its memory does not grow with what is deployed).
    code_source: Callable[[], str] | None = field(default=None, compare=False, repr=False)

    def source(self) -> str:
        """The code: ``code``, or what ``code_source`` reads now."""
        return self.code if self.code or self.code_source is None else self.code_source()


@dataclass(frozen=True)
class RunRequest:
    """One activation of an action."""

    params: dict[str, Any]
    activation_id: str
    namespace: str
    action_name: str  # fully qualified: "/guest/pkg/name"
    action_version: str
    api_host: str = ""
    api_key: str | None = None  # set only when the action's provide-api-key annotation is true
    transaction_id: str = ""
    # parameters marked "init": true, as the environment the action is initialised with (cold start only)
    init_env: dict[str, str] = field(default_factory=dict)


@dataclass
class RunOutcome:
    """The result of one activation, before it becomes an activation record."""

    status_code: int  # 0 success, 1 application error, 2 action developer error, 3 whisk internal error
    result: Any  # response.result: the action's JSON, or {"error": message}
    logs: list[str]  # upstream-format lines: "<RFC3339 with 9 fraction digits>Z stdout: <line>"
    start_ms: int  # epoch ms when the container began working on it (init start on a cold start)
    end_ms: int
    init_ms: int | None = None  # only on a cold start
    wait_ms: int = 0  # from run() being called to a container being ready to work on it
    timeout: bool = False  # the activation hit its time limit
    memory_peak_bytes: int | None = None


# Last: runtime.py imports the dataclasses above.
from .runtime import Runtime  # noqa: E402
