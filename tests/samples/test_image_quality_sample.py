"""The image-quality sample on real photos and on degraded copies of them."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from PIL import Image, ImageEnhance, ImageFilter
from quality import ImageQuality


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["astronaut.png", "camera.png", "coffee.png"])
def test_a_blurred_copy_scores_lower_than_the_original(photos: Path, name: str) -> None:
    original = ImageQuality().predict(str(photos / name))
    blurred = ImageQuality().predict(png_bytes(Image.open(photos / name).filter(ImageFilter.GaussianBlur(4))))
    assert original["verdict"] == "good"
    assert blurred["verdict"] == "poor"
    assert blurred["score"] < original["score"]
    assert blurred["sharpness"]["laplacian_variance"] < original["sharpness"]["laplacian_variance"]
    assert any(reason.startswith("blurry") for reason in blurred["reasons"])


def test_a_darkened_copy_loses_exposure_points(photos: Path) -> None:
    original = ImageQuality().predict(str(photos / "coffee.png"))
    dark = ImageQuality().predict(
        png_bytes(ImageEnhance.Brightness(Image.open(photos / "coffee.png")).enhance(0.2))
    )
    assert dark["exposure"]["mean"] < original["exposure"]["mean"]
    assert dark["exposure"]["score"] < original["exposure"]["score"]
    assert any(reason.startswith("badly exposed") for reason in dark["reasons"])


def test_a_small_image_is_marked_small(photos: Path) -> None:
    small = ImageQuality().predict(png_bytes(Image.open(photos / "camera.png").resize((64, 64))))
    assert small["size"] == {"width": 64, "height": 64, "score": 0.25}
    assert any(reason.startswith("small: 64x64") for reason in small["reasons"])


def test_the_threshold_decides_the_verdict(photos: Path) -> None:
    path = str(photos / "camera.png")
    score = ImageQuality().predict(path)["score"]
    assert ImageQuality().predict(path, threshold=score)["verdict"] == "good"
    assert ImageQuality().predict({"image": path, "threshold": min(1.0, score + 0.01)})["verdict"] == "poor"


def test_same_input_forms_as_the_body_crop(photos: Path, photo_server: str) -> None:
    path = photos / "rocket.jpg"
    by_path = ImageQuality().predict(str(path))
    by_url = ImageQuality().predict(f"{photo_server}/rocket.jpg")
    by_b64 = ImageQuality().predict("data:image/jpeg;base64," + base64.b64encode(path.read_bytes()).decode())
    assert by_path["score"] == by_url["score"] == by_b64["score"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"image": b"not an image"}, "not an image OpenCV can read"),
        ({"image": "%%%"}, "neither an http\\(s\\) URL"),
        ({"image": "A" * 1_048_580}, "over OpenWhisk's limit of 1048576 bytes"),
        ({"image": "x.png", "threshold": 2}, "threshold must be between 0 and 1"),
    ],
)
def test_bad_input_is_a_clear_error(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ImageQuality().predict(**kwargs)  # type: ignore[arg-type]
