"""Nothing the tool shows can run code (issue 11, point 5): hostile values rendered in headless Chromium.

Every hostile payload of ``tests/fixtures/hostile.json`` goes through every notebook rendering (activation
results, records and logs, listings, configuration, traces, entity views, stats, and the build/deploy and
local-test reports of a real build whose class returns the payloads), and through the sidebar's result
and error views (rendered by ``labextension/src/__tests__/inert.test.tsx``). Each page is loaded in Debian's
Chromium: no payload may run (``window.__pwned``), open a dialog, or add an element, a handler or an
image of its own. A control page with the payloads pasted raw proves the detector sees them.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from jupyter_faas.build import BuildOptions, build
from jupyter_faas.build import Deployment as ServerDeployment
from jupyter_faas.build.capture import Cell
from jupyter_faas.build.local_test import local_test_of
from jupyter_faas.display import (
    ActionList,
    Activation,
    ActivationList,
    ConfigView,
    Deployment,
    LocalTestReport,
    Logs,
    Stats,
)
from jupyter_faas.display.events import EntityView, TraceView
from jupyter_faas.display.html import json_html
from jupyter_faas.openwhisk.trace import Firing, Trace
from jupyter_faas.stats import summarize

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("FAAS_CHROMIUM", "/usr/bin/chromium"))
HOSTILE: list[str] = json.loads((ROOT / "tests" / "fixtures" / "hostile.json").read_text())["payloads"]
os.environ.setdefault("JUPYTER_FAAS_CACHE", str(ROOT / ".cache" / "jupyter-faas"))

pytestmark = pytest.mark.slow


def _record(p: str, i: int) -> dict[str, Any]:
    value = {f"k{i}{p}": p, "list": [p, {"deep": p}]}
    return {
        "activationId": f"{i:032x}",
        "name": p,
        "namespace": p,
        "version": p,
        "start": 1_700_000_000_000 + i,
        "end": 1_700_000_000_050 + i,
        "duration": 50,
        "statusCode": 1,
        "response": {"status": "application error", "success": False, "result": {"error": p, **value}},
        "logs": [f"2026-12-02T00:00:00.000000Z stdout: {p}"],
        "annotations": [
            {"key": "path", "value": p},
            {"key": "kind", "value": "python:3.11"},
            {"key": "initTime", "value": 10},
            {"key": "waitTime", "value": 3},
        ],
    }


def _notebook_views(tmp_path: Path) -> list[str]:
    records = [_record(p, i) for i, p in enumerate(HOSTILE)]
    views: list[Any] = [
        ActivationList.of(records),
        ActionList(
            [
                {"namespace": p, "name": p, "version": p, "annotations": [{"key": "exec", "value": p}]}
                for p in HOSTILE
            ]
        ),
        ConfigView([(p, p, p) for p in HOSTILE], note=HOSTILE[0]),
        Stats.of(summarize(records), records, title=HOSTILE[1]),
    ]
    for i, (p, record) in enumerate(zip(HOSTILE, records, strict=True)):
        views += [Activation(record), Logs(p, record["logs"])]
        doc = {"namespace": p, "name": p, "version": p, "status": p, "parameters": [{"key": p, "value": p}],
               "trigger": {"path": p, "name": p}, "exec": {"components": [p]}, "binding": {"namespace": p},
               "rules": {p: {"status": p}}}  # fmt: skip
        views += [EntityView(p, doc), EntityView("sequence", doc)]
        firing = Firing(rule=p, action=p, status_code=0, activation_id=f"{i:032x}", record=record,
                        components=[record])  # fmt: skip
        failed = Firing(rule=p, action=p, status_code=1, error=p)
        views.append(TraceView(Trace(trigger=p, activation_id=p, record=record, firings=[firing, failed])))
    photo = base64.b64encode((ROOT / "samples" / "photos" / "camera.png").read_bytes()).decode()
    pages = [json_html({"photo": photo, **{p: p for p in HOSTILE}})] + [v._repr_html_() for v in views]
    return pages + _build_reports(tmp_path)


def _build_reports(tmp_path: Path) -> list[str]:
    """A real build whose cell ids and source label are hostile and whose class returns the payloads."""
    source = (
        f"PAYLOADS = {HOSTILE!r}\n\n"
        "class Hostile:\n    def predict(self):\n        return {p: p for p in PAYLOADS}\n"
    )
    cells = [Cell(source=source, id=HOSTILE[1], index=0)]
    options = BuildOptions("Hostile", name="hostile", output=tmp_path / "build", base_dir=tmp_path,
                           source_label=HOSTILE[3], test_args={})  # fmt: skip
    result = build(cells, options)
    test = local_test_of(result, warm=1)
    assert test.ok and test.result == {p: p for p in HOSTILE}  # the payloads really reach the reports
    server = ServerDeployment(action={"namespace": HOSTILE[0], "version": HOSTILE[2]}, uploaded=True,
                              reason=HOSTILE[4])  # fmt: skip
    return [LocalTestReport(result, test)._repr_html_(), Deployment(result, test, server)._repr_html_()]


def _sidebar_markup(tmp_path: Path) -> str:
    out = tmp_path / "sidebar.html"
    done = subprocess.run(
        ["npx", "vitest", "run", "--root", "labextension", "src/__tests__/inert.test.tsx"],
        cwd=ROOT,
        env={**os.environ, "FAAS_SIDEBAR_MARKUP": str(out)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out.read_text()


def _page(path: Path, body: str) -> Path:
    path.write_text(f"<!doctype html><html><head><meta charset='utf-8'></head><body>{body}</body></html>")
    return path


def _chromium(pages: list[Path]) -> list[dict[str, Any]]:
    done = subprocess.run(
        ["node", str(ROOT / "tests" / "ui" / "inert.mjs")],
        cwd=ROOT,
        env={**os.environ, "PAGES": json.dumps([str(p) for p in pages]), "CHROMIUM": str(CHROMIUM)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report: list[dict[str, Any]] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


@pytest.mark.timeout(600)
def test_hostile_values_render_inert_in_a_real_browser(tmp_path: Path) -> None:
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)"
    notebook = _page(tmp_path / "notebook.html", "".join(_notebook_views(tmp_path)))
    sidebar = _page(tmp_path / "sidebar.html", _sidebar_markup(tmp_path))
    control = _page(tmp_path / "control.html", "".join(HOSTILE))  # pasted raw: what escaping prevents
    by_file = {r["file"]: r for r in _chromium([notebook, sidebar, control])}

    raw = by_file[str(control)]
    assert raw["pwned"] == 1 and raw["elements"] and raw["handlers"] and raw["jsLinks"] and raw["badImages"]
    for page in (notebook, sidebar):
        seen = by_file[str(page)]
        assert seen["pwned"] is None, seen
        assert seen["dialogs"] == [] and seen["elements"] == [], seen
        assert seen["handlers"] == 0 and seen["jsLinks"] == 0 and seen["badImages"] == [], seen
        assert seen["textLength"] > sum(len(p) for p in HOSTILE)  # the payloads are there, as text
    assert by_file[str(notebook)]["images"] == 1  # a real photo in a result still shows
