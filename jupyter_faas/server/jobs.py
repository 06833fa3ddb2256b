"""Build jobs: build -> local test -> deploy of one notebook class, run off the event loop, with progress.

``POST /jupyter-faas/builds`` starts a ``BuildJob`` in the services' thread pool and answers at once with
its id; the sidebar then polls ``GET /jupyter-faas/builds/<id>`` and shows the stage in progress, then the
build summary (plan, sizes), the local test (cold/warm) and the deployment. Each stage calls one service:
``build.build``, ``local_test.local_test_of``, ``build.deploy``. A failure stops the job with the error as
``{error, code, fix}``. This module owns the job records and their life, not the work itself.
"""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import FaasError
from ..pipeline import STAGES
from .payloads import build_json, deployment_json, local_test_json

T = TypeVar("T")

if TYPE_CHECKING:
    from ..build import Source
    from .backend import Backend

__all__ = ["BuildJob", "BuildRequest", "Jobs", "error_json"]


def error_json(exc: BaseException) -> dict[str, Any]:
    """``{error, code, fix, steps, status}`` of an exception: the one translation the server extension makes.

    ``steps`` are the fix's next steps as data (``{verb, args}``): the sidebar offers a button for each one
    it can do (open an activation, refresh the lists); ``fix`` words them as commands for a terminal."""
    if isinstance(exc, FaasError):
        out: dict[str, Any] = {
            "error": exc.message,
            "code": type(exc).__name__,
            "fix": exc.fix,
            "steps": [{"verb": step.verb, "args": list(step.args)} for step in exc.steps],
            "status": exc.status,
        }
        if exc.activation_id:
            out["activationId"] = exc.activation_id
        return out
    return {
        "error": f"Internal error in the jupyter-faas server extension: {type(exc).__name__}: {exc}",
        "code": "InternalError",
        "fix": "See the Jupyter server's log for the traceback, and report it.",
        "steps": [],
        "status": 500,
    }


@dataclass(frozen=True)
class BuildRequest:
    """The sidebar's deploy form, checked."""

    class_name: str
    name: str | None = None
    method: str | None = None
    kind: str | None = None
    image: str | None = None
    memory: int | None = None
    timeout: int | None = None
    test_args: dict[str, Any] | None = None
    test: bool = True
    deploy: bool = True
    web: bool = False  # a web action (--web true)

    def build_options(self) -> dict[str, Any]:
        """The ``BuildOptions`` fields the form sets."""
        from ..build.options import FORM_FIELDS

        return {attr: getattr(self, attr) for attr in FORM_FIELDS}

    @classmethod
    def parse(cls, body: Any) -> BuildRequest:
        if not isinstance(body, dict):
            raise FaasError(
                "The deploy options must be a JSON object.", fix="Fill in the deploy form.", status=400
            )
        from ..build import BuildOptions, checked_name
        from ..build.options import from_form

        form = from_form(body)  # the form's keys and checks, from the one definition of the options
        if not form["class_name"]:
            raise FaasError("No class given.", fix="Pick a class of the notebook to deploy.", status=400)
        checked_name(BuildOptions(form["class_name"], name=form["name"]))  # before it names a path: 400
        return cls(
            **form,
            test=bool(body.get("test", True)),
            deploy=bool(body.get("deploy", True)),
            web=body.get("web") is True,
        )


@dataclass
class BuildJob:
    """One build/test/deploy run and everything the sidebar shows about it."""

    id: str
    request: BuildRequest
    notebook: str
    state: str = "running"  # running | succeeded | failed
    stage: str | None = None
    stages: dict[str, dict[str, Any]] = field(default_factory=dict)
    build: dict[str, Any] | None = None
    test: dict[str, Any] | None = None
    deployment: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    created: float = field(default_factory=time.time)
    seq: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "className": self.request.class_name,
            "notebook": self.notebook,
            "state": self.state,
            "stage": self.stage,
            "stages": [{"name": s, **self.stages.get(s, {"state": "pending"})} for s in self._planned()],
            "build": self.build,
            "test": self.test,
            "deployment": self.deployment,
            "error": self.error,
            "created": int(self.created * 1000),
        }

    def _planned(self) -> list[str]:
        skip = {"test"} if not self.request.test else set()
        skip |= {"deploy"} if not self.request.deploy else set()
        return [s for s in STAGES if s not in skip]


class Jobs:
    """The jobs of one server: start one, read one; the oldest finished ones are forgotten."""

    def __init__(self, keep: int = 50) -> None:
        self.keep = keep
        self._jobs: OrderedDict[str, BuildJob] = OrderedDict()
        self._lock = threading.Lock()
        self._seq = itertools.count()

    def create(self, request: BuildRequest, notebook: str) -> BuildJob:
        job = BuildJob(id=uuid.uuid4().hex, request=request, notebook=notebook, seq=next(self._seq))
        with self._lock:
            self._jobs[job.id] = job
            finished = [j for j in self._jobs.values() if j.state != "running"]
            for old in finished[: max(0, len(self._jobs) - self.keep)]:
                del self._jobs[old.id]
        return job

    def get(self, job_id: str) -> dict[str, Any]:
        from ..errors import NotFound

        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                raise NotFound(
                    f"No build job {job_id} on this server.",
                    fix="It finished long ago or the server restarted: deploy again.",
                )
            return job.to_json()

    def stage(self, job: BuildJob, name: str, fn: Callable[[], Any]) -> Any:
        """Run one stage of ``job``, recording its state and wall time."""
        with self._lock:
            job.stage = name
            job.stages[name] = {"state": "running"}
        start = time.perf_counter()
        try:
            value = fn()
        except BaseException:
            with self._lock:
                job.stages[name] = {"state": "failed", "seconds": round(time.perf_counter() - start, 3)}
            raise
        with self._lock:
            job.stages[name] = {"state": "done", "seconds": round(time.perf_counter() - start, 3)}
        return value

    def finish(self, job: BuildJob, error: BaseException | None = None) -> None:
        from ..build.local_test import LocalTest

        with self._lock:
            job.state = "failed" if error is not None else "succeeded"
            job.stage = None
            if error is not None:
                job.error = error_json(error)
                details = error.details if isinstance(error, FaasError) else None
                if isinstance(details, LocalTest):  # a failed local test: show its runs
                    job.test = local_test_json(details)

    def update(self, job: BuildJob, **values: Any) -> None:
        names = {f.name for f in fields(BuildJob)}
        with self._lock:
            for key, value in values.items():
                assert key in names, key
                setattr(job, key, value)


def run_job(jobs: Jobs, job: BuildJob, source: Source, base_dir: Path, services: Backend) -> None:
    """The body of a build job (runs in a worker thread): the pipeline, each stage recorded in the job."""
    from ..build import BuildOptions
    from ..pipeline import BUILD, DEPLOY, TEST, Hooks, Stage, run_pipeline

    shapes: dict[str, tuple[str, Callable[[Any], dict[str, Any]]]] = {
        BUILD: ("build", build_json),
        TEST: ("test", local_test_json),
        DEPLOY: ("deployment", deployment_json),
    }

    class Recorded(Hooks):
        def run(self, stage: Stage, work: Callable[[], T]) -> T:
            value: T = jobs.stage(job, stage.name, work)
            return value

        def done(self, stage: Stage, value: Any) -> None:
            field_name, shape = shapes[stage.name]
            jobs.update(job, **{field_name: shape(value)})

    request = job.request
    try:
        options = BuildOptions(
            **request.build_options(),
            no_test=not request.test,
            web="true" if request.web else None,  # unticked: as deployed before (a redeploy keeps it)
            output=services.build_output(request),
            base_dir=base_dir,  # local modules and files beside the notebook
            source_label=job.notebook,  # provenance: the notebook's path under the server root
        )
        client = services.client if request.deploy else None
        run_pipeline(source, options, warm=services.settings.warm_runs, client=client, hooks=Recorded())
    except Exception as exc:
        services.log_error(exc)
        jobs.finish(job, exc)
        return
    jobs.finish(job)
