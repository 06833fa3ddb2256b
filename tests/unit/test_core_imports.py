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
    "jupyter_faas.build",
    "jupyter_faas.build.capture",
    "jupyter_faas.build.codegen",
    "jupyter_faas.build.packaging",
    "jupyter_faas.build.requirements",
    "jupyter_faas.build.local_test",
    "jupyter_faas.build.options",
    "jupyter_faas.pipeline",
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


# What CPython on Windows lacks (and psutil's Linux build needs, so psutil is imported before they go).
POSIX_ONLY = ["fcntl", "resource", "termios", "pwd", "grp", "pty"]
ON_WINDOWS = [
    "jupyter_faas.build.capture",
    "jupyter_faas.build",
    "jupyter_faas.openwhisk",
    "jupyter_faas.magics",
    "jupyter_faas.server",
    "jupyter_faas.cli",
    "jupyter_faas.build.local_test",
    "jupyter_faas.engine.process",
]


def test_everything_but_the_engine_imports_without_posix_modules():
    """Windows: capture, build, the client, the magics, the server extension and the CLI import; starting
    the engine says what to do instead (``host.engine_unsupported``)."""
    code = (
        "import importlib, sys\n"
        "import psutil\n"
        f"for name in {POSIX_ONLY!r}:\n"
        "    sys.modules[name] = None\n"
        f"for name in {ON_WINDOWS!r}:\n"
        "    importlib.import_module(name)\n"
        "from functools import partial\n"
        "from jupyter_faas.engine import process\n"
        "from jupyter_faas.errors import EngineError\n"
        "from jupyter_faas.runtime import host\n"
        "process.engine_unsupported = partial(host.engine_unsupported, 'nt')\n"
        "try:\n"
        "    process.start(port=0)\n"
        "except EngineError as exc:\n"
        "    print(exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "does not run on Windows. Run JupyterLab in WSL2" in out.stdout, out.stdout
    assert "~/.wskprops" in out.stdout


ENGINE_SIDE = [
    "tornado",
    "jupyter_faas.engine.server",
    "jupyter_faas.engine.store",
    "jupyter_faas.engine.app",
]


def test_configuring_and_building_a_client_load_nothing_of_the_engine_server(tmp_path):
    """A kernel that resolves its config (a configured OpenWhisk, or the embedded engine's "started on
    first use" preview) and builds a client has not loaded tornado nor the engine's server modules."""
    code = (
        "import sys\n"
        "from jupyter_faas.config import describe_embedded, resolve\n"
        "from jupyter_faas.openwhisk import Client\n"
        "describe_embedded()\n"
        "config = resolve('https://openwhisk.example', 'user:key', start_engine=False)\n"
        "Client(config).close()\n"
        f"print(sorted(m for m in {ENGINE_SIDE!r} if m in sys.modules))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]", out.stdout
