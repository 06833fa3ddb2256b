"""The reference action through a real engine: ``notebooks/smart_body_crop.ipynb`` built by the build
service (as ``jupyter-faas deploy NOTEBOOK`` does), deployed with the client, invoked over HTTP.

What a user of the action relies on: it runs in the engine's isolated runtime from the image plan with a
256 MB limit; its answer is the one ``SmartBodyCrop`` gives in process; the first activation is cold
(models loaded in ``initTime``) and later ones are warm (no loading); a photo too big to inline is refused
before it is sent, and goes by URL instead; bad input and photos without a person are application errors
with the action's message, after which the container stays warm.
"""

from __future__ import annotations

import base64
import functools
import http.server
import shutil
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from jupyter_faas.build import BuildOptions, BuildResult, build, deploy
from jupyter_faas.config import Config
from jupyter_faas.engine import EngineHandle
from jupyter_faas.errors import ActivationFailed, RequestTooLarge
from jupyter_faas.openwhisk import Client

# slow; the first run on a fresh checkout also builds the action's image environment (pip), hence 900 s
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
PHOTOS = ROOT / "samples" / "photos"
SAMPLE = ROOT / "samples" / "smart_body_crop"
NAME = "body-crop-it"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def photo_url() -> Iterator[Callable[[str], str]]:
    """``photo_url("astronaut.png")``: the photo served over HTTP on 127.0.0.1 (the URL form of ``image``)."""
    handler = functools.partial(_QuietHandler, directory=str(PHOTOS))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="photos", daemon=True)
    thread.start()
    try:
        yield lambda name: f"http://127.0.0.1:{server.server_address[1]}/{name}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def cropper(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The sample's ``SmartBodyCrop`` in this process: what the action must agree with."""
    if str(SAMPLE) not in sys.path:
        sys.path.insert(0, str(SAMPLE))
    from body_crop import SmartBodyCrop

    return SmartBodyCrop(model_dir=str(tmp_path_factory.mktemp("models")))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The notebook built as the CLI builds it, from a copy of its folder (modules and models beside it)."""
    pytest.importorskip("mediapipe", reason="the model files come from mediapipe: run `make install`")
    folder = tmp_path_factory.mktemp("notebook")
    for name in ("smart_body_crop.ipynb", "image_input.py", "pose_model.py"):
        shutil.copyfile(NOTEBOOKS / name, folder / name)  # the modules are symlinks: copy their targets
    if str(SAMPLE) not in sys.path:
        sys.path.insert(0, str(SAMPLE))
    from body_crop import ensure_model_files

    ensure_model_files(str(folder / "models"))
    options = BuildOptions("SmartBodyCrop", name=NAME, memory=256, output=folder / "build")
    return build(folder / "smart_body_crop.ipynb", options)


@pytest.fixture(scope="module")
def client(
    built: BuildResult, start_engine: Callable[..., EngineHandle]
) -> Iterator[tuple[Client, dict[str, Any]]]:
    """A client of an engine of its own, with the action deployed there; and the deployed action."""
    engine = start_engine()
    with Client(Config(apihost=engine.apihost, auth=engine.auth)) as ow:
        deployment = deploy(built, ow)
        yield ow, deployment.action


def _same(a: dict[str, Any], b: dict[str, Any]) -> float:
    """The largest keypoint difference (px) of two results that must have the same box and parts."""
    assert [a[k] for k in "xywh"] == [b[k] for k in "xywh"], (a, b)
    assert a["keypoints"].keys() == b["keypoints"].keys()
    return max(
        abs(u - v) for n in a["keypoints"] for u, v in zip(a["keypoints"][n], b["keypoints"][n], strict=True)
    )


def _annotation(record: dict[str, Any], key: str) -> Any:
    return next((a["value"] for a in record.get("annotations", []) if a["key"] == key), None)


def test_the_plan_is_an_image_with_the_models_in_the_zip(built: BuildResult) -> None:
    package = built.package
    assert (package.plan.choice, package.kind) == ("image", "blackbox")
    assert {"models/pose_detection.tflite", "models/pose_landmark_full.tflite"} <= set(package.entries)
    assert {"image_input.py", "pose_model.py", "__main__.py"} <= set(package.entries)
    assert built.capture.source.endswith("smart_body_crop.ipynb")


def test_cold_then_warm_with_the_in_process_answer(
    client: tuple[Client, dict[str, Any]], photo_url: Callable[[str], str], cropper: Any
) -> None:
    ow, action = client
    assert action["exec"]["kind"] == "blackbox" and action["limits"]["memory"] == 256
    params = {"image": photo_url("astronaut.png"), "upper": "eyes", "lower": "hips"}
    cold = ow.actions.invoke(NAME, params, blocking=True)
    warm = ow.actions.invoke(NAME, params, blocking=True)
    assert _annotation(cold, "initTime") is not None and _annotation(warm, "initTime") is None
    assert _annotation(cold, "kind") == "blackbox"
    first, second = cold["response"]["result"], warm["response"]["result"]
    assert second["timings_ms"]["model_load"] == 0 and second["timings_ms"]["download"] > 0
    expected = cropper.predict(str(PHOTOS / "astronaut.png"), upper="eyes", lower="hips")
    assert _same(first, expected) < 0.01 and _same(second, expected) < 0.01
    assert first["image_size"] == {"width": 512, "height": 512}


def test_a_photo_inline_over_1_mb_is_refused_before_sending(client: tuple[Client, dict[str, Any]]) -> None:
    ow, _ = client
    inline = base64.b64encode((PHOTOS / "astronaut.png").read_bytes()).decode("ascii")  # 1,055,408 bytes
    with pytest.raises(RequestTooLarge) as caught:
        ow.actions.invoke(NAME, {"image": inline}, blocking=True)
    assert "1048576" in str(caught.value) or "1 MB" in str(caught.value)


def test_inline_photo_and_another_body_part_pair(client: tuple[Client, dict[str, Any]], cropper: Any) -> None:
    ow, _ = client
    camera = base64.b64encode((PHOTOS / "camera.png").read_bytes()).decode("ascii")
    result = ow.actions.invoke(
        NAME,
        {"image": camera, "upper": "shoulders", "lower": "knees", "return_image": True},
        result=True,
        blocking=True,
    )
    expected = cropper.predict(str(PHOTOS / "camera.png"), upper="shoulders", lower="knees")
    assert _same(result, expected) < 0.01
    assert set(result["keypoints"]) >= {"left_shoulder", "right_knee"}
    assert base64.b64decode(result["crop"])[:3] == b"\xff\xd8\xff"  # a JPEG


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"image": "coffee.png"}, "no person found in the image"),
        ({"image": "astronaut.png", "upper": "toes"}, "unknown body part upper='toes': choose one of nose,"),
        ({"image": "astronaut.png", "upper": "hips", "lower": "eyes"}, "upper='hips' is below lower='eyes'"),
        ({}, "image is missing"),
    ],
)
def test_bad_input_is_an_application_error_and_the_container_stays_warm(
    client: tuple[Client, dict[str, Any]],
    photo_url: Callable[[str], str],
    params: dict[str, Any],
    message: str,
) -> None:
    ow, _ = client
    if "image" in params:
        params = {**params, "image": photo_url(params["image"])}
    with pytest.raises(ActivationFailed) as caught:
        ow.actions.invoke(NAME, params, blocking=True)
    record = caught.value.details
    assert record["response"]["status"] == "application error"
    assert message in record["response"]["result"]["error"]
    after = ow.actions.invoke(NAME, {"image": photo_url("camera.png")}, blocking=True)
    assert _annotation(after, "initTime") is None  # an application error keeps the container


def test_two_at_once_within_256_mb_each(
    client: tuple[Client, dict[str, Any]], photo_url: Callable[[str], str]
) -> None:
    ow, _ = client
    inputs = [{"image": photo_url(p), "upper": "nose", "lower": "shoulders"} for p in ["astronaut.png"] * 4]
    mapped = ow.actions.map(NAME, inputs, concurrency=2, progress=False)
    assert mapped.ok, [f.error for f in mapped.failures]
    assert len({(r["x"], r["y"], r["w"], r["h"]) for r in mapped.results}) == 1
