"""The pipeline every front end runs (``pipeline.run_pipeline``): its stages in order with their names and
labels, each value given to the hook as it ends, a skipped test, and a hook that cancels what is left."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

from jupyter_faas.build import BuildOptions, BuildResult
from jupyter_faas.build.capture import Cell
from jupyter_faas.build.local_test import LocalTest
from jupyter_faas.pipeline import Hooks, Stage, run_pipeline

T = TypeVar("T")
CELLS = ["class Doubler:\n    def predict(self, n=1):\n        return {'twice': 2 * n}"]


def cells() -> list[Cell]:
    return [Cell(source, f"c{i}", i) for i, source in enumerate(CELLS)]


class Recording(Hooks):
    def __init__(self, cancel_at: str | None = None) -> None:
        self.seen: list[tuple[str, str, str]] = []
        self.cancel_at = cancel_at

    def run(self, stage: Stage, work: Callable[[], T]) -> T:
        if stage.name == self.cancel_at:
            raise KeyboardInterrupt
        self.seen.append(("run", stage.name, stage.label))
        return work()

    def done(self, stage: Stage, value: Any) -> None:
        self.seen.append(("done", stage.name, type(value).__name__))


def test_build_then_test_each_value_as_it_ends(tmp_path: Path) -> None:
    hooks = Recording()
    options = BuildOptions("Doubler", output=tmp_path, test_args={"n": 21})
    run = run_pipeline(cells(), options, warm=1, hooks=hooks)
    assert hooks.seen == [
        ("run", "build", "Building Doubler"),
        ("done", "build", "BuildResult"),
        ("run", "test", "Testing doubler locally"),
        ("done", "test", "LocalTest"),
    ]
    assert isinstance(run.result, BuildResult) and isinstance(run.test, LocalTest)
    assert run.test.result == {"twice": 42} and len(run.test.runs) == 2  # one cold, one warm
    assert run.deployment is None  # no client: nothing deployed


def test_no_test_skips_the_stage_and_a_raising_hook_cancels_the_rest(tmp_path: Path) -> None:
    hooks = Recording()
    run = run_pipeline(cells(), BuildOptions("Doubler", output=tmp_path, no_test=True), hooks=hooks)
    assert [s[1] for s in hooks.seen] == ["build", "build"] and run.test is None
    reached: list[str] = []
    cancel = Recording(cancel_at="test")
    with pytest.raises(KeyboardInterrupt):
        run_pipeline(
            cells(),
            BuildOptions("Doubler", output=tmp_path),
            client=lambda: reached.append("x"),
            hooks=cancel,
        )
    assert [s[1] for s in cancel.seen] == ["build", "build"]
    assert reached == []  # the client is not even resolved once the run is cancelled
