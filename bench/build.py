"""Benchmark of the build: capture, codegen and zip times, and the rebuild of an unchanged package.

Owns measuring ``jupyter_faas.build`` on two notebooks and printing medians with ratios against baselines
measured in the same run; it asserts nothing (targets are printed beside the numbers):

* the reference notebook (samples/smart_body_crop/body_crop.py cut into cells, its local modules and the
  9.3 MB of model files; the same notebook the integration test builds), and
* a synthetic notebook of 300 cells (helpers, constants, redefinitions, magics, shell lines; the class
  uses a chain of 60 helpers).

    .venv/bin/python bench/build.py            # 7 runs per stage
    .venv/bin/python bench/build.py --runs 15

Stages: capture (read the notebook, closure, files), requirements (imports -> pinned distributions),
codegen (``__main__.py``), zip (the deterministic zip of code, modules and model files), build (all of it,
with the package cache off; dependency wheels already measured, so no install), rebuild (unchanged
inputs: the package is reused by its hash). Baselines: ``ast.parse`` of every cell for capture (the
least any capture must do), ``zipfile`` with default settings for zip (what determinism costs), the full
first build with empty caches (which downloads the wheels to measure them) for the rebuild.
"""

from __future__ import annotations

import argparse
import ast
import io
import os
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
os.environ.setdefault("JUPYTER_FAAS_CACHE", str(ROOT / ".cache" / "jupyter-faas"))

import nbformat  # noqa: E402

from jupyter_faas.build import BuildOptions, build  # noqa: E402
from jupyter_faas.build.capture import capture_from_notebook  # noqa: E402
from jupyter_faas.build.capture.cells import cells_from_notebook  # noqa: E402
from jupyter_faas.build.codegen import generate  # noqa: E402
from jupyter_faas.build.packaging.archive import Entry, write_zip  # noqa: E402
from jupyter_faas.build.requirements import resolve_requirements  # noqa: E402

TARGETS = {"capture + codegen + zip": "< 1 s without dependency installs", "rebuild": "near zero (by hash)"}


def median_ms(fn: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def synthetic_notebook(folder: Path, cells: int = 300) -> Path:
    """300 cells: imports, constants, helper chains with redefinitions, magics and shell lines, one class."""
    sources = ["%matplotlib inline\nimport math\nimport json\nimport statistics as st\n!nproc"]
    helper = 0
    while len(sources) < cells - 1:
        i = len(sources)
        if i % 10 == 0:
            sources.append(
                f"%time x = {i}\nSCALE_{i} = {i} * 0.5\nLIMITS_{i} = {{'low': {i}, 'high': {i * 2}}}"
            )
        elif i % 7 == 0:
            sources.append(f"# faas: ignore\nprint('exploring {i}')")
        elif i % 13 == 0 and helper > 1:  # a redefinition of the last helper: the latest one wins
            redefined = f"def helper_{helper - 1}(x):\n    return helper_{helper - 2}(x) + {i}"
            sources.append(f"{redefined}  # redefined in cell {i}")
        else:
            previous = f"helper_{helper - 1}(x)" if helper else "x"
            sources.append(
                f"def helper_{helper}(x):\n"
                f'    """Step {helper} of the pipeline."""\n'
                f"    y = {previous}\n"
                f"    return math.sqrt(abs(y)) + st.mean([y, {helper}]) + len(json.dumps([y]))"
            )
            helper += 1
    sources.append(
        "class Pipeline:\n"
        "    def predict(self, x=1.0):\n"
        f"        return {{'y': helper_{min(helper - 1, 59)}(x)}}"
    )
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    for i, cell in enumerate(notebook.cells):
        cell.id = f"syn-{i:03d}"
    path = folder / "synthetic.ipynb"
    nbformat.write(notebook, str(path))
    return path


def bench(label: str, path: Path, class_name: str, runs: int, out: Path) -> list[tuple[str, float, str]]:
    cells = cells_from_notebook(path)
    capture = capture_from_notebook(path, class_name)
    requirements = resolve_requirements(capture.imports, "python:3.11")
    main_py = generate(capture)
    entries = [Entry("__main__.py", data=main_py.encode())]
    entries += [Entry(f.arcname, path=f.path) for f in capture.modules + capture.files]

    def naive_zip() -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for entry in entries:
                archive.writestr(entry.arcname, entry.read())
        return buffer.getvalue()

    build(path, BuildOptions(class_name, output=out, no_test=True))  # measure wheels once (cached after)
    parse = median_ms(
        lambda: [ast.parse(c.source) for c in cells if not c.source.lstrip().startswith(("%", "!"))], runs
    )
    rows = [
        ("capture", median_ms(lambda: capture_from_notebook(path, class_name), runs), ""),
        ("  baseline: ast.parse of the cells", parse, ""),
        ("requirements", median_ms(lambda: resolve_requirements(capture.imports, "python:3.11"), runs), ""),
        ("codegen", median_ms(lambda: generate(capture), runs), ""),
        ("zip", median_ms(lambda: write_zip(entries), runs), ""),
        ("  baseline: zipfile defaults", median_ms(naive_zip, runs), ""),
    ]
    with tempfile.TemporaryDirectory(prefix="bench-cold-cache-") as cold_cache:
        saved = os.environ["JUPYTER_FAAS_CACHE"]
        os.environ["JUPYTER_FAAS_CACHE"] = cold_cache  # wheels measured (downloaded) again, nothing reused
        try:
            cold = median_ms(lambda: build(path, BuildOptions(class_name, output=out, no_test=True)), 1)
        finally:
            os.environ["JUPYTER_FAAS_CACHE"] = saved
    rows.append(("first build, empty caches (once)", cold, ""))
    full = median_ms(
        lambda: build(path, BuildOptions(class_name, output=out, no_test=True, reuse=False)), runs
    )
    again = median_ms(lambda: build(path, BuildOptions(class_name, output=out, no_test=True)), runs)
    rows += [("build (package cache off)", full, ""), ("rebuild, unchanged", again, "")]
    by = {name: ms for name, ms, _ in rows}
    print(
        f"\n## {label}: {len(cells)} code cells, {len(capture.pieces)} captured statements, "
        f"{len(entries)} files, {sum(len(e.read()) for e in entries) / 1e6:.1f} MB, "
        f"requirements: {', '.join(r.line for r in requirements.install) or 'none'}\n"
    )
    print("| stage | median ms | ratio |")
    print("|---|---:|---|")
    ratios = {
        "capture": by["capture"] / by["  baseline: ast.parse of the cells"],
        "zip": by["zip"] / by["  baseline: zipfile defaults"],
        "rebuild, unchanged": by["rebuild, unchanged"] / by["first build, empty caches (once)"],
    }
    for name, ms, _ in rows:
        ratio = ratios.get(name)
        text = (
            ""
            if ratio is None
            else f"{ratio:.2f}x its baseline"
            if name != "rebuild, unchanged"
            else f"{ratio:.3f}x the first build"
        )
        print(f"| {name} | {ms:.2f} | {text} |")
    core = by["capture"] + by["codegen"] + by["zip"]
    print(
        f"\ncapture + codegen + zip: {core:.0f} ms (target {TARGETS['capture + codegen + zip']}); "
        f"rebuild of an unchanged package: {by['rebuild, unchanged']:.0f} ms (target {TARGETS['rebuild']})"
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    import cases

    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        folder = Path(tmp)
        reference = cases.reference_notebook(folder / "reference")
        if reference is None:
            print("reference notebook skipped: mediapipe (the model files' source) is not installed")
        else:
            bench(
                "Reference notebook (smart body crop)",
                reference,
                "SmartBodyCrop",
                args.runs,
                folder / "out-ref",
            )
        (folder / "synthetic").mkdir()
        synthetic = synthetic_notebook(folder / "synthetic")
        bench("Synthetic notebook", synthetic, "Pipeline", args.runs, folder / "out-syn")


if __name__ == "__main__":
    main()
