"""An activation's log lines as upstream stores them: ``<RFC3339 UTC, 9 fraction digits>Z <stream>: <text>``,
cut at the action's logs limit, with upstream's closing lines (truncation, developer error).

What this module does not own: reading the action's streams (``container.py``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from . import messages as msg
from .sandbox import explain

__all__ = ["LogCollector", "format_log_line"]


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

    def finish(self, developer_error: bool, sandbox: list[str] | None = None) -> list[str]:
        """The lines, with upstream's closing lines; with ``sandbox`` (the folders a sandboxed process may
        use), one line for each path it was refused (``sandbox.explain``)."""
        if sandbox:
            for text in explain(self.lines, sandbox):
                self.lines.append(format_log_line("stderr", text))
        if self.truncated:
            self.lines.append(format_log_line("stderr", msg.truncated_logs(self.limit_bytes)))
        if developer_error:
            self.lines.append(format_log_line("stderr", msg.LOG_WARNING_DEVELOPER_ERROR))
        return self.lines
