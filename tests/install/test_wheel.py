"""The wheel stands alone (issue 15): what `pip install jupyter-faas` gives a data scientist.

Builds the sdist and the wheel once, from a copy of the checkout's tracked files and of the sidebar's bundle
``make install`` built from them (newer than its sources, so the builder does not run npm again; a build
never touches the bundle this checkout's JupyterLab serves), then installs the wheel
with its ``jupyter`` extra, and nothing else, into a new venv, and checks from that venv alone: JupyterLab
lists the sidebar as enabled and OK, Jupyter Server lists the server extension as enabled, a kernel of that
venv loads the magics, and ``jupyter-faas --version`` runs. The metadata (license file, classifiers,
URLs) and the sdist's contents are checked too.
"""

from __future__ import annotations

import email
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from jupyter_faas import __version__

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

KERNEL = """
import sys
from jupyter_client.manager import start_new_kernel

km, kc = start_new_kernel(kernel_name="python3")
try:
    seen = []
    reply = kc.execute_interactive(
        "%load_ext jupyter_faas\\nimport jupyter_faas, sys; print(sys.prefix, jupyter_faas.__file__)",
        timeout=120,
        output_hook=lambda m: seen.append(m["content"].get("text", m["content"].get("ename", ""))),
    )
    print(reply["content"]["status"], "".join(seen))
    help_reply = kc.execute_interactive("%faas_deploy?", timeout=60, output_hook=lambda m: None)
    print("help", help_reply["content"]["status"])
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
"""


def _run(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)  # type: ignore[call-overload]
    assert out.returncode == 0, f"{cmd}\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    return out


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist and the wheel, built once from a copy of the tracked files."""
    src = tmp_path_factory.mktemp("src")
    tracked = _run(["git", "ls-files", "-z"], cwd=ROOT).stdout.split("\0")
    for name in filter(None, tracked):
        if (ROOT / name).is_file():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "jupyter_faas" / "labextension", src / "jupyter_faas" / "labextension")
    (src / "node_modules").symlink_to(ROOT / "node_modules")  # should the builder find the bundle stale
    out = tmp_path_factory.mktemp("dist")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    _run(
        [
            sys.executable,
            "-m",
            "build",
            "--no-isolation",
            "--sdist",
            "--wheel",
            "--outdir",
            str(out),
            str(src),
        ],
        env=env,
    )
    return out


@pytest.fixture(scope="module")
def venv(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new venv holding the wheel with its ``jupyter`` extra, and what they require: nothing else."""
    root = tmp_path_factory.mktemp("venv")
    _run([sys.executable, "-m", "venv", str(root)])
    wheel = next(dist.glob("jupyter_faas-*.whl"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "JUPYTER"))}
    _run(
        [
            str(root / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            f"{wheel}[jupyter]",
        ],
        env=env,
    )
    return root


def _plain(text: str) -> str:
    """Jupyter's listings colour "enabled" and "OK" even into a pipe."""
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def _clean_env(venv: Path, home: Path) -> dict[str, str]:
    """Only the new venv on PATH, and a home of its own: no config of this machine's Jupyter."""
    keep = {
        k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "JUPYTER", "__OW"))
    }
    return {**keep, "PATH": f"{venv / 'bin'}{os.pathsep}/usr/bin:/bin", "HOME": str(home)}


def test_the_wheel_carries_the_sidebar_the_server_extension_and_complete_metadata(dist: Path) -> None:
    wheel = next(dist.glob("jupyter_faas-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        meta = email.message_from_bytes(zf.read(f"jupyter_faas-{__version__}.dist-info/METADATA"))
    data = f"jupyter_faas-{__version__}.data/data"
    assert f"{data}/share/jupyter/labextensions/jupyter-faas/package.json" in names
    assert f"{data}/share/jupyter/labextensions/jupyter-faas/install.json" in names
    assert any(n.startswith(f"{data}/share/jupyter/labextensions/jupyter-faas/static/") for n in names)
    assert f"{data}/etc/jupyter/jupyter_server_config.d/jupyter_faas.json" in names
    assert {f"jupyter_faas/runtime/stock-python{v}.txt" for v in ("3.10", "3.11", "3.12", "3.13")} <= names
    assert "jupyter_faas/runtime/launcher.py" in names and "jupyter_faas/py.typed" in names
    assert f"jupyter_faas-{__version__}.dist-info/licenses/LICENSE" in names
    assert meta["License-Expression"] == "Apache-2.0"
    classifiers = meta.get_all("Classifier") or []
    assert "Framework :: Jupyter :: JupyterLab :: Extensions :: Prebuilt" in classifiers
    assert "Operating System :: MacOS" in classifiers
    assert meta.get_all("Project-URL")
    assert meta["Requires-Python"] == ">=3.10"
    sdist = next(dist.glob("jupyter_faas-*.tar.gz"))
    with tarfile.open(sdist) as tf:
        members = {m.name.split("/", 1)[1] for m in tf.getmembers() if "/" in m.name}
    assert {"LICENSE", "README.md", "pyproject.toml", "package.json", "labextension/src/index.ts"} <= members
    assert "jupyter_faas/labextension/package.json" in members  # the built sidebar: no npm needed after
    assert not any(m.startswith(("node_modules/", ".venv/", ".cache/")) for m in members)


def test_jupyter_in_the_new_venv_lists_both_extensions_enabled(venv: Path, tmp_path: Path) -> None:
    env = _clean_env(venv, tmp_path)
    lab = _run([str(venv / "bin" / "jupyter"), "labextension", "list"], env=env)
    listing = _plain(lab.stdout + lab.stderr)
    line = next(x for x in listing.splitlines() if "jupyter-faas" in x)
    assert f"jupyter-faas v{__version__}" in line and "enabled" in line and "OK" in line, listing
    assert str(venv) in listing  # from the new venv's share/jupyter, not this checkout's
    server = _run([str(venv / "bin" / "jupyter"), "server", "extension", "list"], env=env)
    lines = _plain(server.stdout + server.stderr).splitlines()
    assert any(x.split()[:2] == ["jupyter_faas", "enabled"] for x in lines if x.strip()), lines
    assert any(x.split()[:3] == ["jupyter_faas", __version__, "OK"] for x in lines if x.strip()), lines


def test_a_kernel_of_the_new_venv_loads_the_magics(venv: Path, tmp_path: Path) -> None:
    env = _clean_env(venv, tmp_path)
    out = _run([str(venv / "bin" / "python"), "-c", KERNEL], env=env, cwd=tmp_path)
    status, _, rest = out.stdout.strip().splitlines()[0].partition(" ")
    assert status == "ok", out.stdout + out.stderr
    prefix, module = rest.split()
    assert Path(prefix) == venv and module.startswith(str(venv))  # the wheel's package, not the checkout
    assert "help ok" in out.stdout


def test_the_command_line_runs_from_the_new_venv(venv: Path, tmp_path: Path) -> None:
    out = _run([str(venv / "bin" / "jupyter-faas"), "--version"], env=_clean_env(venv, tmp_path))
    assert out.stdout.strip() == f"jupyter-faas {__version__}"
