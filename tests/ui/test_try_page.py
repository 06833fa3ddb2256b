"""The page to try the model, in a browser: the smart body crop deployed from its notebook as a web action
(``--web``), the page beside it (``samples/smart_body_crop/try_page.py``, a web action answering ``.html``),
a real engine, and Debian's Chromium (``tests/ui/try_page.mjs``): pick ``camera.png``, see the crop.

Screenshots land in ``tests/ui/artefacts/`` (gitignored), as the sidebar test's do.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from jupyter_faas.build import BuildOptions, build, deploy
from jupyter_faas.config import resolve
from jupyter_faas.engine import EngineHandle, start
from jupyter_faas.openwhisk import Client

ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = ROOT / "tests" / "ui" / "artefacts"
CHROMIUM = Path(os.environ.get("FAAS_CHROMIUM", "/usr/bin/chromium"))
PHOTO = ROOT / "samples" / "photos" / "camera.png"
NOTEBOOK = ROOT / "notebooks" / "smart_body_crop.ipynb"
SAMPLE = ROOT / "samples" / "smart_body_crop"
os.environ.setdefault("JUPYTER_FAAS_CACHE", str(ROOT / ".cache" / "jupyter-faas"))

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineHandle]:
    handle = start(port=0, data_dir=tmp_path_factory.mktemp("page-engine"))
    yield handle
    handle.stop()


def _deploy_page(engine: EngineHandle) -> str:
    """The model (from the notebook, --web) and its page; the page's URL."""
    sys.path.insert(0, str(SAMPLE))
    try:
        from body_crop import ensure_model_files  # the notebook's own first step
        from try_page import page_action_zip
    finally:
        sys.path.remove(str(SAMPLE))
    ensure_model_files(str(NOTEBOOK.parent / "models"))
    options = BuildOptions(class_name="SmartBodyCrop", name="page-crop", web="true", no_test=True, memory=256)
    with Client(resolve(apihost=engine.apihost, auth=engine.auth, start_engine=False)) as client:
        deployment = deploy(build(str(NOTEBOOK), options), client)
        assert deployment.url and deployment.url.endswith("/api/v1/web/guest/default/page-crop")
        client.actions.update("page-crop-page", page_action_zip(), kind="python:3.11", web=True)
        page = client.actions.url("page-crop-page", ".html")
    return page + "?action=page-crop"


@pytest.mark.timeout(900)
def test_a_photo_picked_on_the_page_is_cropped_and_shown(engine: EngineHandle) -> None:
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)"
    node = shutil.which("node")
    assert node, "node is missing"
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    url = _deploy_page(engine)
    env = {**os.environ, "PAGE_URL": url, "PHOTO": str(PHOTO), "ARTEFACTS": str(ARTEFACTS)}
    done = subprocess.run(
        [node, str(ROOT / "tests" / "ui" / "try_page.mjs")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["errors"] == [], seen
    assert seen["status"].startswith("Done (activation "), seen
    assert seen["cropType"] == "data:image/jpeg;base64," and not seen["cropHidden"]
    width, height = seen["cropSize"]
    photo = Image.open(PHOTO)
    assert 0 < width < photo.width and 0 < height < photo.height  # a crop, not the photo
    assert seen["box"].startswith("shoulders to knees: x ")
    assert seen["canvasSize"] == [photo.width, photo.height]
    assert (ARTEFACTS / "try-page-crop.png").stat().st_size > 10_000
