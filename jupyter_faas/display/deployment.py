"""``Deployment`` and ``LocalTestReport``: what ``%%faas_deploy`` and ``%faas_test`` return.

A ``Deployment`` holds the build (``build.BuildResult``), the local test (``local_test.LocalTest``, if
run) and what the server did (``build.Deployment``, unless ``--dry-run``), and renders them as one summary:
action name and version, the plan and its sizes, what was captured and from where, the dependencies, the
local test's result and its cold / warm times. Pure: no IPython, no HTTP; it only shows what the services
returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..build.packaging import mb
from ..contract import MAX_CODE_BYTES, base64_size
from .html import CSS_CLASS, badge, cold_warm_badge, esc, json_html, json_text, ms, status_badge, table

if TYPE_CHECKING:
    from ..build import BuildResult
    from ..build import Deployment as ServerDeployment
    from ..build.local_test import LocalTest

__all__ = ["Deployment", "LocalTestReport"]


def _plan_rows(build: BuildResult) -> list[list[str]]:
    package = build.package
    kind = f"blackbox ({package.image})" if package.image else package.kind
    return [
        ["plan", esc(package.plan.choice)],
        ["why", esc(package.plan.reason)],
        ["kind", esc(kind)],
        ["zip", f"{mb(package.size)} ({mb(base64_size(package.size))} as base64 of {mb(MAX_CODE_BYTES)})"],
        ["files", esc(", ".join(package.entries[:12]) + (" ..." if len(package.entries) > 12 else ""))],
        ["sha256", f"<code>{esc(package.sha256[:16])}</code>" + (" (reused)" if package.cached else "")],
        ["written to", f"<code>{esc(build.output)}</code>"],
    ]


def _capture_html(build: BuildResult) -> str:
    capture = build.capture
    rows = [
        [esc(p.statement.where), f"<code>{esc(p.statement.title[:60])}</code>", esc(p.reason)]
        for p in capture.pieces
    ]
    rows += [[esc(f.arcname), f"{f.path.stat().st_size:,} bytes", esc(f.reason)] for f in capture.modules]
    rows += [[esc(f.arcname), f"{f.path.stat().st_size:,} bytes", esc(f.reason)] for f in capture.files]
    notes = "".join(
        f"<li>{esc(n)}</li>" for n in [*capture.notes, *(f"skipped {s}" for s in capture.skipped)]
    )
    head = (
        f"<p>Captured <b>{esc(capture.class_name)}</b> from {esc(capture.source)}, "
        f"calls <code>.{esc(capture.method.name)}({esc(', '.join(capture.method.params))})</code></p>"
    )
    return head + table(["where", "what", "why"], rows) + (f"<ul>{notes}</ul>" if notes else "")


def _requirements_html(build: BuildResult) -> str:
    reqs = build.requirements
    rows = [[f"<code>{esc(r.line)}</code>", esc(r.reason)] for r in reqs.install]
    out = table(["install", "why"], rows) if rows else "<p>Nothing to install.</p>"
    if reqs.preinstalled:
        out += f"<p>Left out (in {esc(reqs.kind)} already): {esc(', '.join(reqs.preinstalled))}</p>"
    return out


def _test_html(test: LocalTest | None, skipped_reason: str) -> str:
    if test is None:
        return f"<p>{esc(skipped_reason)}</p>"
    verdict = status_badge("passed" if test.ok else "failed", test.ok)
    if test.smoke and test.ok:
        verdict = badge("starts", "ok") + " (no --test-args: only the cold start was checked)"
    rows = []
    for i, run in enumerate(test.runs):
        label = cold_warm_badge(run.cold) + ("" if run.cold else f" {i}")
        status = status_badge("success" if run.ok else f"status {run.status_code}", run.ok)
        rows.append([label, status, ms(run.init_ms), ms(run.run_ms)])
    out = f"<p>Local test: {verdict}</p>" + table(["start", "status", "init", "run"], rows)
    if test.runs and not test.smoke:
        out += json_html(test.result)
    return out


def _notes(notes: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul>" if notes else ""


def _section(title: str, body: str) -> str:
    return f"<h4>{esc(title)}</h4>{body}"


@dataclass
class LocalTestReport:
    """``%faas_test``: the build and its local runs (the first cold, the others warm)."""

    build: BuildResult
    test: LocalTest

    @property
    def ok(self) -> bool:
        return self.test.ok

    @property
    def result(self) -> Any:
        return self.test.result

    def __repr__(self) -> str:
        text = [self.build.summary(), self.test.describe()]
        if self.test.runs and not self.test.smoke:
            text.append("Result: " + json_text(self.test.result))
        return "\n".join(text)

    def _repr_html_(self) -> str:
        return (
            f'<div class="{CSS_CLASS}-test"><p><b>{esc(self.build.name)}</b> built and tested locally</p>'
            + table(["", ""], _plan_rows(self.build))
            + _test_html(self.test, "")
            + "</div>"
        )


@dataclass
class Deployment:
    """``%%faas_deploy``: build, local test and the action as the server returned it."""

    build: BuildResult
    test: LocalTest | None
    server: ServerDeployment | None  # None with --dry-run
    test_skipped: str = "Local test skipped (--no-test)."

    @property
    def name(self) -> str:
        return self.build.name

    @property
    def action(self) -> dict[str, Any]:
        return dict(self.server.action) if self.server else {}

    @property
    def version(self) -> str | None:
        return str(self.action.get("version")) if self.server else None

    @property
    def uploaded(self) -> bool:
        return bool(self.server and self.server.uploaded)

    @property
    def url(self) -> str | None:
        """A web action's public URL (``.json`` added, it answers the model's result as JSON)."""
        return self.server.url if self.server else None

    @property
    def dry_run(self) -> bool:
        return self.server is None

    @property
    def headline(self) -> str:
        if self.server is None:
            return f"Dry run: {self.name} built (and tested), nothing deployed."
        return self.server.describe()

    def __repr__(self) -> str:
        parts = [self.headline, self.build.summary()]
        parts.append(self.test.describe() if self.test is not None else self.test_skipped)
        if self.test is not None and self.test.runs and not self.test.smoke:
            parts.append("Local test result: " + json_text(self.test.result))
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        if self.server is None:
            head = f"{badge('dry run', 'info')} <b>{esc(self.name)}</b> built, nothing deployed"
        else:
            what = badge("uploaded", "ok") if self.uploaded else badge("unchanged", "info")
            head = (
                f"{what} <b>{esc(self.action.get('namespace', ''))}/{esc(self.name)}</b> "
                f"version <b>{esc(self.version)}</b>: {esc(self.server.reason)}"
            )
            if self.server.url:
                head += f"<br/>Web action: <code>POST {esc(self.server.url)}.json</code>"
        stages = ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in self.build.seconds.items())
        return (
            f'<div class="{CSS_CLASS}-deployment"><p>{head}</p>'
            + _section("Package", table(["", ""], _plan_rows(self.build)) + f"<p>Build: {esc(stages)}</p>")
            + _notes(self.build.notes)
            + _section("Captured", _capture_html(self.build))
            + _section(f"Dependencies ({self.build.requirements.kind})", _requirements_html(self.build))
            + _section("Local test", _test_html(self.test, self.test_skipped))
            + "</div>"
        )
