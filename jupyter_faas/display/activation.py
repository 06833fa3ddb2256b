"""``Activation`` and ``ActivationList``: activation records as notebook objects (HTML and text).

An ``Activation`` wraps one record (full, or a list summary) or a pending invocation (only its id): it
exposes the result, status, cold/warm, init / wait / run times and logs as attributes, and renders as an
HTML card (status and cold/warm badges, durations, the result with its images) with a text fallback.
Pure: no IPython, no HTTP (the magics fetch; this only shows). Timings come from ``stats.timing``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..contract import STATUS_CODES
from ..stats import timing
from .html import CSS_CLASS, cold_warm_badge, esc, json_html, json_text, ms, status_badge, table

__all__ = ["Activation", "ActivationList", "Logs"]


class Activation:
    """One activation: ``record`` is None while it is pending (only ``activation_id`` is known)."""

    def __init__(
        self,
        record: Mapping[str, Any] | None = None,
        *,
        activation_id: str | None = None,
        name: str | None = None,
        logs: list[str] | None = None,
    ) -> None:
        self.record: dict[str, Any] | None = dict(record) if record is not None else None
        self.activation_id = str(activation_id or (record or {}).get("activationId", ""))
        self.name = name or str((record or {}).get("name", ""))
        self._logs = logs

    # -- what a user reads ---------------------------------------------------------------------------
    @property
    def pending(self) -> bool:
        return self.record is None

    @property
    def response(self) -> dict[str, Any]:
        return dict((self.record or {}).get("response") or {})

    @property
    def result(self) -> Any:
        """``response.result`` (None while pending or for a list summary)."""
        return self.response.get("result")

    @property
    def status(self) -> str:
        if self.record is None:
            return "pending"
        if "status" in self.response:
            return str(self.response["status"])
        return STATUS_CODES.get(int(self.record.get("statusCode", 3)), "whisk internal error")

    @property
    def success(self) -> bool | None:
        return None if self.record is None else self.status == "success"

    @property
    def error(self) -> str | None:
        result = self.result
        return str(result["error"]) if isinstance(result, dict) and "error" in result else None

    @property
    def cold(self) -> bool | None:
        return None if self.record is None else timing(self.record).cold

    @property
    def duration_ms(self) -> float | None:
        return None if self.record is None else timing(self.record).duration_ms

    @property
    def init_ms(self) -> float | None:
        return None if self.record is None or not self.cold else timing(self.record).init_ms

    @property
    def wait_ms(self) -> float | None:
        return None if self.record is None else timing(self.record).wait_ms

    @property
    def run_ms(self) -> float | None:
        return None if self.record is None else timing(self.record).run_ms

    @property
    def version(self) -> str | None:
        return None if self.record is None else str(self.record.get("version", ""))

    @property
    def logs(self) -> list[str]:
        """Log lines: those fetched for this object, else those in the record (blocking records have none)."""
        if self._logs is not None:
            return list(self._logs)
        return list((self.record or {}).get("logs") or [])

    def with_logs(self, logs: list[str]) -> Activation:
        return Activation(self.record, activation_id=self.activation_id, name=self.name, logs=logs)

    # -- rendering ----------------------------------------------------------------------------------------
    def _facts(self) -> list[tuple[str, str]]:
        if self.record is None:
            return [("status", "pending")]
        facts = [("status", self.status), ("start", "cold" if self.cold else "warm")]
        facts += [("duration", ms(self.duration_ms))]
        if self.cold:
            facts.append(("init", ms(self.init_ms)))
        facts += [("wait", ms(self.wait_ms)), ("run", ms(self.run_ms)), ("version", self.version or "")]
        return facts

    def __repr__(self) -> str:
        lines = [f"Activation {self.activation_id} of {self.name}"]
        lines += [f"  {k:<9} {v}" for k, v in self._facts()]
        if self.record is not None and "response" in self.record:
            lines.append("  result    " + json_text(self.result).replace("\n", "\n            "))
        if self.logs:
            lines.append("  logs:")
            lines += [f"    {line}" for line in self.logs]
        if self.record is None:
            lines.append(f"  Wait for it: %faas_poll {self.activation_id}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        title = f"<b>{esc(self.name)}</b> <code>{esc(self.activation_id)}</code> "
        if self.record is None:
            poll = f"<code>%faas_poll {esc(self.activation_id)}</code>"
            body = f"{status_badge('pending', None)} wait for it: {poll}"
            return f'<div class="{CSS_CLASS}-activation">{title}{body}</div>'
        badges = f"{status_badge(self.status, self.success)} {cold_warm_badge(self.cold)}"
        times = table(
            ["duration", "init", "wait", "run", "version"],
            [[ms(self.duration_ms), ms(self.init_ms), ms(self.wait_ms), ms(self.run_ms), esc(self.version)]],
        )
        out = f'<div class="{CSS_CLASS}-activation">{title}{badges}{times}'
        if "response" in self.record:
            out += json_html(self.result)
        if self.logs:
            logs = esc("\n".join(self.logs))
            out += f"<details><summary>logs ({len(self.logs)})</summary><pre>{logs}</pre></details>"
        return out + "</div>"


class ActivationList(list[Activation]):
    """Activations newest first, as a table (one row each) in HTML and text."""

    @classmethod
    def of(cls, records: Iterable[Mapping[str, Any]]) -> ActivationList:
        return cls(Activation(r) for r in records)

    def _rows(self) -> list[list[str]]:
        return [
            [
                a.activation_id,
                a.name,
                a.version or "",
                a.status,
                "" if a.cold is None else "cold" if a.cold else "warm",
                ms(a.duration_ms),
                ms(a.init_ms),
                ms(a.wait_ms),
            ]
            for a in self
        ]

    _HEADERS = ("activation id", "action", "version", "status", "start", "duration", "init", "wait")

    def __repr__(self) -> str:
        if not self:
            return "No activations."
        rows = [list(self._HEADERS), *self._rows()]
        widths = [max(len(r[i]) for r in rows) for i in range(len(self._HEADERS))]
        return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)

    def _repr_html_(self) -> str:
        if not self:
            return "<p>No activations.</p>"
        rows = []
        for a, row in zip(self, self._rows(), strict=True):
            cells = [f"<code>{esc(row[0])}</code>", esc(row[1]), esc(row[2])]
            cells += [status_badge(a.status, a.success), cold_warm_badge(a.cold)]
            cells += [esc(c) for c in row[5:]]
            rows.append(cells)
        return table(self._HEADERS, rows)


class Logs(list[str]):
    """The log lines of one activation (``<time> stdout: <line>``)."""

    def __init__(self, activation_id: str, lines: Iterable[str]) -> None:
        super().__init__(lines)
        self.activation_id = activation_id

    def __repr__(self) -> str:
        return "\n".join(self) if self else f"No logs for activation {self.activation_id}."

    def _repr_html_(self) -> str:
        if not self:
            return f"<p>No logs for activation <code>{esc(self.activation_id)}</code>.</p>"
        return f'<pre class="{CSS_CLASS}-logs">{esc(chr(10).join(self))}</pre>'
