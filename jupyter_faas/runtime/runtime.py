"""``Runtime``: run one activation of an action as OpenWhisk's Python runtime would, and say how it went.

``run(spec, request)`` is blocking and thread-safe: it takes a warm container of ``spec.key`` or starts a
cold one (environment of the kind or image, action folder, init), runs the activation, turns what happened
into a ``RunOutcome`` (status, result, upstream-format logs, timings) and gives the container back to the
pool or destroys it. ``begin(spec, request)`` does the same for a warm container without blocking, for an
event loop to drive (``warm.py``). What this module does not own: the REST API and records (``engine/``),
processes (``container.py``), pooling (``pool.py``), environments (``environments.py``, ``images.py``).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import ActionError, FaasError
from . import ActionSpec, RunOutcome, RunRequest
from . import messages as msg
from .archive import ExtractionTimeout
from .container import Container, Exchange, LogCollector, format_log_line
from .environments import Environment, default_cache_dir, ensure_kind
from .images import ImageNotFound, ImageStore
from .node import is_node_kind
from .pool import Pool
from .unpacked import Revisions
from .warm import WarmRun, start_warm

__all__ = ["Runtime"]

_MB = 1024 * 1024
log = logging.getLogger(__name__)


@dataclass
class _Slot:
    """The container serving one run, and whether it goes back to the pool afterwards."""

    container: Container | None
    keep: bool = False


class Runtime:
    """The runtime emulation: warm containers per action revision under ``work_dir``."""

    def __init__(
        self,
        work_dir: Path,
        cache_dir: Path | None = None,
        idle_timeout_s: float = 600.0,
        prewarm: bool = True,
        max_idle: int = 64,
    ) -> None:
        self.work_dir = Path(work_dir)
        self.cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
        self.images = ImageStore(self.cache_dir)
        self._pool = Pool(self.work_dir, idle_timeout_s, prewarm=prewarm, max_idle=max_idle)
        self._revisions = Revisions(self.work_dir / "revisions")

    # -- public ------------------------------------------------------------------------------------

    def prepare(self, kind: str, image: str | None = None) -> Environment:
        """Build (once) the environment of ``kind`` (or ``image`` for blackbox) and keep a stem cell of it
        ready, so the next cold start pays only the init. Raises ``FaasError`` (with a fix)."""
        env = self._environment(kind, image)
        self._pool.want(env)
        return env

    def _environment(self, kind: str, image: str | None) -> Environment:
        if kind == "blackbox":
            if not image:
                raise ActionError("A blackbox action needs an image.", fix="Set exec.image.")
            return self.images.environment(image)
        return ensure_kind(kind, self.cache_dir)

    def run(self, spec: ActionSpec, request: RunRequest) -> RunOutcome:
        """Run one activation (blocking; thread-safe). Never raises: whatever happens is an outcome."""
        called = time.time()
        logs = LogCollector(max(spec.logs_mb, 0) * _MB)
        slot = _Slot(self._pool.acquire(spec.key))
        try:
            return self._activate(spec, request, slot, called, logs)
        except Exception as exc:  # a bug or the machine (e.g. out of file descriptors), not the action
            log.exception("running %s failed inside the runtime", spec.key)
            slot.keep = False
            logs.add("stderr", f"{type(exc).__name__}: {exc}".encode(), time.time_ns())
            return self._failed(called, 3, msg.RESOURCE_PROVISION_ERROR, logs)
        finally:
            if slot.keep and slot.container is not None:
                self._pool.release(spec.key, slot.container)
            else:
                self._pool.discard(spec.key, slot.container)

    def begin(self, spec: ActionSpec, request: RunRequest) -> WarmRun | None:
        """Start a run on an idle warm container of ``spec.key`` without blocking, for an event loop to
        drive (see ``warm.py``); ``None`` when there is none: then call ``run`` (on a thread)."""
        return start_warm(self._pool, spec, _fields(request), max(spec.logs_mb, 0) * _MB)

    def _activate(
        self, spec: ActionSpec, request: RunRequest, slot: _Slot, called: float, logs: LogCollector
    ) -> RunOutcome:
        init_ms: int | None = None
        if slot.container is None:
            try:
                env = self._environment(spec.kind, spec.image)
            except ImageNotFound:
                return self._failed(called, 2, msg.image_pull_error(spec.image or ""), logs)
            except FaasError as exc:
                logs.add("stderr", str(exc).encode(), time.time_ns())
                return self._failed(called, 3, f"{msg.RESOURCE_PROVISION_ERROR} {exc}", logs)
            slot.container = self._pool.spawn(env)
            if not slot.container.wait_ready():  # process start-up is wait time, as container creation is
                logs.add("stderr", b"The action's process did not start.", time.time_ns())
                return self._failed(called, 3, msg.RESOURCE_PROVISION_ERROR, logs)
            start = time.time()
            exchange = self._init(slot.container, spec, request, logs)
            init_ms = int((time.time() - start) * 1000)
            if exchange.status != 0:
                return self._outcome(exchange, slot.container, logs, called, start, init_ms)
        else:
            start = time.time()
        container = slot.container
        fields = _fields(request)
        fields["deadline"] = str(int(time.time() * 1000) + spec.timeout_ms)
        exchange = container.run(fields, spec.timeout_ms, logs)
        slot.keep = not exchange.fatal
        return self._outcome(exchange, container, logs, called, start, init_ms)

    @staticmethod
    def _outcome(
        exchange: Exchange,
        container: Container,
        logs: LogCollector,
        called: float,
        start: float,
        init_ms: int | None,
    ) -> RunOutcome:
        return RunOutcome(
            status_code=exchange.status,
            result=exchange.result,
            logs=logs.finish(exchange.status == 2, container.sandbox),
            start_ms=int(start * 1000),
            end_ms=int(time.time() * 1000),
            init_ms=init_ms,
            wait_ms=int((start - called) * 1000),
            timeout=exchange.timeout,
            memory_peak_bytes=container.memory_peak,
        )

    def counts(self) -> dict[str, dict[str, int]]:
        """``{key: {"idle": n, "busy": m}}`` for every revision with containers (tests, the engine)."""
        return self._pool.counts()

    def warm_count(self, key: str) -> int:
        """Idle (warm) containers of ``key``."""
        return self._pool.counts().get(key, {}).get("idle", 0)

    @property
    def sandbox_status(self) -> str:
        """Whether action processes run in the filesystem sandbox, in a sentence (``sandbox.py``)."""
        return self._pool.sandbox_status

    @property
    def memory_status(self) -> str:
        """How memory limits are enforced (cgroup v2, v1 or the watchdog), in a sentence (``limits.py``)."""
        return self._pool.memory_status

    def stem_count(self) -> int:
        """Prewarmed launcher processes waiting for an action."""
        return self._pool.stem_count()

    def shutdown(self) -> None:
        """Kill every container and remove their folders. Runs in flight fail as crashed."""
        self._pool.shutdown()
        self._revisions.clear()

    # -- helpers -----------------------------------------------------------------------------------

    def _init(
        self, container: Container, spec: ActionSpec, request: RunRequest, logs: LogCollector
    ) -> Exchange:
        """Place the action's code (a zip: the revision's one unpacked copy, made now if needed, inside the
        init's time limit), then initialise the container with the time that is left. Its environment is
        upstream's ``initEnv ++ owEnv``: the init parameters, then the ``__OW_*`` values (which win)."""
        if not spec.code and spec.code_source is None:
            return Exchange(2, {"error": msg.NO_CODE})
        started = time.monotonic()
        deadline = started + spec.timeout_ms / 1000
        try:
            if spec.binary:
                self._revisions.place(spec.key, spec.code or spec.source, container.action_dir, deadline)
            else:
                code = spec.source()
                if not code:
                    return Exchange(2, {"error": msg.NO_CODE})
                entry = "main__.js" if is_node_kind(spec.kind) else "main__.py"
                (container.action_dir / entry).write_text(code, encoding="utf-8")
        except ExtractionTimeout:
            return Exchange(2, {"error": msg.timed_out(spec.timeout_ms, True)}, timeout=True, fatal=True)
        except (ActionError, OSError) as exc:
            text = exc.message if isinstance(exc, ActionError) else str(exc)
            logs.add("stderr", text.encode(), time.time_ns())
            return Exchange(2, {"error": msg.COMPILE_FAILED})
        left_ms = spec.timeout_ms - int((time.monotonic() - started) * 1000)
        env = {str(k): str(v) for k, v in (spec.env or {}).items()}
        env.update(request.init_env)
        env.update(_ow_env(request, spec))
        return container.init(
            spec.main or "main", env, spec.memory_mb * _MB, spec.timeout_ms, logs, max(left_ms, 1)
        )

    @staticmethod
    def _failed(called: float, status: int, error: str, logs: LogCollector) -> RunOutcome:
        now = int(time.time() * 1000)
        lines = logs.finish(status == 2)
        if status == 3 and not lines:
            lines = [format_log_line("stderr", error)]
        return RunOutcome(
            status_code=status,
            result={"error": error},
            logs=lines,
            start_ms=now,
            end_ms=now,
            wait_ms=int(now - called * 1000),
        )


def _ow_env(request: RunRequest, spec: ActionSpec) -> dict[str, str]:
    """The ``__OW_*`` variables an init sees (``ContainerProxy.initializeAndRun``'s ``owEnv``)."""
    env = {
        "__OW_NAMESPACE": request.namespace,
        "__OW_ACTION_NAME": request.action_name,
        "__OW_ACTION_VERSION": request.action_version,
        "__OW_ACTIVATION_ID": request.activation_id,
        "__OW_TRANSACTION_ID": request.transaction_id,
        "__OW_DEADLINE": str(int(time.time() * 1000) + spec.timeout_ms),
    }
    if request.api_host:
        env["__OW_API_HOST"] = request.api_host
    if request.api_key:
        env["__OW_API_KEY"] = request.api_key
    return env


def _fields(request: RunRequest) -> dict[str, object]:
    """What the launcher's run command carries (``deadline`` is added when the run starts)."""
    fields: dict[str, object] = {
        "value": request.params,
        "namespace": request.namespace,
        "action_name": request.action_name,
        "action_version": request.action_version,
        "activation_id": request.activation_id,
        "transaction_id": request.transaction_id,
        "api_host": request.api_host,
    }
    if request.api_key:
        fields["api_key"] = request.api_key
    return fields
