"""The sidebar in a browser: a real engine, a real ``jupyter lab`` with the extension, Debian's Chromium.

Starts the embedded engine (temporary data folder) and ``jupyter lab`` on 127.0.0.1 with a random token,
pointed at the engine through ``__OW_API_HOST``/``__OW_API_KEY`` (never on the command line), then runs
``tests/ui/sidebar.mjs`` with Node and playwright-core: open the notebook, deploy SmartBodyCrop from the
sidebar, invoke it on a sample photo, see the activation with a cold badge then a warm one, open its logs;
a sequence made with the client beforehand shows its components as a chain, selects one, and is invoked.
Screenshots land in ``tests/ui/artefacts/`` (gitignored) for a person to look at.

The notebook is ``notebooks/smart_body_crop.ipynb`` (the talk's sample) when it exists, else the small
stand-in ``tests/ui/fixtures/body_crop.ipynb``; ``FAAS_UI_NOTEBOOK`` overrides both.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from jupyter_faas.config import resolve
from jupyter_faas.engine import EngineHandle, start
from jupyter_faas.openwhisk import Client

ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = ROOT / "tests" / "ui" / "artefacts"
CHROMIUM = Path(os.environ.get("FAAS_CHROMIUM", "/usr/bin/chromium"))
PHOTO = ROOT / "samples" / "photos" / "camera.png"  # CC0, a person; 186 KB as base64 (under 1 MB)
os.environ.setdefault("JUPYTER_FAAS_CACHE", str(ROOT / ".cache" / "jupyter-faas"))

pytestmark = pytest.mark.slow


def _notebook() -> Path:
    if os.environ.get("FAAS_UI_NOTEBOOK"):
        return Path(os.environ["FAAS_UI_NOTEBOOK"]).resolve()
    sample = ROOT / "notebooks" / "smart_body_crop.ipynb"
    return sample if sample.is_file() else ROOT / "tests" / "ui" / "fixtures" / "body_crop.ipynb"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineHandle]:
    handle = start(port=0, data_dir=tmp_path_factory.mktemp("ui-engine"))
    yield handle
    handle.stop()


def _model_files_beside(notebook: Path) -> None:
    """The talk's notebook as a user has it after running it once: its ``models/`` folder holds the two
    BlazePose files (the class names that folder, so the build bundles it). Without this the test would
    pass only after another test had run the notebook in the checkout."""
    if notebook != ROOT / "notebooks" / "smart_body_crop.ipynb":
        return
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); from body_crop import ensure_model_files; "
        "ensure_model_files(sys.argv[2])"
    )
    folder = ROOT / "samples" / "smart_body_crop"
    subprocess.run([sys.executable, "-c", script, str(folder), str(notebook.parent / "models")], check=True)


@pytest.fixture(scope="module")
def lab(engine: EngineHandle, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    _model_files_beside(_notebook())
    home = tmp_path_factory.mktemp("ui-home")
    port, token = _free_port(), secrets.token_hex(24)
    env = {
        **os.environ,
        "HOME": str(home),  # no ~/.wskprops, no user settings of the person running the tests
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "__OW_API_HOST": engine.apihost,
        "__OW_API_KEY": engine.auth,
    }
    cmd = [
        str(Path(sys.executable).with_name("jupyter")),
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={ROOT}",
        f"--IdentityProvider.token={token}",
        "--LabApp.expose_app_in_browser=True",
        f"--LabApp.user_settings_dir={home / 'settings'}",
        f"--LabApp.workspaces_dir={home / 'workspaces'}",
        f"--JupyterFaas.build_dir={home / 'builds'}",
    ]
    if os.geteuid() == 0:  # CI and these machines run as root
        cmd.append("--allow-root")
    # no "news" toast over the screenshots
    notification = (
        home / "settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    )
    notification.parent.mkdir(parents=True)
    notification.write_text('{"fetchNews": "false", "checkForUpdates": false}')
    # never save the notebook it opens (it belongs to the repository)
    docmanager = home / "settings" / "@jupyterlab" / "docmanager-extension" / "plugin.jupyterlab-settings"
    docmanager.parent.mkdir(parents=True)
    docmanager.write_text('{"autosave": false}')
    log = (home / "lab.log").open("wb")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, (home / "lab.log").read_text()
            try:
                if requests.get(f"{url}api/status", params={"token": token}, timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "jupyter lab did not answer within 120 s"
            time.sleep(0.25)
        yield {"url": url, "token": token, "home": str(home), "log": str(home / "lab.log")}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _make_sequence(engine: EngineHandle) -> tuple[str, str]:
    """A sequence of a plain action and one in a package, made with the client (as %faas_sequence does);
    returns its name and the chain the sidebar should show."""
    with Client(resolve(apihost=engine.apihost, auth=engine.auth, start_engine=False)) as client:
        client.actions.update("ui-first", "def main(p):\n    return {'step': 1, **p}\n", kind="python:3.11")
        client.packages.update("ui-tools")
        client.actions.update("ui-tools/ui-second", "def main(p):\n    return {**p, 'step': 2}\n")
        client.actions.sequence("ui-pipeline", ["ui-first", "ui-tools/ui-second"])
    return "ui-pipeline", "ui-first → ui-tools/ui-second"


@pytest.mark.timeout(900)  # a fresh machine builds the image plan's environment first (pip, ~1-2 min)
def test_deploy_invoke_and_watch_from_the_sidebar(
    engine: EngineHandle, lab: dict[str, str], tmp_path: Path
) -> None:
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)"
    node = shutil.which("node")
    assert node, "node is missing"
    assert (ROOT / "node_modules" / "playwright-core").is_dir(), "run `npm install` (make test does)"
    notebook = _notebook()
    shutil.rmtree(ARTEFACTS, ignore_errors=True)
    ARTEFACTS.mkdir(parents=True)
    sequence, chain = _make_sequence(engine)
    with Client(resolve(apihost=engine.apihost, auth=engine.auth, start_engine=False)) as client:
        client.actions.update("ui-gone", "def main(p):\n    return p\n", kind="python:3.11")
    env = {
        **os.environ,
        "GONE": "ui-gone",
        "SEQUENCE": sequence,
        "SEQUENCE_CHAIN": chain,
        "LAB_URL": lab["url"],
        "LAB_TOKEN": lab["token"],
        "NOTEBOOK": notebook.relative_to(ROOT).as_posix(),
        "PHOTO": str(PHOTO),
        "CLASS_NAME": "SmartBodyCrop",
        "ACTION": "smart-body-crop",
        "ARTEFACTS": str(ARTEFACTS),
        "CHROMIUM": str(CHROMIUM),
        "USER_DATA_DIR": str(tmp_path / "chromium-profile"),  # fresh each run
    }
    done = subprocess.run(
        [node, str(ROOT / "tests" / "ui" / "sidebar.mjs")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    print(done.stdout)
    (ARTEFACTS / "run.log").write_text(done.stdout + done.stderr)
    assert done.returncode == 0, (
        f"{done.stdout}\n{done.stderr}\n--- jupyter lab log ---\n{Path(lab['log']).read_text()[-6000:]}"
    )
    shots = sorted(p.name for p in ARTEFACTS.glob("*.png"))
    for name in (
        "sidebar-classes",
        "deploy-summary",
        "activation-cold",
        "activation-warm",
        "activation-logs",
        "sequence-chain",
        "sequence-dark",
        "error-next-step",
    ):
        assert any(name in s for s in shots), shots
