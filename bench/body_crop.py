"""Benchmark of the smart-body-crop action: the model in process, then the action through the engine.

Owns: measuring the sample's model side and the deployed action, and printing both as markdown tables
beside the figures of the original talk (OpenPose under TensorFlow in a Docker action: 9-10 s an
inference, 40-50 s cold start, 1-10 s warm) and this project's targets. Does not own the engine, the
build or the client (it uses them as a user does) nor a real OpenWhisk.

    .venv/bin/python bench/body_crop.py            # N=30 runs per photo after 3 warm-up runs
    .venv/bin/python bench/body_crop.py --runs 100
    .venv/bin/python bench/body_crop.py --engine-only --cold 5 --warm 50

Numbers:
* model load: ``SmartBodyCrop()`` (both interpreters), median over fresh instances in this process;
* inference: ``predict(path)`` (decode + detector + landmarks), median and p90 of ``--runs`` warm runs,
  also split into the detector and landmark stages, for 1 and 2 interpreter threads;
* fresh process: a new Python that imports, loads and runs once: its wall time (the in-process part of a
  cold start) and its peak RSS (``resource.getrusage``, cross-checked with ``VmHWM``), against the 256 MB
  default action memory.

Through the engine (``notebooks/smart_body_crop.ipynb`` built by the build service, image plan, deployed
with ``--memory 256`` to an engine started for the run on a free port, the astronaut as the notebook sends
it: a ~100 kB base64 JPEG):
* cold activation: blocking invoke to result as the client sees it (container start, imports, model load,
  first inference, HTTP), median of ``--cold`` runs, each after an update of the action (a new version
  runs cold, as on OpenWhisk); also the record's ``duration`` and ``initTime``;
* warm activation: ``--warm`` blocking invokes in a row, p50 / p95 of the client's wall time and of the
  record's ``duration``;
* peak memory of the action process: the largest ``VmHWM`` among the engine's action processes.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
SAMPLE = ROOT / "samples" / "smart_body_crop"
PHOTOS = ROOT / "samples" / "photos"
BENCH_PHOTOS = ["astronaut.png", "camera.png"]
TALK = {  # the original sample: OpenPose on TensorFlow 1.x in a Docker action
    "inference": "9-10 s",
    "cold": "40-50 s",
    "warm": "1-10 s",
}
TARGETS = {"warm p50": "< 80 ms", "cold": "< 1.5 s", "memory": "< 256 MB"}

# Runs in a fresh interpreter: import, load, predict once; prints its own measurements as JSON.
FRESH_PROCESS = """
import json, resource, sys, time
started = time.perf_counter()
sys.path.insert(0, {sample!r})
from body_crop import SmartBodyCrop
imported = time.perf_counter()
result = SmartBodyCrop(model_dir={models!r}).predict({photo!r})
done = time.perf_counter()
print(json.dumps({{
    "import_ms": (imported - started) * 1000,
    "load_ms": result["timings_ms"]["model_load"],
    "first_predict_ms": result["timings_ms"]["total"] - result["timings_ms"]["model_load"],
    "wall_ms": (done - started) * 1000,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "vm_hwm_mb": int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) / 1024,
}}))
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure_in_process(models: str, runs: int, warmup: int, threads: int) -> dict[str, Any]:
    import body_crop

    body_crop.NUM_THREADS = threads
    loads = []
    for _ in range(5):
        started = time.perf_counter()
        crop = body_crop.SmartBodyCrop(model_dir=models)
        loads.append((time.perf_counter() - started) * 1000)
    per_photo = {}
    for name in BENCH_PHOTOS:
        path = str(PHOTOS / name)
        for _ in range(warmup):
            crop.predict(path)
        totals, detector, landmarks = [], [], []
        for _ in range(runs):
            timings = crop.predict(path)["timings_ms"]
            totals.append(timings["total"])
            detector.append(timings["detector"])
            landmarks.append(timings["landmarks"])
        per_photo[name] = {
            "p50": statistics.median(totals),
            "p90": percentile(totals, 0.9),
            "detector": statistics.median(detector),
            "landmarks": statistics.median(landmarks),
        }
    return {"load_ms": statistics.median(loads), "photos": per_photo}


def measure_fresh_process(models: str, photo: str) -> dict[str, float]:
    code = FRESH_PROCESS.format(sample=str(SAMPLE), models=models, photo=photo)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    measured: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    measured["process_ms"] = (time.perf_counter() - started) * 1000
    return measured


def _astronaut_param() -> str:
    """astronaut.png as the notebook sends it: a JPEG (its PNG is over 1 MB as base64), in base64."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.open(PHOTOS / "astronaut.png").convert("RGB").save(buffer, format="JPEG", quality=92)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def _action_peak_mb(engine_pid: int) -> float:
    """The largest VmHWM (peak RSS) among the engine's action processes (its launcher processes)."""
    peaks = [0.0]
    for pid in _descendants(engine_pid):
        try:
            if b"launcher" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                continue
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        peaks.append(int(status.split("VmHWM:")[1].split()[0]) / 1024)
    return max(peaks)


def _annotation(record: dict[str, Any], key: str) -> Any:
    return next((a["value"] for a in record.get("annotations", []) if a["key"] == key), None)


def measure_engine(work: Path, cold_runs: int, warm_runs: int, template: bool = True) -> dict[str, Any]:
    """Build the notebook's action, deploy it to a fresh engine, and time cold and warm activations.
    ``template``: containers forked from the environment's zygote (after one untimed cold start, which
    starts it), else exec'd as without one (``JUPYTER_FAAS_ZYGOTE=0``)."""
    from body_crop import ensure_model_files
    from template import wait_for_template

    from jupyter_faas.build import BuildOptions, build, deploy
    from jupyter_faas.config import Config
    from jupyter_faas.engine import start
    from jupyter_faas.openwhisk import Client

    folder = work / "notebook"
    folder.mkdir(parents=True)
    for name in ("smart_body_crop.ipynb", "image_input.py", "pose_model.py"):
        shutil.copyfile(NOTEBOOKS / name, folder / name)
    ensure_model_files(str(folder / "models"))
    built = build(
        folder / "smart_body_crop.ipynb",
        BuildOptions("SmartBodyCrop", name="bench-body-crop", memory=256, output=work / "build"),
    )
    params = {"image": _astronaut_param(), "upper": "eyes", "lower": "hips"}
    engine = start(port=0, data_dir=work / "engine", env={"JUPYTER_FAAS_ZYGOTE": "1" if template else "0"})
    try:
        with Client(Config(apihost=engine.apihost, auth=engine.auth)) as ow:
            deploy(built, ow)
            ow.actions.invoke("bench-body-crop", params, blocking=True)  # untimed: the first cold start
            if template:
                wait_for_template(engine.pid, "/images/")  # the action's environment: an image
            colds: list[dict[str, float]] = []
            for run in range(cold_runs):
                ow.actions.update("bench-body-crop", annotations={"bench/run": run})  # a new version: cold
                started = time.perf_counter()
                record = ow.actions.invoke("bench-body-crop", params, blocking=True)
                wall = (time.perf_counter() - started) * 1000
                if _annotation(record, "initTime") is None:
                    raise SystemExit("expected a cold start after the update, got a warm one")
                colds.append(
                    {"wall": wall, "duration": record["duration"], "init": _annotation(record, "initTime")}
                )
            walls, durations = [], []
            for _ in range(warm_runs):
                started = time.perf_counter()
                record = ow.actions.invoke("bench-body-crop", params, blocking=True)
                walls.append((time.perf_counter() - started) * 1000)
                durations.append(float(record["duration"]))
                if _annotation(record, "initTime") is not None:
                    raise SystemExit("a warm run was cold: is the machine short of memory?")
            peak_mb = _action_peak_mb(engine.pid)
    finally:
        engine.stop()
    return {
        "plan": f"{built.package.plan.choice} ({built.package.kind}, zip {built.package.size / 1e6:.1f} MB)",
        "cold": colds,
        "warm_wall": walls,
        "warm_duration": durations,
        "peak_mb": peak_mb,
    }


def print_engine(measured: dict[str, Any], in_notebook_ms: float | None) -> None:
    colds, walls, durations = measured["cold"], measured["warm_wall"], measured["warm_duration"]
    cold_wall = statistics.median(c["wall"] for c in colds)
    warm_p50, warm_p95 = statistics.median(walls), percentile(walls, 0.95)
    print(
        f"\n## Smart body crop through the engine (plan: {measured['plan']}; "
        f"{len(colds)} cold, {len(walls)} warm activations)\n"
    )
    print("| measure | this run | talk: OpenPose + TF 1.x | target |")
    print("|---|---|---|---|")
    if in_notebook_ms is not None:
        print(f"| in-notebook inference (same JPEG, p50) | {in_notebook_ms:.1f} ms | 9-10 s | |")
    print(
        f"| cold activation, invoke to result (median) | {cold_wall:.0f} ms (record: duration "
        f"{statistics.median(c['duration'] for c in colds):.0f} ms, initTime "
        f"{statistics.median(c['init'] for c in colds):.0f} ms; max {max(c['wall'] for c in colds):.0f} ms) "
        f"| {TALK['cold']} | {TARGETS['cold']}: {'met' if cold_wall < 1500 else 'MISSED'} |"
    )
    print(
        f"| warm activation, invoke to result | p50 {warm_p50:.1f} ms, p95 {warm_p95:.1f} ms (record "
        f"duration p50 {statistics.median(durations):.0f} ms) | {TALK['warm']} "
        f"| p50 {TARGETS['warm p50']}: {'met' if warm_p50 < 80 else 'MISSED'} |"
    )
    peak = measured["peak_mb"]
    print(
        f"| peak memory of the action process (VmHWM) | {peak:.0f} MB | | "
        f"{TARGETS['memory']}: {'met' if 0 < peak < 256 else 'MISSED'} |"
    )
    if in_notebook_ms is not None:  # the baseline measured in this run: the bare inference
        print(
            f"\nRatio warm activation / in-notebook inference (p50): {warm_p50 / in_notebook_ms:.2f}x "
            f"(the platform's share: {warm_p50 - in_notebook_ms:.1f} ms an activation)"
        )
    print(f"Ratio talk / this run: cold {45000 / cold_wall:.0f}x (45 s), warm {5000 / warm_p50:.0f}x (5 s)")


def print_cold(template: dict[str, Any], exec_run: dict[str, Any], fresh: list[dict[str, float]]) -> None:
    """Cold start from the zygote's template beside exec'd containers and a bare fresh process, one run."""
    floor = statistics.median(f["wall_ms"] for f in fresh)
    print("\n### Cold start: from the template, without it, and the floor of a fresh process (one run)\n")
    print("| path | cold activation, invoke to result (median) | initTime (median) | ratio to fresh |")
    print("|---|---|---|---|")
    print(
        f"| fresh process: import + load + first predict (median, {len(fresh)}) | {floor:.0f} ms | | 1.00x |"
    )
    for label, run in (
        ("exec'd container (JUPYTER_FAAS_ZYGOTE=0)", exec_run),
        ("forked from the zygote", template),
    ):
        wall = statistics.median(c["wall"] for c in run["cold"])
        init = statistics.median(c["init"] for c in run["cold"])
        print(f"| {label} | {wall:.0f} ms | {init:.0f} ms | {wall / floor:.2f}x |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs per photo (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs per photo first (default 3)")
    parser.add_argument("--fresh", type=int, default=3, help="fresh processes to start (default 3)")
    parser.add_argument("--cold", type=int, default=5, help="cold activations through the engine (default 5)")
    parser.add_argument(
        "--warm", type=int, default=50, help="warm activations through the engine (default 50)"
    )
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--model-only", action="store_true", help="skip the engine part")
    only.add_argument("--engine-only", action="store_true", help="skip the in-process model part")
    args = parser.parse_args()

    sys.path.insert(0, str(SAMPLE))
    os.environ.setdefault("JUPYTER_FAAS_CACHE", str(ROOT / ".cache" / "jupyter-faas"))
    if not args.engine_only:
        model_only(args)
    if not args.model_only:
        with tempfile.TemporaryDirectory(prefix="bench-body-crop-") as work:
            in_notebook = measure_in_notebook(Path(work) / "models", args.runs, args.warmup)
            fresh = [
                measure_fresh_process(str(Path(work) / "models"), str(PHOTOS / "astronaut.png"))
                for _ in range(args.fresh)
            ]
            exec_run = measure_engine(Path(work) / "exec", args.cold, 3, template=False)
            measured = measure_engine(Path(work) / "template", args.cold, args.warm)
            print_engine(measured, in_notebook)
            print_cold(measured, exec_run, fresh)


def measure_in_notebook(models: Path, runs: int, warmup: int) -> float:
    """p50 of ``predict`` on the parameter the notebook and the engine part send (in this process)."""
    import body_crop
    from body_crop import SmartBodyCrop

    body_crop.NUM_THREADS = 1  # the action's setting (the model-only part may have left 2)
    crop, param = SmartBodyCrop(model_dir=str(models)), _astronaut_param()
    for _ in range(warmup):
        crop.predict(param)
    return statistics.median(crop.predict(param)["timings_ms"]["total"] for _ in range(runs))


def model_only(args: argparse.Namespace) -> None:
    from body_crop import ensure_model_files

    with tempfile.TemporaryDirectory(prefix="bench-body-crop-") as models:
        ensure_model_files(models)
        # Fresh processes first: Linux keeps ru_maxrss across fork and exec, so a child started by a parent
        # that already holds the models would report the parent's peak as its own.
        fresh = [measure_fresh_process(models, str(PHOTOS / "astronaut.png")) for _ in range(args.fresh)]
        by_threads = {t: measure_in_process(models, args.runs, args.warmup, t) for t in (1, 2)}

    def med(key: str) -> float:
        return statistics.median(f[key] for f in fresh)

    print(f"## Smart body crop, model only (in process; {args.runs} runs after {args.warmup} warm-up)\n")
    print(
        "| measure | BlazePose + TF Lite (this run) | talk: OpenPose + TF 1.x | target (through the engine) |"
    )
    print("|---|---|---|---|")
    for threads, measured in by_threads.items():
        for name, p in measured["photos"].items():
            print(
                f"| warm inference, {name}, {threads} thread{'s' if threads > 1 else ''} | "
                f"p50 {p['p50']:.1f} ms, p90 {p['p90']:.1f} ms (detector {p['detector']:.1f}, "
                f"landmarks {p['landmarks']:.1f}) | {TALK['inference']} an inference; warm {TALK['warm']} | "
                f"warm p50 {TARGETS['warm p50']} |"
            )
    for threads, measured in by_threads.items():
        print(
            f"| model load ({threads} thread{'s' if threads > 1 else ''}) | {measured['load_ms']:.1f} ms "
            f"| | cold {TARGETS['cold']} |"
        )
    print(
        f"| fresh process: import + load + first predict (median of {args.fresh}) | "
        f"{med('wall_ms'):.0f} ms (import {med('import_ms'):.0f}, load {med('load_ms'):.0f}, "
        f"predict {med('first_predict_ms'):.0f}); whole process {med('process_ms'):.0f} ms | "
        f"cold {TALK['cold']} | cold {TARGETS['cold']} |"
    )
    print(
        f"| fresh process peak RSS (getrusage; VmHWM) | {max(f['peak_rss_mb'] for f in fresh):.0f} MB; "
        f"{max(f['vm_hwm_mb'] for f in fresh):.0f} MB | | "
        f"action memory {TARGETS['memory']} |"
    )
    two = by_threads[2]["photos"]["astronaut.png"]["p50"]
    one = by_threads[1]["photos"]["astronaut.png"]["p50"]
    print(f"\nRatio 1 thread / 2 threads (astronaut.png p50): {one / two:.2f}x")
    print(f"Ratio talk / this run (warm inference, 9 s / astronaut.png p50, 1 thread): {9000 / one:.0f}x")


if __name__ == "__main__":
    main()
