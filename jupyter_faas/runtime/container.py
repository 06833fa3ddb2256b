"""One action "container": a launcher process with its own folder, environment, process group and limits.

A container is spawned bare (a "stem cell": the kind's interpreter running ``launcher.py``), then initialised
once with an action and run many times, by one caller at a time (``pool.py`` sees to that). Each exchange
writes one command line, then collects the answer on the response pipe and the end-of-activation sentinels on
stdout and stderr, timestamping log lines as they are read. The caller either waits in its thread (``init``,
``run``: no polling sleeps), or, for a run, drives it from an event loop: ``start_run`` then ``step`` whenever
one of ``fds()`` (its open pipes) is readable, then ``end_run``; in its thread it waits on them with
``host.new_selector()`` (epoll, kqueue, or poll in portable mode). It enforces the time limit (kill the
process group), the memory limit (cgroup, or an RSS watchdog polled every ~10 ms), the logs limit and the 1 MB
result limit, and maps every failure to upstream's outcome. What this module does not own: which container
serves which run (``pool.py``), kinds, log line formatting (``logs.py``).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import selectors
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from ..contract import MAX_PAYLOAD_BYTES
from . import host
from . import messages as msg
from .answers import Exchange, read_init_answer, read_run_answer
from .limits import POLL_MS, MemoryGuard, make_guard
from .logs import LogCollector, format_log_line
from .processes import TAG_VARIABLE, kill_tagged, kill_tree, record_launcher
from .sandbox import allowed as sandbox_folders
from .zygote import Forked, Zygote

__all__ = ["Container", "Exchange", "LogCollector", "Talk", "format_log_line"]

LAUNCHER = str(Path(__file__).resolve().parent / "launcher.py")
_SENTINEL = msg.SENTINEL.encode()
_IDS = itertools.count(1)
_EXIT_CHECK_MS = 200  # how often a waiting exchange checks that the launcher itself still runs
_MAX_LINE = 16 * 1024
# a pipe's capacity: a larger buffer is allocated (mmap) and freed at every read (~18 us each)
_READ = 64 * 1024


class Talk:
    """One exchange in progress: the answer so far, the streams that owe a sentinel, the deadline."""

    __slots__ = ("answer", "deadline", "have_answer", "length", "logs", "next_check", "pending", "reason")

    def __init__(self, deadline: float, logs: LogCollector, pending: set[int]) -> None:
        self.deadline = deadline
        # The watchdog's next RSS reading: every POLL_MS from the start, not at every wake-up (a reading
        # walks the process table, milliseconds off Linux). A run answers first only if it took < 10 ms,
        # too short to touch the 100 MB that would take an action over the smallest limit (128 MB).
        self.next_check = time.monotonic() + POLL_MS / 1000.0
        self.logs = logs
        self.pending = pending  # the log streams that still owe this exchange a sentinel
        self.answer = bytearray()
        self.length = 0
        self.have_answer = False
        self.reason = "ok"  # or "timeout", "memory", "exit"

    @property
    def clean(self) -> bool:
        """Over with the whole answer and both sentinels: ending it costs no kill and no wait."""
        return self.reason == "ok" and self.have_answer and not self.pending


class Container:
    """One launcher process. Not thread-safe: one caller at a time."""

    def __init__(
        self,
        python: Path,
        folder: Path,
        env: dict[str, str],
        lifeline: int | None = None,
        tag: str = "",
        zygote: Zygote | None = None,
    ) -> None:
        """``lifeline``: the read end of the engine's lifeline pipe; ``tag``: the engine's container tag
        (``processes.py``), to which this container adds its id; ``zygote``: forks the launcher (its
        environment's packages already imported) instead of starting the interpreter anew."""
        self.id = next(_IDS)
        self.python = python
        self.folder = folder
        self.action_dir = folder / "action"
        self.action_dir.mkdir(parents=True, exist_ok=True)
        self.tag = f"{tag or os.getpid()}/{self.id}/"
        self.guard: MemoryGuard = make_guard()
        r3, w3 = os.pipe()
        argv = [str(python), "-I", LAUNCHER, str(w3)]
        if lifeline is not None:
            argv.append(str(lifeline))
        child_env = {**env, "HOME": str(folder), TAG_VARIABLE: self.tag}
        if host.portable():  # the launcher takes the same paths (and removes the variable)
            child_env[host.PORTABLE_VARIABLE] = "1"
        self.sandbox = sandbox_folders(env)  # what its process may use, when sandboxed (sandbox.py)
        self.proc: subprocess.Popen[bytes] | Forked
        try:
            self.proc = self._launch(zygote, argv, child_env, w3, lifeline)
        except BaseException:
            os.close(r3)
            os.close(w3)
            self.guard.close()
            raise
        os.close(w3)
        self.guard.attach(self.proc.pid)
        record_launcher(folder, self.proc.pid)
        assert self.proc.stdin and self.proc.stdout and self.proc.stderr
        self._stdin = self.proc.stdin.fileno()
        self._answer_fd = r3
        self._out = self.proc.stdout.fileno()
        self._err = self.proc.stderr.fileno()
        self._poller = host.new_selector()
        for fd in (r3, self._out, self._err):
            self._poller.register(fd, selectors.EVENT_READ)
        self._partial = {self._out: b"", self._err: b""}
        self._open = {r3, self._out, self._err}
        self.initialized = False
        self.ready = False
        self.dead = False
        self.last_used = time.monotonic()
        self.memory_peak: int | None = None

    def _launch(
        self, zygote: Zygote | None, argv: list[str], env: dict[str, str], answer: int, lifeline: int | None
    ) -> subprocess.Popen[bytes] | Forked:
        """The launcher: forked by the environment's zygote if there is one (and it can), else exec'd."""
        if zygote is not None:
            with contextlib.suppress(OSError):  # a zygote that failed: this container starts as before
                join = self.guard.join_fd()
                return zygote.fork(env, self.action_dir, answer=answer, lifeline=lifeline, join=join)
        return subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=(answer,) if lifeline is None else (answer, lifeline),
            cwd=str(self.action_dir),
            env=env,
            start_new_session=True,
            bufsize=0,
            preexec_fn=self.guard.preexec(),
        )

    # -- exchanges ---------------------------------------------------------------------------------

    def init(
        self,
        main: str,
        env: dict[str, str],
        memory_bytes: int,
        timeout_ms: int,
        logs: LogCollector,
        left_ms: int | None = None,
    ) -> Exchange:
        """Load the action already placed in ``action_dir``; status 0 when it is ready to run. ``left_ms``:
        what remains of the ``timeout_ms`` limit when placing the code took part of it."""
        with contextlib.suppress(OSError):
            self.guard.set_limit(memory_bytes)
        if not self.wait_ready():
            return Exchange(2, {"error": msg.ABNORMAL_INIT}, fatal=True)
        command = {"init": {"main": main, "env": env, "dir": str(self.action_dir)}}
        wait = timeout_ms if left_ms is None else left_ms
        exchange = read_init_answer(*self._exchange(command, wait, logs), timeout_ms)
        self.initialized = exchange.status == 0
        return exchange

    def run(self, fields: dict[str, Any], timeout_ms: int, logs: LogCollector) -> Exchange:
        """One activation, waited for in this thread; the outcome as upstream's invoker reads it."""
        return read_run_answer(*self._exchange({"run": fields}, timeout_ms, logs), timeout_ms)

    def start_run(self, fields: dict[str, Any], timeout_ms: int, logs: LogCollector) -> Talk:
        """Send one activation and return at once: call ``step`` whenever one of ``fds()`` is readable (and
        ``expire`` when the time limit passes) until it says the run is over, then ``end_run``."""
        return self._start({"run": fields}, timeout_ms, logs)

    def fds(self) -> frozenset[int]:
        """The pipes still open (answer, stdout, stderr): an event loop waits for any of them to be
        readable between ``step`` calls, and stops waiting on one once it is no longer here (at its EOF)."""
        return frozenset(self._open)

    def step(self, talk: Talk) -> bool:
        """Read what the pipes hold now, without waiting; True when the exchange is over."""
        if not self._over(talk):
            self._pump(talk, 0)
        return self._over(talk)

    @staticmethod
    def expire(talk: Talk) -> None:
        """The time limit passed before the exchange was over."""
        if talk.reason == "ok" and not (talk.have_answer and not talk.pending):
            talk.reason = "timeout"

    def end_run(self, talk: Talk, timeout_ms: int) -> Exchange:
        """The outcome of a run driven by ``step``; blocks (kill, drain) only when ``talk.clean`` is False."""
        return read_run_answer(*self._conclude(talk), timeout_ms)

    def wait_ready(self, timeout_ms: int = 30_000) -> bool:
        """Wait for the launcher to be up (instant for a prewarmed stem cell); False if it never came up."""
        if self.ready:
            return True
        answer, _, _ = self._exchange(None, timeout_ms, LogCollector(1 << 20), sentinels=False)
        self.ready = answer is not None and answer.startswith(b'{"ready"')
        return self.ready

    def send_raw(self, command: dict[str, Any], timeout_ms: int, logs: LogCollector) -> bytes | None:
        """Send any command and return the raw answer line (tests of the launcher protocol)."""
        return self._exchange(command, timeout_ms, logs)[0]

    def _exchange(
        self, command: dict[str, Any] | None, timeout_ms: int, logs: LogCollector, sentinels: bool = True
    ) -> tuple[bytes | None, int, str]:
        """Write ``command``; collect the answer line and logs up to both sentinels.

        Returns ``(answer or None, answer length incl. newline, reason)`` with reason one of ``ok``,
        ``timeout``, ``memory``, ``exit``.
        """
        talk = self._start(command, timeout_ms, logs, sentinels)
        polls = self.guard.polls
        while not self._over(talk):
            remaining = talk.deadline - time.monotonic()
            if remaining <= 0:
                talk.reason = "timeout"
                break
            wait = min(remaining * 1000.0, POLL_MS if polls else _EXIT_CHECK_MS)
            self._pump(talk, int(wait) + 1)
            if not talk.have_answer and self.proc.poll() is not None:
                self._pump(talk, 0)  # what it wrote before it ended is still in the pipe
                if not talk.have_answer:
                    talk.reason = "exit"  # gone without answering, though a child it left holds a pipe open
        return self._conclude(talk)

    def _start(
        self, command: dict[str, Any] | None, timeout_ms: int, logs: LogCollector, sentinels: bool = True
    ) -> Talk:
        deadline = time.monotonic() + timeout_ms / 1000.0
        if command is not None:
            with contextlib.suppress(OSError):  # when the process is gone, the answer pipe says so
                os.write(self._stdin, json.dumps(command, ensure_ascii=False).encode("utf-8") + b"\n")
        pending = {fd for fd in (self._out, self._err) if fd in self._open} if sentinels else set()
        return Talk(deadline, logs, pending)

    def _over(self, talk: Talk) -> bool:
        if talk.reason != "ok" or (talk.have_answer and not talk.pending):
            return True
        if self._answer_fd not in self._open and not talk.have_answer:
            talk.reason = "exit"
            return True
        return False

    def _pump(self, talk: Talk, wait_ms: int) -> None:
        """One poll of the pipes (waiting up to ``wait_ms``), the memory check when due, what was read."""
        events = self._poller.select(wait_ms / 1000.0)
        if self.guard.polls and time.monotonic() >= talk.next_check:
            talk.next_check = time.monotonic() + POLL_MS / 1000.0
            if self.guard.over_limit():
                talk.reason = "memory"
                return
        if not events:
            return
        now = time.time_ns()
        logs = talk.logs
        for key, _ in events:
            fd = key.fd
            data = os.read(fd, _READ)
            if fd == self._answer_fd:
                if not data:
                    self._close(fd)
                    continue
                talk.length += len(data)
                if len(talk.answer) <= MAX_PAYLOAD_BYTES:
                    talk.answer += data
                if data.endswith(b"\n"):
                    talk.have_answer = True
            elif not data:
                self._close(fd)
                self._flush_partial(fd, logs, now)
                talk.pending.discard(fd)  # a closed stream has nothing more to say
            elif self._feed(fd, data, logs, now):
                talk.pending.discard(fd)

    def _conclude(self, talk: Talk) -> tuple[bytes | None, int, str]:
        reason = talk.reason
        if reason != "ok" or not talk.have_answer:
            self.kill()
            self._drain(talk.logs)
            if reason in ("ok", "exit"):
                reason = "memory" if self.guard.was_oom_killed() else "exit"
            self.memory_peak = self.guard.peak_bytes()
            return None, 0, reason
        self.last_used = time.monotonic()
        self.memory_peak = self.guard.peak_bytes()
        answer = talk.answer
        return bytes(answer[:-1] if answer.endswith(b"\n") else answer), talk.length, "ok"

    def _feed(self, fd: int, data: bytes, logs: LogCollector, now: int) -> int:
        stream = "stdout" if fd == self._out else "stderr"
        buf = self._partial[fd] + data
        *lines, rest = buf.split(b"\n")
        while len(rest) > _MAX_LINE:  # docker's json-file driver splits long lines into 16 KiB entries
            lines.append(rest[:_MAX_LINE])
            rest = rest[_MAX_LINE:]
        self._partial[fd] = rest
        seen = 0
        for line in lines:
            if line.endswith(_SENTINEL):
                line = line[: -len(_SENTINEL)]
                seen += 1
                if not line:
                    continue
            while len(line) > _MAX_LINE:
                logs.add(stream, line[:_MAX_LINE], now)
                line = line[_MAX_LINE:]
            logs.add(stream, line, now)
        return seen

    def _flush_partial(self, fd: int, logs: LogCollector, now: int) -> None:
        rest = self._partial.get(fd, b"")
        if rest:
            self._partial[fd] = b""
            logs.add("stdout" if fd == self._out else "stderr", rest, now)

    def _drain(self, logs: LogCollector) -> None:
        """After a kill: read what the dead process left in its pipes (briefly, never blocking long)."""
        end = time.monotonic() + 0.2
        while {self._out, self._err} & self._open and time.monotonic() < end:
            events = self._poller.select(0.02)
            if not events:
                break
            now = time.time_ns()
            for key, _ in events:
                fd = key.fd
                data = os.read(fd, _READ)
                if fd == self._answer_fd:
                    if not data:
                        self._close(fd)
                    continue
                if not data:
                    self._close(fd)
                    self._flush_partial(fd, logs, now)
                else:
                    self._feed(fd, data, logs, now)
        for fd in (self._out, self._err):
            self._flush_partial(fd, logs, time.time_ns())

    def _close(self, fd: int) -> None:
        if fd in self._open:
            self._open.discard(fd)
            self._poller.unregister(fd)

    # -- lifecycle ---------------------------------------------------------------------------------

    def kill(self) -> None:
        """Kill every process of the container: the launcher's tree (detached children included, see
        ``processes.py``), its process group and anything left in its cgroup, and, when the launcher ended
        by itself (its orphans left its tree as it exited), what carries its tag; idempotent."""
        if self.dead:
            return
        self.dead = True
        if isinstance(self.proc, Forked):
            self.proc.mark_killed()
        if self.proc.poll() is None:
            kill_tree(self.proc.pid)
        for target in (-self.proc.pid, self.proc.pid):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(target, signal.SIGKILL)
        for pid in self.guard.pids():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
        if self.proc.returncode != -signal.SIGKILL or not host.keeps_orphans():
            kill_tagged(self.tag)  # the orphans it left, or (no subreaper) what its action detached
        if self.memory_peak is None:
            self.memory_peak = self.guard.peak_bytes()

    def close(self) -> None:
        """Kill and release pipes and the cgroup (the folder is removed by the pool)."""
        self.kill()
        for fd in list(self._open):
            self._close(fd)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                if stream:
                    stream.close()
            except OSError:
                pass
        with contextlib.suppress(OSError):
            os.close(self._answer_fd)
        self._poller.close()
        self.guard.close()
