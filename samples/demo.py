"""``make demo``: the reference notebook executed top to bottom against an engine of its own.

Owns running ``notebooks/smart_body_crop.ipynb`` with nbclient in a real kernel (this Python, through a
kernel spec written to a temporary folder), against an embedded engine started for the run on a free port
of 127.0.0.1 with its data in the output folder, and saving what the notebook produced:

    demo-output/
      smart_body_crop.ipynb    the executed notebook (open it in JupyterLab)
      crops/*.jpg              the crops of the photos that have a person
      stats.md                 activation stats (cold / warm, percentiles), timeline.png, cold-warm.png
      action/                  the action's package: __main__.py, the zip, the image's Dockerfile
      engine/                  the engine's SQLite store and log

It never reads or writes ``~/.wskprops`` and never talks to a configured OpenWhisk: the kernel gets
``__OW_API_HOST``/``__OW_API_KEY`` of the demo's engine and ``WSK_CONFIG_FILE`` pointing at no file.
The engine is stopped at the end, unless ``--serve`` (``make demo-serve``) keeps it running for the page
to try the model, whose URL is printed either way. Tests reuse ``execute``
(tests/notebooks/test_reference_notebook.py).
Does not own the notebook's content, the engine or the magics.

    .venv/bin/python samples/demo.py [--output DIR] [--serve]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "smart_body_crop.ipynb"
DEFAULT_OUTPUT = ROOT / "demo-output"
MARKER = ".jupyter-faas-demo"  # only a folder with this file (or a new or empty one) is cleared
CELL_TIMEOUT_S = 900  # the first run builds the action's image environment (pip downloads)

__all__ = ["NOTEBOOK", "execute", "kernel_environment", "main"]


@contextmanager
def kernel_environment(apihost: str, auth: str, output: Path) -> Iterator[None]:
    """Environment variables for the kernel nbclient starts: this Python as ``python3``, the demo's engine
    as the only OpenWhisk, the notebook's output folder. Restored afterwards."""
    with tempfile.TemporaryDirectory(prefix="jupyter-faas-demo-") as scratch:
        spec = Path(scratch) / "jupyter" / "kernels" / "python3"
        spec.mkdir(parents=True)
        argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        spec.joinpath("kernel.json").write_text(
            json.dumps({"argv": argv, "display_name": "Python 3 (jupyter-faas demo)", "language": "python"})
        )
        settings = {
            "JUPYTER_PATH": str(Path(scratch) / "jupyter"),
            "JUPYTER_RUNTIME_DIR": str(Path(scratch) / "runtime"),
            "IPYTHONDIR": str(Path(scratch) / "ipython"),
            "WSK_CONFIG_FILE": str(Path(scratch) / "no-wskprops"),  # ~/.wskprops is never read
            "__OW_API_HOST": apihost,
            "__OW_API_KEY": auth,
            "SMART_BODY_CROP_OUTPUT": str(output),
            "JUPYTER_FAAS_CACHE": os.environ.get("JUPYTER_FAAS_CACHE", str(ROOT / ".cache" / "jupyter-faas")),
        }
        cleared = ("__OW_NAMESPACE", "__OW_IGNORE_CERTS", "JUPYTER_FAAS_PROGRESS")
        saved = {name: os.environ.get(name) for name in [*settings, *cleared]}
        os.environ.update(settings)
        for name in cleared:
            os.environ.pop(name, None)
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def execute(output: Path, apihost: str, auth: str, notebook: Path = NOTEBOOK) -> Any:
    """Run ``notebook`` top to bottom (in its own folder) against ``apihost``; save the executed copy in
    ``output`` and return it. Raises nbclient's ``CellExecutionError`` at the first failing cell, after
    saving what ran so far."""
    import nbformat
    from nbclient import NotebookClient

    output.mkdir(parents=True, exist_ok=True)
    executed = nbformat.read(notebook, as_version=4)
    client = NotebookClient(
        executed,
        kernel_name="python3",
        timeout=CELL_TIMEOUT_S,
        resources={"metadata": {"path": str(notebook.parent)}},
    )
    with kernel_environment(apihost, auth, output):
        try:
            client.execute()
        finally:
            nbformat.write(executed, output / notebook.name)
    return executed


def _prepare(output: Path) -> None:
    if output.exists() and any(output.iterdir()) and not (output / MARKER).exists():
        raise SystemExit(
            f"{output} exists and was not written by the demo: give another folder with --output, "
            "or remove it."
        )
    shutil.rmtree(output, ignore_errors=True)
    output.mkdir(parents=True)
    (output / MARKER).write_text("written by samples/demo.py; cleared on its next run\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="default: demo-output/")
    parser.add_argument(
        "--serve", action="store_true", help="keep the engine running after the notebook (the try page's URL)"
    )
    args = parser.parse_args(argv)
    output = args.output.resolve()
    os.environ.setdefault("JUPYTER_FAAS_CACHE", str(ROOT / ".cache" / "jupyter-faas"))
    _prepare(output)

    from nbclient.exceptions import CellExecutionError

    from jupyter_faas.engine import start

    engine = start(port=0, data_dir=output / "engine")
    print(f"Started an engine for the demo at {engine.apihost} (data in {engine.data_dir})")
    print(f"Running {NOTEBOOK.relative_to(ROOT)} (the first run builds the action's image environment)...")
    try:
        execute(output, engine.apihost, engine.auth)
    except CellExecutionError as exc:
        print(
            f"\nThe notebook failed; the executed part is in {output / NOTEBOOK.name}\n{exc}", file=sys.stderr
        )
        engine.stop()
        return 1
    except BaseException:
        engine.stop()
        raise
    if not args.serve:
        engine.stop()

    print(f"\nDone. Everything is in {output}/:")
    print(f"  {NOTEBOOK.name:<24} the executed notebook")
    crops = sorted((output / "crops").glob("*.jpg"))
    print(f"  {'crops/':<24} {', '.join(p.name for p in crops)}")
    print(f"  {'stats.md':<24} activation stats; timeline.png and cold-warm.png, the plots")
    print(f"  {'action/':<24} the action's __main__.py, zip and Dockerfile")
    print(f"  {'engine/':<24} the demo engine's store and log\n")
    print((output / "stats.md").read_text())
    url = (output / "try-page.url").read_text().strip()
    if not args.serve:
        print(f"The page to try the model: {url}")
        print("(the demo's engine is stopped now; `make demo-serve` keeps it running)")
        return 0
    print(f"Try the model in a browser: {url}\nThe engine runs until Ctrl-C.")
    try:
        while engine.alive():
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nStopping the engine.")
    finally:
        engine.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
