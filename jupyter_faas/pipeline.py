"""Build -> local test -> deploy in one call, with a hook around each stage: what every front end runs.

``run_pipeline(source, options, warm=..., client=...)`` builds (``build.build``), tests the package
locally as OpenWhisk would (``local_test.local_test_of``, unless ``options.no_test``) and, when given a
way to reach an OpenWhisk, deploys (``build.deploy``). A front end passes ``Hooks``: ``run`` wraps each
stage (a progress line in a notebook, a job's stage record in the sidebar; raising there cancels what is
left) and ``done`` gets each stage's value as soon as it is there (the CLI prints it, a job stores it).
The stages and their words are named here once (``Stage``), so the CLI, the magics and the server
extension stay three ways of showing the same run. What this module does not own: the stages' work
(``build/service.py``, ``build/local_test.py``), how a front end shows them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # (imported when a run starts: a front end loads this module cheaply, for its hooks)
    from .build import BuildOptions, BuildResult, Deployment, Source
    from .build.local_test import LocalTest
    from .openwhisk import Client

__all__ = ["BUILD", "DEPLOY", "STAGES", "TEST", "Hooks", "Outcome", "Stage", "run_pipeline"]

T = TypeVar("T")


@dataclass(frozen=True)
class Stage:
    """One stage of a run: ``name`` (``build``, ``test``, ``deploy``: what a job records) and ``label``
    (what a progress line says, e.g. ``Testing smart-body-crop locally``)."""

    name: str
    label: str


BUILD, TEST, DEPLOY = "build", "test", "deploy"
STAGES = (BUILD, TEST, DEPLOY)  # in the order a run takes them


class Hooks:
    """What a front end does around the stages; the default runs them and shows nothing."""

    def run(self, stage: Stage, work: Callable[[], T]) -> T:
        """Run ``work`` (the stage); a front end times it, shows it, or raises to cancel the run."""
        return work()

    def done(self, stage: Stage, value: Any) -> None:
        """The stage's value: a ``BuildResult``, a ``LocalTest``, a ``Deployment``."""


@dataclass
class Outcome:
    """What a run produced: the build, its local test (None when skipped) and its deployment (None when
    nothing was deployed)."""

    result: BuildResult
    test: LocalTest | None = None
    deployment: Deployment | None = None


def run_pipeline(
    source: Source,
    options: BuildOptions,
    *,
    warm: int = 2,
    client: Callable[[], Client] | None = None,
    hooks: Hooks | None = None,
) -> Outcome:
    """Build ``source`` with ``options``, test it locally (``warm`` warm runs after the cold one) unless
    ``options.no_test``, and deploy it through ``client()`` when a ``client`` is given (called only then:
    resolving one may start the embedded engine). Errors are the stages' own ``FaasError``s."""
    from .build import build, deploy
    from .build.local_test import local_test_of

    hooks = hooks or Hooks()
    what = options.name or options.class_name or "the action"
    stage = Stage(BUILD, f"Building {what}")
    result = hooks.run(stage, lambda: build(source, options))
    hooks.done(stage, result)
    outcome = Outcome(result)
    if not options.no_test:
        stage = Stage(TEST, f"Testing {result.name} locally")
        outcome.test = hooks.run(stage, lambda: local_test_of(result, warm=warm))
        hooks.done(stage, outcome.test)
    if client is not None:
        target = client()
        stage = Stage(DEPLOY, f"Deploying {result.name} to {target.config.apihost}")
        outcome.deployment = hooks.run(stage, lambda: deploy(result, target))
        hooks.done(stage, outcome.deployment)
    return outcome
