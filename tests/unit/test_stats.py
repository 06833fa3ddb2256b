"""Activation statistics from records shaped like the contract's activation record (section 2)."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from jupyter_faas.stats import percentile, summarize, timing, timings

T0 = 1_763_700_000_000


def record(
    n: int,
    *,
    name: str = "crop",
    version: str = "0.0.1",
    duration: int = 100,
    init: int | None = None,
    wait: int = 3,
    status: str = "success",
    start: int | None = None,
) -> dict[str, Any]:
    """A full activation record as OpenWhisk stores it."""
    annotations: list[dict[str, Any]] = [
        {"key": "limits", "value": {"concurrency": 1, "logs": 10, "memory": 256, "timeout": 60000}},
        {"key": "path", "value": f"guest/{name}"},
        {"key": "kind", "value": "python:3.11"},
        {"key": "timeout", "value": False},
    ]
    if init is not None:
        annotations.append({"key": "initTime", "value": init})
    annotations.append({"key": "waitTime", "value": wait})
    begin = T0 + n * 1000 if start is None else start
    return {
        "namespace": "guest",
        "name": name.split("/")[-1],
        "subject": "guest",
        "activationId": f"{n:032x}",
        "start": begin,
        "end": begin + duration,
        "duration": duration,
        "response": {
            "result": {} if status == "success" else {"error": "boom"},
            "size": 2,
            "status": status,
            "success": status == "success",
        },
        "logs": [],
        "version": version,
        "publish": False,
        "annotations": annotations,
    }


def test_cold_is_exactly_has_init_time_and_run_excludes_init() -> None:
    cold = timing(record(1, duration=900, init=700, wait=40))
    warm = timing(record(2, duration=120, wait=2))
    assert (cold.cold, cold.init_ms, cold.run_ms, cold.wait_ms) == (True, 700, 200, 40)
    assert (warm.cold, warm.init_ms, warm.run_ms) == (False, 0, 120)
    assert cold.action == "crop" and cold.version == "0.0.1"


def test_list_summaries_use_status_code() -> None:
    full = record(3, status="application error", init=10, duration=50)
    summary = {
        k: full[k]
        for k in (
            "namespace",
            "name",
            "version",
            "publish",
            "annotations",
            "activationId",
            "start",
            "end",
            "duration",
        )
    }
    summary["statusCode"] = 1
    t = timing(summary)
    assert (t.status, t.success, t.cold, t.run_ms) == ("application error", False, True, 40)


def test_package_action_name_comes_from_the_path_annotation() -> None:
    assert timing(record(4, name="vision/crop")).action == "vision/crop"


def test_percentile_interpolates_like_numpy() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 95) == pytest.approx(95.05)
    assert percentile(values, 99) == pytest.approx(99.01)
    assert percentile([7.0], 99) == 7.0
    assert math.isnan(percentile([], 50))
    numpy = pytest.importorskip("numpy")
    data = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0]
    for q in (50, 95, 99):
        assert percentile(data, q) == pytest.approx(float(numpy.percentile(data, q)))


def test_summary_per_action_and_version() -> None:
    records = [record(0, duration=1000, init=800)]
    records += [record(i, duration=100 + i) for i in range(1, 20)]
    records += [record(20, status="action developer error", duration=60000)]
    records += [record(30 + i, version="0.0.2", duration=50, init=30 if i == 0 else None) for i in range(5)]
    records += [record(40, name="other", duration=10)]
    summary = summarize(records)
    rows = {(r.action, r.version): r for r in summary.rows}
    assert list(rows) == [("crop", "0.0.1"), ("crop", "0.0.2"), ("other", "0.0.1")]
    v1 = rows["crop", "0.0.1"]
    assert (v1.count, v1.cold, v1.warm) == (21, 1, 20)
    assert v1.success_rate == pytest.approx(20 / 21)
    assert v1.statuses == {"success": 20, "action developer error": 1}
    assert v1.init.n == 1 and v1.init.p50 == 800
    assert v1.run.max == 60000 and v1.duration_cold.p50 == 1000
    assert v1.duration.p50 == pytest.approx(percentile([r["duration"] for r in records[:21]], 50))
    v2 = rows["crop", "0.0.2"]
    assert (v2.cold, v2.warm, v2.success_rate) == (1, 4, 1.0)
    assert summary.total.count == len(records)


def test_versions_sort_numerically() -> None:
    records = [record(1, version="0.0.10"), record(2, version="0.0.9")]
    assert [r.version for r in summarize(records).rows] == ["0.0.9", "0.0.10"]


def test_renderings_are_plain_and_escaped() -> None:
    summary = summarize([record(1, name="a<b>", init=5), record(2, name="a<b>")])
    text = summary.to_text()
    assert text.splitlines()[0].split()[:3] == ["action", "version", "count"]
    assert "a<b>" in text
    html = summary._repr_html_()
    assert html.startswith("<table") and "a&lt;b&gt;" in html and "a<b>" not in html
    assert summary.to_dicts()[0]["cold"] == 1


def test_timings_sorted_by_start() -> None:
    records = [record(5), record(1), record(3)]
    assert [t.start for t in timings(records)] == sorted(r["start"] for r in records)


def test_stats_import_does_not_import_matplotlib() -> None:
    code = "import jupyter_faas.stats, sys; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_plots_use_a_non_interactive_backend_and_write_files(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    code = (
        "import sys, json\n"
        "from jupyter_faas.stats import plot_timeline, plot_durations\n"
        f"records = json.load(open({str(tmp_path / 'r.json')!r}))\n"
        f"plot_timeline(records, {str(tmp_path / 't.png')!r})\n"
        f"plot_durations(records, {str(tmp_path / 'h.png')!r})\n"
        "import matplotlib; print(matplotlib.get_backend())\n"
    )
    import json

    records = [record(i, duration=100 + 10 * i, init=500 if i % 5 == 0 else None) for i in range(12)]
    records.append(record(99, status="application error"))
    (tmp_path / "r.json").write_text(json.dumps(records))
    env = {k: v for k, v in __import__("os").environ.items() if k != "MPLBACKEND"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip().lower() == "agg"
    for name in ("t.png", "h.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_trigger_and_sequence_records_are_not_starts_in_the_total() -> None:
    cold, warm = record(1, init=40, duration=90), record(2, duration=10)
    trigger = record(3, name="photo-uploaded", duration=0)
    trigger["annotations"] = []  # a trigger's activation: no kind, no limits
    sequence = record(4, name="pipeline", duration=100)
    sequence["annotations"] = [
        a if a["key"] != "kind" else {"key": "kind", "value": "sequence"} for a in sequence["annotations"]
    ]
    summary = summarize([cold, warm, trigger, sequence])
    assert (summary.total.count, summary.total.cold, summary.total.warm) == (2, 1, 1)
    assert {row.action for row in summary.rows} == {"crop", "photo-uploaded", "pipeline"}
