"""``ActionList``, ``ConfigView`` and ``Stats``: the notebook objects of ``%faas_actions``,
``%faas_config`` and ``%faas_stats``.

``Stats`` reuses the stats package's own table (``Summary.to_html`` / ``to_text``) and embeds plots as PNG
(figures are rendered once and closed, so a notebook's inline backend does not show them twice). Pure: no
IPython, no HTTP. The key is never held here: ``ConfigView`` keeps only ``Config.describe()`` rows, masked.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..openwhisk.web import is_web, web_url
from ..stats import Summary
from .html import CSS_CLASS, esc, image_tag, table

__all__ = ["ActionList", "ConfigView", "Stats"]


def _annotation(action: Mapping[str, Any], key: str) -> Any:
    return next((a.get("value") for a in action.get("annotations") or [] if a.get("key") == key), None)


class ActionList(list[dict[str, Any]]):
    """Action summaries as the server lists them (newest first); with ``apihost``, a web action's URL."""

    _BASE = ("action", "version", "kind", "memory", "timeout", "package")

    def __init__(self, actions: Iterable[dict[str, Any]] = (), apihost: str | None = None) -> None:
        super().__init__(actions)
        self.apihost = apihost

    @property
    def _HEADERS(self) -> tuple[str, ...]:
        return (*self._BASE, "web URL") if self._web() else self._BASE

    def _web(self) -> bool:
        return self.apihost is not None and any(is_web(a) for a in self)

    def _rows(self) -> list[list[str]]:
        rows = []
        web = self._web()
        for a in self:
            limits = a.get("limits") or {}
            kind = _annotation(a, "exec") or (a.get("exec") or {}).get("kind", "")
            sha = _annotation(a, "jupyter-faas/sha256")
            rows.append(
                [
                    f"{a.get('namespace', '')}/{a.get('name', '')}",
                    str(a.get("version", "")),
                    str(kind),
                    f"{limits['memory']} MB" if "memory" in limits else "",
                    f"{limits['timeout']} ms" if "timeout" in limits else "",
                    str(sha)[:12] if sha else "",
                ]
            )
            if web:
                rows[-1].append(web_url(str(self.apihost), a) if is_web(a) else "")
        return rows

    def __repr__(self) -> str:
        if not self:
            return "No actions."
        rows = [list(self._HEADERS), *self._rows()]
        widths = [max(len(r[i]) for r in rows) for i in range(len(self._HEADERS))]
        return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)

    def _repr_html_(self) -> str:
        if not self:
            return "<p>No actions.</p>"
        return table(self._HEADERS, self._rows(), raw=False)


@dataclass
class ConfigView:
    """The resolved configuration, key masked, with where each value came from."""

    rows: list[tuple[str, str, str]]  # (setting, value, source) from Config.describe()
    note: str = ""

    def __repr__(self) -> str:
        width = max(len(r[0]) for r in self.rows)
        value_width = max(len(r[1]) for r in self.rows)
        lines = [f"{n.ljust(width)}  {v.ljust(value_width)}  ({s})" for n, v, s in self.rows]
        return "\n".join([*lines, *([self.note] if self.note else [])])

    def _repr_html_(self) -> str:
        note = f"<p>{esc(self.note)}</p>" if self.note else ""
        return (
            f'<div class="{CSS_CLASS}-config">'
            + table(("setting", "value", "source"), self.rows, raw=False)
            + note
            + "</div>"
        )


def figure_png(figure: Any) -> bytes:
    """Render a matplotlib figure to PNG bytes and close it."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    import matplotlib.pyplot as plt

    plt.close(figure)
    return buffer.getvalue()


@dataclass
class Stats:
    """Activation statistics: ``summary`` (``stats.Summary``), the records behind it, optional plots."""

    summary: Summary
    records: list[dict[str, Any]]
    title: str = ""
    plots: list[bytes] = field(default_factory=list)  # PNG images

    @classmethod
    def of(cls, summary: Summary, records: Iterable[dict[str, Any]], title: str = "") -> Stats:
        return cls(summary, list(records), title)

    @property
    def rows(self) -> Any:
        return self.summary.rows

    @property
    def total(self) -> Any:
        return self.summary.total

    def __repr__(self) -> str:
        lines = [self.title] if self.title else []
        lines.append(self.summary.to_text())
        if self.plots:
            lines.append(f"({len(self.plots)} plots: shown in a notebook)")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        out = f'<div class="{CSS_CLASS}-stats">'
        if self.title:
            out += f"<p>{esc(self.title)}</p>"
        out += self.summary.to_html()
        for png in self.plots:
            out += image_tag("image/png", base64.b64encode(png).decode("ascii"), "plot")
        return out + "</div>"
