"""Local test: run a built package through the engine's runtime, exactly as the engine would run it.

Owns one cold activation and N warm ones of a ``Package`` with given arguments, through
``jupyter_faas.runtime.Runtime`` (same launcher, same isolation: the kind's stock packages plus the
package's own ``virtualenv/`` or image, never this process's site-packages), and turning a failure into
an ``ActionError`` whose message is what a cluster would say and whose fix says what to change (a missing
module -> which requirement or import to add). It does not build packages (``packaging/``) nor launch
processes itself (``runtime/``).
"""

from __future__ import annotations

import re
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..contract import GUEST_NAMESPACE, LIMITS, STATUS_CODES
from ..errors import ActionError
from .packaging import Package

if TYPE_CHECKING:
    from .service import BuildResult

__all__ = ["LocalRun", "LocalTest", "local_test", "local_test_of"]

_MISSING = re.compile(r"ModuleNotFoundError: No module named '([^']+)'")
_NAME_ERROR = re.compile(r"NameError: name '([^']+)' is not defined")
_FRAME = re.compile(r'File "[^"]*/action/([^"]+)", line (\d+)')
_LOG_PREFIX = re.compile(r"^\S+Z (stdout|stderr): ")
_SANDBOX_REFUSED = re.compile(r"sandbox: (.+?) is outside the action's package")
_FILE_ERROR = re.compile(r"(?:FileNotFoundError|No such file or directory)[^']*'([^']+)'")


@dataclass
class LocalRun:
    """One activation of the local test."""

    cold: bool
    status_code: int
    result: Any
    logs: list[str]
    init_ms: int | None
    run_ms: int  # duration without init
    wait_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code == 0


@dataclass
class LocalTest:
    """All runs of one local test; the first is the cold start."""

    action: str
    runs: list[LocalRun] = field(default_factory=list)
    smoke: bool = False  # no test arguments: only the cold start (imports, model loading) is checked

    @property
    def ok(self) -> bool:
        accepted = (0, 1) if self.smoke else (0,)
        return bool(self.runs) and all(r.status_code in accepted for r in self.runs)

    @property
    def result(self) -> Any:
        return self.runs[0].result if self.runs else None

    def describe(self) -> str:
        verdict = "passed" if self.ok else "FAILED"
        if self.smoke and self.ok:
            verdict = "the action starts (imports and model load work); give --test-args to test a call"
        lines = [f"Local test of {self.action}: {verdict}"]
        for i, run in enumerate(self.runs):
            label = "cold" if run.cold else f"warm {i}"
            init = f"init {run.init_ms} ms, " if run.init_ms is not None else ""
            lines.append(f"  {label:<7} {STATUS_CODES[run.status_code]:<22} {init}run {run.run_ms} ms")
        if self.runs and self.runs[0].logs:
            logs = self.runs[0].logs
            lines.append(
                f"  logs of the cold run ({len(logs)} lines{', last 10' if len(logs) > 10 else ''}):"
            )
            lines += [f"    {_LOG_PREFIX.sub('', line)}" for line in logs[-10:]]
        return "\n".join(lines)


def _fix_for(logs: list[str], result: Any) -> str:
    text = "\n".join(logs)
    missing = _MISSING.findall(text)
    if missing:
        module = missing[-1].split(".")[0]
        return (
            f"The action imports {module}, which neither the kind nor the package provides. Import it in a "
            f"captured cell (so its distribution is bundled) or add it with --requirements; if {module} is "
            "a file beside the notebook, --include it."
        )
    names = _NAME_ERROR.findall(text)
    if names:
        frames = _FRAME.findall(text)
        where = frames[-1] if frames else ("main__.py", "?")
        if where[0] != "main__.py":
            return f"{names[-1]} is not defined in {where[0]} (line {where[1]}): import or define it there."
        return f"{names[-1]} is not defined in the action: define or import it in a cell the class uses."
    refused = _SANDBOX_REFUSED.findall(text)
    if refused:  # the sandbox's own line (launcher._explain): a path a container would not have
        return (
            f"The action reads {refused[-1]}, outside its package: a container would not have it. "
            "--include it (the notebook's folder is the root), or read it from a URL or a parameter."
        )
    files = _FILE_ERROR.findall(text)
    if files:
        return (
            f"The action reads {files[-1]}, which is not in the zip: --include it (relative to the notebook)."
        )
    return "Read the logs above; fix the notebook and build again."


def local_test(
    package: Package,
    *,
    name: str,
    args: dict[str, Any] | None = None,
    params: dict[str, Any] | None = None,
    warm: int = 2,
    memory_mb: int = 256,
    timeout_ms: int = 60_000,
    work_dir: Path | None = None,
    raise_on_failure: bool = True,
) -> LocalTest:
    """Run ``package`` once cold and ``warm`` times warm with ``args``; ActionError if a run fails.

    Without ``args`` it is a smoke test: one cold run with ``{}``, which passes when the action starts,
    even if the call itself then fails for want of parameters (an application error). ``params`` are the
    action's default parameters: as OpenWhisk does, each run gets them with ``args`` merged over them.
    """
    from ..runtime import ActionSpec, RunRequest, Runtime

    own_dir = work_dir is None
    folder = Path(work_dir) if work_dir is not None else Path(tempfile.mkdtemp(prefix="faas-local-test-"))
    runtime = Runtime(folder, prewarm=False)
    report = LocalTest(action=name, smoke=args is None)
    try:
        if package.image and package.image_dir is not None:
            runtime.images.build(package.image, package.image_dir)
        spec = ActionSpec(
            key=f"local-test/{name}@{package.sha256[:16]}",
            kind=package.kind,
            code=package.code(),
            binary=True,
            image=package.image,
            memory_mb=memory_mb,
            timeout_ms=timeout_ms,
        )
        for i in range(1 if args is None else 1 + max(warm, 0)):
            request = RunRequest(
                params={**(params or {}), **(args or {})},
                activation_id=uuid.uuid4().hex,
                namespace=GUEST_NAMESPACE,
                action_name=f"/{GUEST_NAMESPACE}/{name}",
                action_version="0.0.1",
            )
            outcome = runtime.run(spec, request)
            duration = outcome.end_ms - outcome.start_ms
            run = LocalRun(
                cold=outcome.init_ms is not None,
                status_code=outcome.status_code,
                result=outcome.result,
                logs=outcome.logs,
                init_ms=outcome.init_ms,
                run_ms=max(duration - (outcome.init_ms or 0), 0),
                wait_ms=outcome.wait_ms,
            )
            report.runs.append(run)
            if not report.ok:
                if raise_on_failure:
                    error = run.result.get("error") if isinstance(run.result, dict) else run.result
                    tail = "\n".join(_LOG_PREFIX.sub("", line) for line in run.logs[-12:])
                    raise ActionError(
                        f"Local test of {name} failed ({'cold start' if i == 0 else 'warm run'}, "
                        f"{STATUS_CODES[run.status_code]}): {error}\n{tail}",
                        fix=_fix_for(run.logs, run.result),
                        details=report,
                    )
                break
    finally:
        runtime.shutdown()
        if own_dir:
            import shutil

            shutil.rmtree(folder, ignore_errors=True)
    return report


def local_test_of(result: BuildResult, *, warm: int = 2) -> LocalTest:
    """The local test of a build, run as it will be deployed: its test arguments over its default
    parameters, its memory and time limits (else OpenWhisk's defaults). What every front end calls."""
    options = result.options
    return local_test(
        result.package,
        name=result.name,
        args=options.test_args,
        params=options.params,
        warm=warm,
        memory_mb=options.memory or LIMITS["memory"].default,
        timeout_ms=options.timeout or LIMITS["timeout"].default,
    )
