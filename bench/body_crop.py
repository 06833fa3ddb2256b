"""Benchmark of the smart-body-crop model, in process (no engine yet): load, inference, memory, cold start.

Owns: measuring the sample's model side and printing it as a markdown table beside the figures of the
original talk (OpenPose under TensorFlow in a Docker action). Does not own: measurements through the
engine or a real OpenWhisk (cold/warm activations), which come later in the same file's table.

    .venv/bin/python bench/body_crop.py            # N=30 runs per photo after 3 warm-up runs
    .venv/bin/python bench/body_crop.py --runs 100

Numbers:
* model load: ``SmartBodyCrop()`` (both interpreters), median over fresh instances in this process;
* inference: ``predict(path)`` (decode + detector + landmarks), median and p90 of ``--runs`` warm runs,
  also split into the detector and landmark stages, for 1 and 2 interpreter threads;
* fresh process: a new Python that imports, loads and runs once: its wall time (the in-process part of a
  cold start) and its peak RSS (``resource.getrusage``, cross-checked with ``VmHWM``), against the 256 MB
  default action memory.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs per photo (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs per photo first (default 3)")
    parser.add_argument("--fresh", type=int, default=3, help="fresh processes to start (default 3)")
    args = parser.parse_args()

    sys.path.insert(0, str(SAMPLE))
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
