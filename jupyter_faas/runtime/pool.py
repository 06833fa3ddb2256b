"""The warm pool: idle containers per action revision, prewarmed stem cells per interpreter, reaping.

A run takes an idle container of its ``spec.key`` (warm) or gets none (cold: the runtime initialises a
stem cell or a fresh process). After success or an application error the container goes back idle; after
a developer error it is destroyed. Idle containers are reaped after ``idle_timeout_s``; one stem cell per
interpreter is kept ready (as OpenWhisk prewarms), so a cold start pays only the init; on Linux each
interpreter's processes are forked by its zygote (``zygote.py``), which has already imported the
environment's own packages, so that init does not import them again. One background
thread does the slow work (spawning stem cells, reaping, removing folders); the hot path only takes a
lock, so worker threads and an event loop may call it alike. What this module does not own: what a
container does (``container.py``), outcomes (``runtime.py``).
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections import OrderedDict, defaultdict
from pathlib import Path

from . import host, limits, sandbox
from .container import Container
from .environments import Environment
from .node import NODE_VARIABLE
from .processes import TAG_VARIABLE, Lifeline, engine_tag, sweep
from .zygote import MODULES_VARIABLE, Zygote, zygotes_enabled

__all__ = ["MAX_STEMS", "Pool", "clean_env"]

MAX_STEMS = 4  # interpreters (kinds, images) with a prewarmed stem cell: the most recently used ones


def clean_env(venv_root: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The whole environment of an action process: nothing of the engine's (no keys, no PYTHONPATH)."""
    return {
        "PATH": f"{venv_root}/bin:/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "PYTHONIOENCODING": "UTF-8",
        **(extra or {}),
    }


def _remove_stale_folders(folder: Path) -> None:
    """Folders of containers whose engine died without shutting down (its launchers exit on EOF)."""
    for entry in folder.glob("c*-*"):
        try:
            pid = int(entry.name[1:].split("-", 1)[0])
        except ValueError:
            continue
        if pid != os.getpid() and not host.pid_exists(pid):
            shutil.rmtree(entry, ignore_errors=True)


class Pool:
    def __init__(
        self,
        work_dir: Path,
        idle_timeout_s: float,
        prewarm: bool = True,
        max_idle: int = 64,
        zygotes: bool | None = None,
    ) -> None:
        """``zygotes``: fork containers from a zygote per interpreter (default: on Linux, unless
        ``JUPYTER_FAAS_ZYGOTE=0``)."""
        self.folder = work_dir / "containers"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.tag = engine_tag(work_dir)
        self.swept = sweep(self.folder, self.tag)  # what a previous engine of this data dir left running
        _remove_stale_folders(self.folder)
        self._lifeline = Lifeline()
        self.idle_timeout_s = idle_timeout_s
        self.prewarm = prewarm
        self.max_idle = max_idle
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._idle: dict[str, list[Container]] = defaultdict(list)
        self._busy: dict[str, int] = defaultdict(int)
        self._stems: dict[Path, list[Container]] = defaultdict(list)
        # python -> environment to keep a stem cell ready for, most recently used last (at most MAX_STEMS)
        self._wanted: OrderedDict[Path, Environment] = OrderedDict()
        self._trash: list[Container] = []
        self._live: set[Container] = set()  # every process not yet destroyed, busy ones included
        self._closed = False
        self.use_zygotes = zygotes_enabled() if zygotes is None else zygotes
        self.sandboxed, self.sandbox_status = sandbox.status()  # Landlock, said once
        self.memory_status = limits.status()[1]  # cgroup v2 | v1 | watchdog, said once
        self._zygotes: dict[Path, Zygote | None] = {}  # None: it failed to start, containers exec
        self._zygote_lock = threading.Lock()
        self._thread = threading.Thread(target=self._maintain, name="jupyter-faas-pool", daemon=True)
        self._thread.start()

    # -- the hot path ------------------------------------------------------------------------------

    def acquire(self, key: str) -> Container | None:
        """An idle initialised container of ``key`` (most recently used first), or None."""
        with self._lock:
            self._busy[key] += 1
            idle = self._idle.get(key)
            while idle:
                container = idle.pop()
                if container.proc.poll() is None:
                    return container
                self._trash.append(container)
            return None

    def acquire_idle(self, key: str) -> Container | None:
        """Like ``acquire``, but counts the run as busy only when it gets a container (else: nothing)."""
        with self._lock:
            idle = self._idle.get(key)
            while idle:
                container = idle.pop()
                if container.proc.poll() is None:
                    self._busy[key] += 1
                    return container
                self._trash.append(container)
            return None

    def release(self, key: str, container: Container) -> None:
        with self._lock:
            self._busy[key] -= 1
            closed = self._closed
            if not closed:
                container.last_used = time.monotonic()
                self._idle[key].append(container)
                if sum(len(v) for v in self._idle.values()) > self.max_idle:
                    self._evict_oldest()
        if closed:  # the maintenance thread is gone: destroy it here
            self._destroy(container)

    def discard(self, key: str, container: Container | None) -> None:
        """A run ended without a reusable container (developer error or never created)."""
        with self._lock:
            self._busy[key] -= 1
            closed = self._closed
        if container is None:
            return
        container.kill()  # outside the lock: it waits for the process to exit
        if closed:
            self._destroy(container)
            return
        with self._lock:
            self._trash.append(container)
            self._wake.notify()

    def want(self, env: Environment) -> None:
        """Keep a stem cell of ``env`` ready from now on (when prewarming is on)."""
        with self._lock:
            self._want(env)
            self._wake.notify()

    def _want(self, env: Environment) -> None:
        if not self.prewarm:
            return
        self._wanted[env.python] = env
        self._wanted.move_to_end(env.python)
        while len(self._wanted) > MAX_STEMS:
            python, _ = self._wanted.popitem(last=False)
            self._trash.extend(self._stems.pop(python, []))

    def spawn(self, env: Environment) -> Container:
        """A stem cell of ``env`` (prewarmed if one is ready, else spawned now)."""
        with self._lock:
            self._want(env)
            stems = self._stems.get(env.python)
            stem = stems.pop() if stems else None
            self._wake.notify()
        if stem is not None and stem.proc.poll() is None:
            return stem
        if stem is not None:
            self._destroy(stem)
        return self._new(env)

    def _new(self, env: Environment) -> Container:
        folder = self.folder / f"c{os.getpid()}-{time.monotonic_ns()}"
        environ = clean_env(env.root, env.env)
        if env.node is not None:  # a Node.js kind: the launcher hands over to launcher.js under node
            environ[NODE_VARIABLE] = str(env.node)
        if self.sandboxed:  # what the launcher may read and write (sandbox.py)
            environ[sandbox.VARIABLE] = json.dumps(sandbox.policy(env.root, folder))
        container = Container(
            env.python,
            folder,
            environ,
            lifeline=self._lifeline.fd,
            tag=self.tag,
            zygote=self.zygote(env),
        )
        with self._lock:
            self._live.add(container)
        return container

    def zygote(self, env: Environment) -> Zygote | None:
        """The zygote of ``env``'s interpreter once it is up; the first call starts it in the background
        (that container execs as before, so no run ever waits for a zygote's imports). None when zygotes
        are off, or this one could not start (and for a Node.js kind: node is not forked)."""
        if not self.use_zygotes or env.node is not None:
            return None
        with self._zygote_lock:
            if env.python in self._zygotes:
                zygote = self._zygotes[env.python]
                if zygote is None or zygote.alive():
                    return zygote
                zygote.close()  # it died: start another
            self._zygotes[env.python] = None
        threading.Thread(target=self._start_zygote, args=(env,), name="zygote-start", daemon=True).start()
        return None

    def _start_zygote(self, env: Environment) -> None:
        environ = {**clean_env(env.root, env.env), TAG_VARIABLE: f"{self.tag}/zygote/"}
        if MODULES_VARIABLE in os.environ:  # which modules to preload, when named (zygote_main.py)
            environ[MODULES_VARIABLE] = os.environ[MODULES_VARIABLE]
        try:
            zygote = Zygote(env.python, environ, self.folder)  # each child then moves to its own folder
        except OSError:
            return  # stays None: this interpreter's containers exec
        with self._zygote_lock:
            if self._closed:
                zygote.close()
                return
            self._zygotes[env.python] = zygote
        with self._lock:
            stems = self._stems.pop(env.python, [])  # made before the zygote: replaced by forked ones
            self._trash.extend(stems)
            self._wake.notify()

    # -- introspection -----------------------------------------------------------------------------

    def counts(self) -> dict[str, dict[str, int]]:
        with self._lock:
            keys = {k for k, v in self._idle.items() if v} | {k for k, v in self._busy.items() if v}
            return {k: {"idle": len(self._idle.get(k, ())), "busy": self._busy.get(k, 0)} for k in keys}

    def stem_count(self) -> int:
        with self._lock:
            return sum(len(v) for v in self._stems.values())

    # -- background work ---------------------------------------------------------------------------

    def _evict_oldest(self) -> None:
        oldest_key, oldest = None, None
        for key, containers in self._idle.items():
            if containers and (oldest is None or containers[0].last_used < oldest.last_used):
                oldest_key, oldest = key, containers[0]
        if oldest_key is not None and oldest is not None:
            self._idle[oldest_key].pop(0)
            self._trash.append(oldest)
            self._wake.notify()

    def _maintain(self) -> None:
        while True:
            with self._lock:
                if not self._closed:
                    self._wake.wait(timeout=min(1.0, max(self.idle_timeout_s / 4, 0.05)))
                if self._closed and not self._trash:
                    return
                now = time.monotonic()
                for key in list(self._idle):
                    keep = [c for c in self._idle[key] if now - c.last_used < self.idle_timeout_s]
                    self._trash.extend(c for c in self._idle[key] if c not in keep)
                    if keep:
                        self._idle[key] = keep
                    else:
                        del self._idle[key]
                trash, self._trash = self._trash, []
                missing = (
                    [] if self._closed else [e for p, e in self._wanted.items() if not self._stems.get(p)]
                )
            for container in trash:
                self._destroy(container)
            for env in missing:
                try:
                    stem = self._new(env)
                except OSError:
                    continue
                with self._lock:
                    if self._closed:
                        self._trash.append(stem)
                    else:
                        self._stems[env.python].append(stem)

    def _destroy(self, container: Container) -> None:
        container.close()
        shutil.rmtree(container.folder, ignore_errors=True)
        with self._lock:
            self._live.discard(container)

    def shutdown(self) -> None:
        """Kill every container, idle, prewarmed and (when they return) busy ones; remove folders."""
        with self._lock:
            self._closed = True
            for containers in self._idle.values():
                self._trash.extend(containers)
            for stems in self._stems.values():
                self._trash.extend(stems)
            self._idle.clear()
            self._stems.clear()
            self._wake.notify()
        self._thread.join(timeout=30)
        with self._lock:
            trash, self._trash = self._trash, []
            busy = list(self._live)
        for container in trash:
            self._destroy(container)
        for container in busy:  # runs in flight see their process die and report a crash
            container.kill()
        with self._zygote_lock:  # (one still starting closes itself: _closed is set)
            zygotes, self._zygotes = self._zygotes, {}
        for zygote in zygotes.values():
            if zygote is not None:
                zygote.close()
        self._lifeline.close()
