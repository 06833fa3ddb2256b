"""Notebook views of event-driven entities: ``TraceView`` (what a trigger firing caused: each rule, its
action's activation, a sequence's components with their status and duration, the final result) and
``EntityView`` (a sequence, trigger, rule or package as the server stored it). Plain HTML strings, no
IPython. Does not own fetching anything (``openwhisk.trace``).
"""

from __future__ import annotations

from typing import Any

from ..compose.deploy import COMPOSITION_ANNOTATION
from ..openwhisk.trace import Firing, Trace
from .html import CSS_CLASS, badge, esc, json_html, json_text, ms, status_badge, table

__all__ = ["EntityView", "TraceView"]


def _status(record: dict[str, Any] | None) -> tuple[str, bool | None]:
    if record is None:
        return "not waited for", None
    response = record.get("response", {})
    return str(response.get("status", "")), response.get("success")


class TraceView:
    """The trace of one firing; ``.trace`` is the ``openwhisk.Trace`` (records, ids)."""

    def __init__(self, trace: Trace) -> None:
        self.trace = trace

    @property
    def firings(self) -> list[Firing]:
        return self.trace.firings

    @property
    def activation_id(self) -> str:
        return self.trace.activation_id

    def results(self) -> dict[str, Any]:
        """Each rule's final result (``None`` when the rule did not invoke its action)."""
        return {f.rule: (f.record or {}).get("response", {}).get("result") for f in self.trace.firings}

    def _rows(self) -> list[tuple[int, str, str, str, dict[str, Any] | None]]:
        """(depth, what, name, id, record) in the order things ran."""
        rows: list[tuple[int, str, str, str, dict[str, Any] | None]] = []
        for f in self.trace.firings:
            rows.append((0, "rule " + f.rule, f.action, f.activation_id or "", f.record))
            rows += [(1, "component", c["name"], c["activationId"], c) for c in f.components]
        return rows

    def __repr__(self) -> str:
        t = self.trace
        lines = [f"Trigger {t.trigger} fired: activation {t.activation_id}"]
        for f in t.firings:
            if f.activation_id is None:
                lines.append(f"  rule {f.rule} -> {f.action}: not invoked ({f.error})")
                continue
            status, _ = _status(f.record)
            took = ms((f.record or {}).get("duration"))
            lines.append(f"  rule {f.rule} -> {f.action}  {f.activation_id}  {status}  {took}")
            for c in f.components:
                c_status, _ = _status(c)
                took = ms(c.get("duration"))
                lines.append(f"      {c['name']:<28} {c['activationId']}  {c_status}  {took}")
            if f.record is not None:
                result = json_text(f.record.get("response", {}).get("result"))
                lines.append("    result " + result.replace("\n", "\n           "))
        if not t.firings:
            lines.append("  (no rule)")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        t = self.trace
        head = f"<b>trigger {esc(t.trigger)}</b> fired: <code>{esc(t.activation_id)}</code>"
        rows = []
        for f in t.firings:
            if f.activation_id is None:
                not_invoked = badge("not invoked", "error")
                rows.append([esc(f"rule {f.rule}"), esc(f.action), "", not_invoked, esc(f.error)])
                continue
            status, success = _status(f.record)
            took = ms((f.record or {}).get("duration"))
            rows.append([esc(f"rule {f.rule}"), esc(f.action), f"<code>{esc(f.activation_id)}</code>",
                         status_badge(status, success), took])  # fmt: skip
            for c in f.components:
                c_status, c_success = _status(c)
                cid = f"<code>{esc(c['activationId'])}</code>"
                rows.append(["&nbsp;&nbsp;&#8627; component", esc(c["name"]), cid,
                             status_badge(c_status, c_success), ms(c.get("duration"))])  # fmt: skip
        out = f'<div class="{CSS_CLASS}-trace">{head}'
        out += table(["step", "action", "activation", "status", "duration"], rows)
        for f in t.firings:
            if f.record is not None:
                out += f"<div>result of rule <b>{esc(f.rule)}</b>:</div>"
                out += json_html(f.record.get("response", {}).get("result"))
        return out + "</div>"


class EntityView:
    """A sequence, trigger, rule or package document, summarised (``.doc`` is the document)."""

    def __init__(self, kind: str, doc: dict[str, Any]) -> None:
        self.kind = kind
        self.doc = doc

    def _facts(self) -> list[tuple[str, str]]:
        d = self.doc
        facts = [("name", f"/{d.get('namespace')}/{d.get('name')}"), ("version", str(d.get("version", "")))]
        components = (d.get("exec") or {}).get("components")
        if components:
            facts.append(("components", " -> ".join(components)))
        for a in d.get("annotations") or []:
            if a.get("key") == COMPOSITION_ANNOTATION:
                facts.append(("composition", str(a.get("value"))))
        if "status" in d:
            facts.append(("status", str(d["status"])))
        for key in ("trigger", "action"):
            ref = d.get(key)
            if isinstance(ref, dict):
                facts.append((key, f"/{ref.get('path')}/{ref.get('name')}"))
        if d.get("rules"):
            rules = [f"{r} ({v.get('status')})" for r, v in d["rules"].items()]
            facts.append(("rules", ", ".join(rules)))
        if d.get("parameters") and self.kind != "sequence":
            facts.append(("parameters", json_text({p["key"]: p["value"] for p in d["parameters"]})))
        if d.get("binding"):
            facts.append(("binding", f"/{d['binding'].get('namespace')}/{d['binding'].get('name')}"))
        return facts

    def __repr__(self) -> str:
        return "\n".join([f"{self.kind.capitalize()}"] + [f"  {k:<11} {v}" for k, v in self._facts()])

    def _repr_html_(self) -> str:
        rows = [[f"<b>{esc(k)}</b>", esc(v)] for k, v in self._facts()]
        return f'<div class="{CSS_CLASS}-entity"><b>{esc(self.kind)}</b>{table(["", ""], rows)}</div>'
