"""JSON shapes the server extension answers with: builds, local tests, deployments, activations, stats.

Each function turns one core result into the plain dict the sidebar's ``tokens.ts`` declares (``IBuild``,
``ILocalTest``, ``IDeployment``, ``IActivation``, ``IActionInfo``, ``IStats``); field names are camelCase as
in OpenWhisk's own records. Pure: no HTTP, no services. What it does not own: computing anything
(``stats``, ``build``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from ..contract import STATUS_CODES
from ..openwhisk.web import is_web, web_url
from ..stats import Timing, annotation, summarize, timing

__all__ = [
    "action_json",
    "action_path",
    "activation_json",
    "build_json",
    "deployment_json",
    "local_test_json",
    "stats_json",
]


def _num(value: float) -> float | None:
    return None if value is None or math.isnan(value) else round(float(value), 1)


def build_json(result: Any) -> dict[str, Any]:
    """A ``BuildResult``: what was captured, required, packaged, and the summary every front end prints."""
    package, plan, req = result.package, result.package.plan, result.requirements
    return {
        "name": result.name,
        "className": result.capture.class_name,
        "method": result.capture.method.name,
        "params": list(result.capture.method.params),
        "kind": package.kind,
        "baseKind": package.base_kind,
        "image": package.image,
        "plan": {
            "choice": plan.choice,
            "reason": plan.reason,
            "codeBytes": plan.code_bytes,
            "depsBytes": plan.deps_bytes,
            "estimateBytes": plan.estimate_bytes,
            "limitBytes": plan.limit_bytes,
        },
        "zipBytes": package.size,
        "sha256": package.sha256,
        "files": len(package.entries),
        "cached": package.cached,
        "captured": [
            {"where": p.statement.where, "what": p.statement.title, "reason": p.reason}
            for p in result.capture.pieces
        ],
        "requirements": [{"name": r.line, "reason": r.reason} for r in req.install],
        "preinstalled": list(req.preinstalled),
        "notes": list(result.capture.notes),
        "seconds": {k: round(v, 3) for k, v in result.seconds.items()},
        "summary": result.summary(),
    }


def local_test_json(report: Any) -> dict[str, Any]:
    """A ``LocalTest``: one cold run then warm runs, each with its status and times."""
    return {
        "ok": report.ok,
        "smoke": report.smoke,
        "runs": [
            {
                "cold": run.cold,
                "statusCode": run.status_code,
                "status": STATUS_CODES.get(run.status_code, "whisk internal error"),
                "initMs": run.init_ms,
                "runMs": run.run_ms,
                "waitMs": run.wait_ms,
            }
            for run in report.runs
        ],
        "result": report.result,
        "summary": report.describe(),
    }


def deployment_json(deployment: Any) -> dict[str, Any]:
    action = deployment.action
    return {
        "name": action.get("name"),
        "namespace": action.get("namespace"),
        "version": action.get("version"),
        "uploaded": deployment.uploaded,
        "reason": deployment.reason,
        "summary": deployment.describe(),
        "url": deployment.url,
    }


def activation_json(record: Mapping[str, Any]) -> dict[str, Any]:
    """An activation record or list summary, plus what the sidebar shows: cold, init, wait, status."""
    t = timing(record)
    out = dict(record)
    out.update(
        {
            "cold": t.cold,
            "initTime": annotation(record, "initTime"),
            "waitTime": annotation(record, "waitTime"),
            "kind": annotation(record, "kind"),
            "status": t.status,
            "success": t.success,
        }
    )
    return out


def action_path(summary: Mapping[str, Any]) -> str:
    """The name to address an action by within its namespace: ``pkg/name`` for an action in a package
    (its summary's namespace is then ``ns/pkg``), else ``name``."""
    namespace = str(summary.get("namespace") or "")
    package = namespace.split("/", 1)[1] if "/" in namespace else ""
    return f"{package}/{summary.get('name')}" if package else str(summary.get("name"))


def action_json(
    summary: Mapping[str, Any],
    last: Mapping[str, Any] | None,
    components: list[str] | None = None,
    apihost: str | None = None,
) -> dict[str, Any]:
    """One row of the actions list (``IActionInfo``): an action summary, its last activation, for a
    sequence (``kind == "sequence"``, from the summary's ``exec`` annotation) its components, fully
    qualified and in order (``components`` is ``None`` for any other action), and for a web action its
    public URL on ``apihost``."""
    annotations = {a.get("key"): a.get("value") for a in summary.get("annotations") or []}
    exec_ = summary.get("exec") or {}
    limits = summary.get("limits") or {}
    return {
        "name": action_path(summary),
        "namespace": summary.get("namespace"),
        "version": summary.get("version"),
        "kind": exec_.get("kind") or annotations.get("exec"),
        "image": exec_.get("image"),
        "memory": limits.get("memory"),
        "timeout": limits.get("timeout"),
        "updated": summary.get("updated"),
        "className": annotations.get("jupyter-faas/class"),
        "notebook": annotations.get("jupyter-faas/notebook"),
        "lastActivation": activation_json(last) if last else None,
        "components": components,
        "webUrl": web_url(apihost, summary) if apihost and is_web(summary) else None,
    }


def _series(items: Iterable[Timing], limit: int) -> list[dict[str, Any]]:
    ordered = sorted(items, key=lambda t: (t.start, t.activation_id))[-limit:]
    return [
        {
            "activationId": t.activation_id,
            "action": t.action,
            "start": t.start,
            "duration": t.duration_ms,
            "initTime": t.init_ms if t.cold else None,
            "cold": t.cold,
            "success": t.success,
        }
        for t in ordered
    ]


def stats_json(records: Iterable[Mapping[str, Any]], *, points: int = 40) -> dict[str, Any]:
    """Per action (all its versions): counts, cold share, p50/p95 of duration, and the last ``points``."""
    items = [timing(r) for r in records]
    by_action: dict[str, list[Timing]] = {}
    for t in items:
        by_action.setdefault(t.action, []).append(t)
    actions = []
    for name in sorted(by_action):
        group = by_action[name]
        row = summarize(group).total
        actions.append(
            {
                "action": name,
                "versions": sorted({t.version for t in group}),
                "count": row.count,
                "cold": row.cold,
                "warm": row.warm,
                "coldShare": row.cold / row.count if row.count else None,
                "successRate": _num(row.success_rate * 100),
                "p50": _num(row.duration.p50),
                "p95": _num(row.duration.p95),
                "warmP50": _num(row.duration_warm.p50),
                "coldP50": _num(row.duration_cold.p50),
                "initP50": _num(row.init.p50),
                "waitP50": _num(row.wait.p50),
                "series": _series(group, points),
            }
        )
    return {"actions": actions, "activations": len(items)}
