"""One action "container": a launcher process with its own folder, environment, process group and limits.

A container is spawned bare (a "stem cell": the kind's interpreter running ``launcher.py``), then
initialised once with an action and run many times, by one caller at a time (``pool.py`` sees to that).
Each exchange writes one command line, then waits, in the caller's thread and without polling sleeps, for
the answer on the response pipe and the end-of-activation sentinels on stdout and stderr, timestamping log
lines as they are read. It enforces the time limit (kill the process group), the memory limit (cgroup, or
an RSS watchdog polled every ~10 ms), the logs limit and the 1 MB result limit, and maps every failure to
upstream's outcome. What this module does not own: which container serves which run (``pool.py``), kinds.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import select
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..contract import MAX_PAYLOAD_BYTES
from . import messages as msg
from .limits import MemoryGuard, make_guard

__all__ = ["Container", "Exchange", "LogCollector", "format_log_line"]

LAUNCHER = str(Path(__file__).resolve().parent / "launcher.py")
_SENTINEL = msg.SENTINEL.encode()
_IDS = itertools.count(1)
_POLL_MS = 10
_MAX_LINE = 16 * 1024


def _stamp(ns: int) -> str:
    secs, frac = divmod(ns, 1_000_000_000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(secs)) + f".{frac:09d}Z"


def format_log_line(stream: str, text: str, ns: int | None = None) -> str:
    """Upstream's log entry: ``<RFC3339 UTC, 9 fraction digits>Z <stream>: <text>``."""
    return f"{_stamp(time.time_ns() if ns is None else ns)} {stream}: {text}"


@dataclass
class LogCollector:
    """The log lines of one activation (init and run on a cold start), cut at the logs limit."""

    limit_bytes: int
    lines: list[str] = field(default_factory=list)
    size: int = 0
    truncated: bool = False

    def add(self, stream: str, raw: bytes, ns: int) -> None:
        if self.truncated:
            return
        line = f"{_stamp(ns)} {stream}: {raw.decode('utf-8', 'replace').rstrip(chr(13))}"
        size = len(line.encode("utf-8", "replace")) + 1
        if self.size + size > self.limit_bytes:
            self.truncated = True
            return
        self.size += size
        self.lines.append(line)

    def finish(self, developer_error: bool) -> list[str]:
        if self.truncated:
            self.lines.append(format_log_line("stderr", msg.truncated_logs(self.limit_bytes)))
        if developer_error:
            self.lines.append(format_log_line("stderr", msg.LOG_WARNING_DEVELOPER_ERROR))
        return self.lines


@dataclass
class Exchange:
    """What one init or run produced. ``status`` 0 means the container answered as expected."""

    status: int
    result: Any = None
    timeout: bool = False
    fatal: bool = False  # the container is unusable and must be destroyed


class Container:
    """One launcher process. Not thread-safe: one caller at a time."""

    def __init__(self, python: Path, folder: Path, env: dict[str, str]) -> None:
        self.id = next(_IDS)
        self.python = python
        self.folder = folder
        self.action_dir = folder / "action"
        self.action_dir.mkdir(parents=True, exist_ok=True)
        self.guard: MemoryGuard = make_guard()
        r3, w3 = os.pipe()
        try:
            self.proc = subprocess.Popen(
                [str(python), "-I", LAUNCHER, str(w3)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                pass_fds=(w3,),
                cwd=str(self.action_dir),
                env={**env, "HOME": str(folder)},
                start_new_session=True,
                bufsize=0,
            )
        except BaseException:
            os.close(r3)
            os.close(w3)
            self.guard.close()
            raise
        os.close(w3)
        self.guard.attach(self.proc.pid)
        assert self.proc.stdin and self.proc.stdout and self.proc.stderr
        self._stdin = self.proc.stdin.fileno()
        self._answer_fd = r3
        self._out = self.proc.stdout.fileno()
        self._err = self.proc.stderr.fileno()
        self._poller = select.poll()
        for fd in (r3, self._out, self._err):
            self._poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
        self._partial = {self._out: b"", self._err: b""}
        self._open = {r3, self._out, self._err}
        self.initialized = False
        self.ready = False
        self.dead = False
        self.last_used = time.monotonic()
        self.memory_peak: int | None = None

    # -- exchanges ---------------------------------------------------------------------------------

    def init(
        self, main: str, env: dict[str, str], memory_bytes: int, timeout_ms: int, logs: LogCollector
    ) -> Exchange:
        """Load the action already placed in ``action_dir``; status 0 when it is ready to run."""
        with contextlib.suppress(OSError):
            self.guard.set_limit(memory_bytes)
        if not self.wait_ready():
            return Exchange(2, {"error": msg.ABNORMAL_INIT}, fatal=True)
        command = {"init": {"main": main, "env": env, "dir": str(self.action_dir)}}
        answer, _, reason = self._exchange(command, timeout_ms, logs)
        if reason == "timeout":
            return Exchange(2, {"error": msg.timed_out(timeout_ms, True)}, timeout=True, fatal=True)
        if reason == "memory":
            return Exchange(2, {"error": msg.MEMORY_EXHAUSTED}, fatal=True)
        if answer is None:
            return Exchange(2, {"error": msg.ABNORMAL_INIT}, fatal=True)
        try:
            data = json.loads(answer)
        except ValueError:
            return Exchange(2, {"error": msg.ABNORMAL_INIT}, fatal=True)
        if isinstance(data, dict) and data.get("ok") is True:
            self.initialized = True
            return Exchange(0)
        error = data.get("error", msg.ABNORMAL_INIT) if isinstance(data, dict) else msg.ABNORMAL_INIT
        return Exchange(2, {"error": error}, fatal=True)

    def run(self, fields: dict[str, Any], timeout_ms: int, logs: LogCollector) -> Exchange:
        """One activation; the outcome as upstream's invoker reads the proxy's answer."""
        answer, length, reason = self._exchange({"run": fields}, timeout_ms, logs)
        if reason == "timeout":
            return Exchange(2, {"error": msg.timed_out(timeout_ms, False)}, timeout=True, fatal=True)
        if reason == "memory":
            return Exchange(2, {"error": msg.MEMORY_EXHAUSTED}, fatal=True)
        if answer is None:
            return Exchange(2, {"error": msg.ABNORMAL_RUN}, fatal=True)
        if length > MAX_PAYLOAD_BYTES:
            trunk = answer[:MAX_PAYLOAD_BYTES].decode("utf-8", "ignore")
            return Exchange(1, {"error": msg.truncated_response(trunk, length, MAX_PAYLOAD_BYTES)})
        text = answer.decode("utf-8", "replace")
        try:
            result = json.loads(text)
        except ValueError:
            return Exchange(2, {"error": msg.NOT_DICT_OR_ARRAY}, fatal=True)
        if isinstance(result, dict):
            if "error" in result:
                return Exchange(1, {"error": result["error"]})
            return Exchange(0, result)
        if isinstance(result, list):
            return Exchange(0, result)
        if result is None:  # the proxy passes `null` on; the invoker then rejects it
            return Exchange(2, {"error": msg.invalid_run_response(text.strip())}, fatal=True)
        return Exchange(2, {"error": msg.NOT_DICT_OR_ARRAY}, fatal=True)

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
        deadline = time.monotonic() + timeout_ms / 1000.0
        polls = self.guard.polls
        if command is not None:
            with contextlib.suppress(OSError):  # when the process is gone, the answer pipe says so below
                os.write(self._stdin, json.dumps(command, ensure_ascii=False).encode("utf-8") + b"\n")
        answer = bytearray()
        length = 0
        have_answer = False
        # the log streams that owe this exchange a sentinel
        pending = {fd for fd in (self._out, self._err) if fd in self._open} if sentinels else set()
        reason = "ok"
        while True:
            if have_answer and not pending:
                break
            if self._answer_fd not in self._open and not have_answer:
                reason = "exit"
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                reason = "timeout"
                break
            wait = min(remaining * 1000.0, _POLL_MS) if polls else remaining * 1000.0
            events = self._poller.poll(int(wait) + 1)
            if polls and self.guard.over_limit():
                reason = "memory"
                break
            if not events:
                continue
            now = time.time_ns()
            for fd, _ in events:
                data = os.read(fd, 1 << 20)
                if fd == self._answer_fd:
                    if not data:
                        self._close(fd)
                        continue
                    length += len(data)
                    if len(answer) <= MAX_PAYLOAD_BYTES:
                        answer += data
                    if data.endswith(b"\n"):
                        have_answer = True
                elif not data:
                    self._close(fd)
                    self._flush_partial(fd, logs, now)
                    pending.discard(fd)  # a closed stream has nothing more to say
                else:
                    if self._feed(fd, data, logs, now):
                        pending.discard(fd)
        if reason != "ok" or not have_answer:
            self.kill()
            self._drain(logs)
            if reason in ("ok", "exit"):
                reason = "memory" if self.guard.was_oom_killed() else "exit"
            self.memory_peak = self.guard.peak_bytes()
            return None, 0, reason
        self.last_used = time.monotonic()
        self.memory_peak = self.guard.peak_bytes()
        return bytes(answer[:-1] if answer.endswith(b"\n") else answer), length, "ok"

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
            events = self._poller.poll(20)
            if not events:
                break
            now = time.time_ns()
            for fd, _ in events:
                data = os.read(fd, 1 << 20)
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
        """Kill the process group (and anything left in its cgroup); idempotent."""
        if self.dead:
            return
        self.dead = True
        for target in (-self.proc.pid, self.proc.pid):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(target, signal.SIGKILL)
        for pid in self.guard.pids():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
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
        self.guard.close()
