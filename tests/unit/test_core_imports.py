"""The core never imports Jupyter: importing it leaves IPython, jupyter_server and friends unloaded."""

import subprocess
import sys

CORE = [
    "jupyter_faas",
    "jupyter_faas.errors",
    "jupyter_faas.contract",
    "jupyter_faas.runtime",
    "jupyter_faas.engine",
    "jupyter_faas.openwhisk",
    "jupyter_faas.config",
    "jupyter_faas.stats",
    "jupyter_faas.capture",
    "jupyter_faas.codegen",
    "jupyter_faas.packaging",
    "jupyter_faas.requirements",
]
JUPYTER = ["IPython", "jupyter_server", "jupyter_client", "ipykernel", "ipywidgets", "nbclient", "notebook"]


def test_core_modules_do_not_import_jupyter():
    code = (
        "import importlib, sys\n"
        f"for name in {CORE!r}:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ModuleNotFoundError as exc:\n"
        "        if exc.name != name: raise\n"
        f"print(sorted(m for m in {JUPYTER!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
