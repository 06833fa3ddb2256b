"""``PathView``: the path a composition's run took, as a notebook shows it: each component that ran (status,
duration) and, between them, the conductor's decisions (``when ... is false: else``, ``catch``, ``retry``),
then the result. Plain HTML strings, no IPython. Does not own reading the records (``compose.path``).
"""

from __future__ import annotations

from ..compose.path import Path
from .html import CSS_CLASS, esc, json_html, json_text, ms, status_badge, table

__all__ = ["PathView"]


class PathView:
    """``.path`` is the ``compose.Path`` (steps, records); ``.result`` the composition's result."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def result(self) -> object:
        return self.path.result

    def __repr__(self) -> str:
        p = self.path
        lines = [f"Composition {p.name}: activation {p.activation_id}  {p.status}"]
        for s in p.steps:
            indent = "  " * (s.depth + 1)
            if s.kind == "decision":
                lines.append(f"{indent}? {s.text}")
            else:
                lines.append(f"{indent}{s.text:<28} {s.activation_id}  {s.status}  {ms(s.duration)}")
        lines.append("  result " + json_text(p.result).replace("\n", "\n         "))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        p = self.path
        head = f"<b>composition {esc(p.name)}</b>: <code>{esc(p.activation_id)}</code> {esc(p.status)}"
        rows = []
        for s in p.steps:
            pad = "&nbsp;&nbsp;" * s.depth
            if s.kind == "decision":
                rows.append([pad + "decision", f"<i>{esc(s.text)}</i>", "", "", ""])
            else:
                success = s.status == "success"
                rows.append([pad + "component", esc(s.text), f"<code>{esc(s.activation_id)}</code>",
                             status_badge(s.status or "", success), ms(s.duration)])  # fmt: skip
        out = f'<div class="{CSS_CLASS}-trace">{head}'
        out += table(["step", "what", "activation", "status", "duration"], rows)
        return out + "<div>result:</div>" + json_html(p.result) + "</div>"
