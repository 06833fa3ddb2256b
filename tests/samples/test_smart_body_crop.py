"""The smart-body-crop sample on real photos with the real BlazePose models: boxes, keypoints, errors.

Regions are rough, hand-checked positions in the photos (``astronaut.png`` is 512x512: the face spans about
x 170-260, y 40-150; the shoulders are near y 240-260; the hips are just below the frame). They were checked
by drawing the keypoints and the box on the photo and looking at it.
"""

from __future__ import annotations

import base64
import io
import json
import math
import os
import statistics
import zipfile
from pathlib import Path
from typing import Any

import pytest
from body_crop import (
    BODY_PARTS,
    KEYPOINT_NAMES,
    MEDIAPIPE_FILES,
    SmartBodyCrop,
    _installed_mediapipe_file,
    ensure_model_files,
)
from image_input import MAX_PARAM_BYTES
from PIL import Image

pytestmark = pytest.mark.slow

NO_PERSON = ["coffee.png", "rocket.jpg", "chelsea.png"]
# Keypoints from the real MediaPipe 0.10.21 Pose solution on the photos (golden/make_mediapipe_reference.py).
REFERENCE = Path(__file__).parent / "golden" / "mediapipe_pose_reference.json"
MEDIAPIPE = json.loads(REFERENCE.read_text())["landmarks"]


def b64(path: Path) -> str:
    return base64.b64encode(path.read_bytes()).decode("ascii")


def inside(point: list[float], x0: float, y0: float, x1: float, y1: float) -> bool:
    return x0 <= point[0] <= x1 and y0 <= point[1] <= y1


def box_contains(result: dict[str, Any], x0: float, y0: float, x1: float, y1: float) -> bool:
    return (
        result["x"] <= x0
        and result["y"] <= y0
        and result["x"] + result["w"] >= x1
        and result["y"] + result["h"] >= y1
    )


def test_astronaut_keypoints_are_where_the_body_is(cropper: Any, photos: Path) -> None:
    result = cropper.predict(str(photos / "astronaut.png"), upper="nose", lower="hips")
    kp = result["keypoints"]
    assert result["image_size"] == {"width": 512, "height": 512}
    assert set(kp) == {
        "nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder",
        "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip", "right_hip",
    }  # fmt: skip
    for name in ("nose", "left_eye", "right_eye"):
        assert inside(kp[name], 170, 40, 260, 150), (name, kp[name])
        assert kp[name][2] > 0.9, "face points in plain view are visible"
    # The person faces the camera: their left eye and shoulder are on the image's right.
    assert kp["left_eye"][0] > kp["right_eye"][0]
    assert kp["left_shoulder"][0] > kp["right_shoulder"][0]
    # Head to hips, top to bottom.
    eyes_y = max(kp["left_eye"][1], kp["right_eye"][1])
    shoulders_y = [kp["left_shoulder"][1], kp["right_shoulder"][1]]
    assert eyes_y < min(shoulders_y)
    assert max(shoulders_y) < min(kp["left_hip"][1], kp["right_hip"][1])
    for name in ("left_shoulder", "right_shoulder"):
        assert inside(kp[name], 0, 0, 511, 511), (name, kp[name])
        assert 200 <= kp[name][1] <= 300, (name, kp[name])
    # The hips are below the frame: the model still places them, with a low visibility.
    assert min(kp["left_hip"][1], kp["right_hip"][1]) > 450
    assert max(kp["left_hip"][2], kp["right_hip"][2]) < 0.5


def test_astronaut_eyes_to_hips_box_covers_face_and_torso(cropper: Any, photos: Path) -> None:
    result = cropper.predict(str(photos / "astronaut.png"))  # defaults: eyes to hips
    assert (result["upper"], result["lower"]) == ("eyes", "hips")
    assert set(result["keypoints"]) >= {"left_eye", "right_eye", "left_hip", "right_hip"}
    assert all(isinstance(result[k], int) for k in "xywh")
    assert box_contains(result, 170, 100, 260, 160), "eyes to chin"
    assert box_contains(result, 110, 240, 310, 511), "shoulders down to the frame's bottom (the hips)"
    # The box starts near the eyes, not at the top of the photo, and stays within the photo.
    assert 40 <= result["y"] <= 100
    assert result["x"] >= 0 and result["x"] + result["w"] <= 512 and result["y"] + result["h"] == 512


def test_margin_grows_the_box_and_zero_margin_starts_at_the_eyes(cropper: Any, photos: Path) -> None:
    tight = cropper.predict(str(photos / "astronaut.png"), margin=0)
    loose = cropper.predict(str(photos / "astronaut.png"), margin=0.3)
    eyes_top = min(tight["keypoints"]["left_eye"][1], tight["keypoints"]["right_eye"][1])
    assert tight["y"] == int(eyes_top)
    assert loose["y"] < tight["y"] and loose["x"] < tight["x"]
    assert loose["w"] > tight["w"]


def test_camera_man_in_profile_is_found(cropper: Any, photos: Path) -> None:
    result = cropper.predict(str(photos / "camera.png"), upper="eyes", lower="knees")
    kp = result["keypoints"]
    # His head is around x 160-260, y 60-200 (he looks into a camera on the right).
    assert inside(kp["left_eye"], 160, 60, 270, 200) and inside(kp["right_eye"], 160, 60, 270, 200)
    assert max(kp["left_eye"][1], kp["right_eye"][1]) < min(kp["left_shoulder"][1], kp["right_shoulder"][1])
    assert max(kp["left_shoulder"][1], kp["right_shoulder"][1]) < min(kp["left_hip"][1], kp["right_hip"][1])
    assert min(kp["left_hip"][1], kp["right_hip"][1]) < min(kp["left_knee"][1], kp["right_knee"][1])
    assert box_contains(result, 180, 150, 240, 400)


@pytest.mark.parametrize("name", NO_PERSON)
def test_a_photo_without_a_person_is_a_clear_error(cropper: Any, photos: Path, name: str) -> None:
    with pytest.raises(ValueError, match="no person found in the image"):
        cropper.predict(str(photos / name))


def test_base64_and_data_url_give_the_same_box_as_a_path(cropper: Any, photos: Path) -> None:
    path = photos / "camera.png"
    by_path = cropper.predict(str(path))
    by_base64 = cropper.predict(b64(path))
    by_data_url = cropper.predict("data:image/png;base64," + b64(path))
    by_bytes = cropper.predict(path.read_bytes())
    for other in (by_base64, by_data_url, by_bytes):
        assert {k: other[k] for k in "xywh"} == {k: by_path[k] for k in "xywh"}


def test_url_input_from_a_local_http_server(cropper: Any, photos: Path, photo_server: str) -> None:
    by_url = cropper.predict(f"{photo_server}/astronaut.png")
    by_path = cropper.predict(str(photos / "astronaut.png"))
    assert {k: by_url[k] for k in "xywh"} == {k: by_path[k] for k in "xywh"}
    assert by_url["timings_ms"]["download"] > 0
    assert by_path["timings_ms"]["download"] == 0
    with pytest.raises(ValueError, match=r"could not download the image from .*missing\.png: HTTP 404"):
        cropper.predict(f"{photo_server}/missing.png")


def test_an_image_over_the_payload_limit_says_to_pass_a_url(cropper: Any, photos: Path) -> None:
    text = b64(photos / "astronaut.png")
    assert len(text) > MAX_PARAM_BYTES  # the photo itself is the case: 1,055,408 bytes of base64
    with pytest.raises(
        ValueError, match=r"over OpenWhisk's limit of 1048576 bytes .*pass the image as an http\(s\) URL"
    ):
        cropper.predict(text)


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (b"this is not an image", "are not an image Pillow can read"),
        (
            base64.b64encode(b"\x89PNG\r\n\x1a\n but then garbage").decode(),
            "are not an image Pillow can read",
        ),
        ("not base64 and not a file!", "neither an http\\(s\\) URL, nor an existing file, nor valid base64"),
        ("data:image/png,rawtext", "must be base64-encoded"),
        ("", "image is missing"),
        (42, "image is of type int: pass an http\\(s\\) URL"),
        (b"", "the image is empty"),
    ],
)
def test_bad_image_input_is_a_clear_error(cropper: Any, image: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        cropper.predict(image)


def test_unknown_body_part_lists_the_valid_ones(cropper: Any, photos: Path) -> None:
    with pytest.raises(ValueError) as caught:
        cropper.predict(str(photos / "camera.png"), upper="head")
    assert "unknown body part upper='head'" in str(caught.value)
    assert ", ".join(BODY_PARTS) in str(caught.value)
    with pytest.raises(ValueError, match="upper='hips' is below lower='eyes'"):
        cropper.predict(str(photos / "camera.png"), upper="hips", lower="eyes")
    with pytest.raises(ValueError, match="margin must be"):
        cropper.predict(str(photos / "camera.png"), margin="wide")


def test_parameters_as_one_dict_as_an_action_receives_them(cropper: Any, photos: Path) -> None:
    params = {"image": str(photos / "camera.png"), "upper": "shoulders", "lower": "hips", "margin": "0.05"}
    as_dict = cropper.predict(params)
    as_keywords = cropper.predict(**params)
    assert {k: as_dict[k] for k in "xywh"} == {k: as_keywords[k] for k in "xywh"}
    assert set(as_dict["keypoints"]) == {"left_shoulder", "right_shoulder", "left_elbow", "right_elbow",
                                         "left_wrist", "right_wrist", "left_hip", "right_hip"}  # fmt: skip


def test_return_image_gives_the_crop_as_base64_jpeg(cropper: Any, photos: Path) -> None:
    result = cropper.predict(str(photos / "astronaut.png"), return_image=True)
    crop = Image.open(io.BytesIO(base64.b64decode(result["crop"])))
    assert crop.format == "JPEG"
    assert crop.size == (result["w"], result["h"])
    assert "crop" not in cropper.predict(str(photos / "astronaut.png"))
    assert "crop" not in cropper.predict(str(photos / "astronaut.png"), return_image="false")  # CLI text
    assert "crop" in cropper.predict(str(photos / "camera.png"), return_image="true")
    with pytest.raises(ValueError, match="return_image must be true or false, not 'maybe'"):
        cropper.predict(str(photos / "camera.png"), return_image="maybe")


def test_an_invocation_without_an_image_says_what_to_pass(cropper: Any) -> None:
    with pytest.raises(ValueError, match="image is missing: pass an http\\(s\\) URL"):
        cropper.predict(upper="eyes", lower="hips")


def test_a_warm_second_call_reuses_the_loaded_models(model_dir: str, photos: Path) -> None:
    crop = SmartBodyCrop(model_dir=model_dir)
    detector, landmarker = crop.detector, crop.landmarker
    first = crop.predict(str(photos / "camera.png"))
    second = crop.predict(str(photos / "camera.png"))
    assert first["timings_ms"]["model_load"] > 0
    assert second["timings_ms"]["model_load"] == 0
    assert crop.detector is detector and crop.landmarker is landmarker
    assert {k: first[k] for k in "xywh"} == {k: second[k] for k in "xywh"}
    assert set(second["timings_ms"]) == {"download", "decode", "model_load", "detector", "landmarks", "total"}


def test_model_files_come_from_mediapipe_or_its_wheel(tmp_path: Path) -> None:
    installed = ensure_model_files(str(tmp_path / "from_dist"))
    for name, inner in MEDIAPIPE_FILES.items():
        source = _installed_mediapipe_file(inner)
        assert source is not None
        assert Path(installed[name]).read_bytes() == Path(source).read_bytes()
    # A wheel is a zip with the same inner paths.
    wheel = tmp_path / "mediapipe-0.10.21-cp311-cp311-manylinux_2_28_x86_64.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for inner in MEDIAPIPE_FILES.values():
            archive.write(str(_installed_mediapipe_file(inner)), inner)
    extracted = ensure_model_files(str(tmp_path / "from_wheel"), wheel=str(wheel))
    for name in MEDIAPIPE_FILES:
        assert Path(extracted[name]).read_bytes() == Path(installed[name]).read_bytes()
    # Present files are used as they are: nothing is copied again.
    before = os.stat(extracted["pose_detection.tflite"]).st_mtime_ns
    ensure_model_files(str(tmp_path / "from_wheel"), wheel=str(tmp_path / "no-such.whl"))
    assert os.stat(extracted["pose_detection.tflite"]).st_mtime_ns == before


def jpeg(image: Image.Image, **save: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=95, **save)
    return buffer.getvalue()


def test_a_big_photo_is_decoded_smaller_but_answered_in_full_size_pixels(cropper: Any, photos: Path) -> None:
    # Eyes to shoulders: points the model places steadily (wrists move by tens of pixels between two
    # resamplings of the same photo, so they are not a test of the scaling).
    camera = Image.open(photos / "camera.png").convert("RGB")
    small = cropper.predict(jpeg(camera), upper="eyes", lower="shoulders")
    big = cropper.predict(
        jpeg(camera.resize((3200, 3200), Image.Resampling.BICUBIC)), upper="eyes", lower="shoulders"
    )
    assert big["image_size"] == {"width": 3200, "height": 3200}
    for key in "xywh":
        assert big[key] == pytest.approx(small[key] * 6.25, abs=0.03 * 3200), key
    for name in ("left_eye", "right_eye", "left_shoulder", "right_shoulder"):
        expected = [v * 6.25 for v in small["keypoints"][name][:2]]
        assert big["keypoints"][name][:2] == pytest.approx(expected, abs=0.03 * 3200), name


def test_exif_orientation_turns_the_photo_upright_first(cropper: Any, photos: Path) -> None:
    upright = Image.open(photos / "camera.png").convert("RGB").crop((0, 0, 512, 440))
    exif = Image.Exif()
    exif[0x0112] = 6  # "turn 90 degrees clockwise to display": stored lying on its side
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    assert stored.size == (440, 512)
    as_upright = cropper.predict(jpeg(upright), upper="eyes", lower="shoulders")
    as_stored = cropper.predict(jpeg(stored, exif=exif), upper="eyes", lower="shoulders")
    assert as_stored["image_size"] == {"width": 512, "height": 440}
    for key in "xywh":
        assert as_stored[key] == pytest.approx(as_upright[key], abs=8), key


def test_an_image_with_too_many_pixels_is_refused_before_decoding(cropper: Any) -> None:
    buffer = io.BytesIO()
    Image.new("1", (8000, 7000)).save(buffer, format="PNG")  # 56 megapixels in a few kB
    with pytest.raises(
        ValueError, match="the image is 8000x7000 pixels, over 50,000,000: pass a smaller image"
    ):
        cropper.predict(buffer.getvalue())


@pytest.mark.parametrize("name", sorted(MEDIAPIPE))
def test_the_port_finds_what_mediapipe_finds(cropper: Any, photos: Path, name: str) -> None:
    reference = MEDIAPIPE[name]
    if reference is None:
        with pytest.raises(ValueError, match="no person found"):
            cropper.predict(str(photos / name))
        return
    ours = cropper.predict(str(photos / name), upper="nose", lower="ankles")["keypoints"]
    distances = {}
    for key, (x, y, visibility) in ours.items():
        ref_x, ref_y, ref_visibility = reference[KEYPOINT_NAMES.index(key)]
        distances[key] = math.hypot(x - ref_x, y - ref_y)
        assert visibility == pytest.approx(ref_visibility, abs=0.1), key
    assert len(distances) == 17
    assert statistics.median(distances.values()) < 5, distances
    for key in ("nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder"):
        assert distances[key] < 8, (key, distances[key])
    assert max(distances.values()) < 40, distances
