"""The auto-tag sample (issue 14, part 3): tags from real smart-body-crop results on the sample photos
(real BlazePose inference), each rule on a result made to test it, and bad input said clearly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from auto_tag import AutoTag, tags


@pytest.fixture(scope="module")
def crops(cropper: Any, photos: Path) -> dict[str, dict[str, Any]]:
    return {
        "astronaut eyes-hips": cropper.predict(str(photos / "astronaut.png"), upper="eyes", lower="hips"),
        "camera eyes-hips": cropper.predict(str(photos / "camera.png"), upper="eyes", lower="hips"),
        "camera shoulders-ankles": cropper.predict(
            str(photos / "camera.png"), upper="shoulders", lower="ankles"
        ),
    }


def test_real_crops_get_the_tags_their_photos_show(crops: dict[str, dict[str, Any]]) -> None:
    tagger = AutoTag()
    astronaut = tagger.predict(**crops["astronaut eyes-hips"])
    # a head-and-shoulders photo: the face is seen, the hips are out of the frame
    assert astronaut["tags"][:3] == ["person", "face visible", "portrait"]
    assert "upper body" not in astronaut["tags"] and "hips" not in astronaut["facts"]["visible"]
    assert "close-up" in astronaut["tags"] and astronaut["facts"]["box_fraction"] >= 0.4
    camera = tagger.predict(**crops["camera eyes-hips"])
    assert {"face visible", "upper body", "portrait"} <= set(camera["tags"])
    below = tagger.predict(**crops["camera shoulders-ankles"])
    assert "face visible" not in below["tags"] and "portrait" not in below["tags"]  # the crop has no face
    for result in (astronaut, camera, below):
        assert result["tags"][-2:] == ["square", "low resolution"]  # both photos are 512 x 512
        assert result["facts"]["megapixels"] == 0.26


def _point(v: float) -> list[float]:
    return [10.0, 10.0, v]


def test_each_rule_on_a_result_made_for_it() -> None:
    standing = {
        name: _point(0.9) for name in ("nose", "left_shoulder", "right_hip", "left_knee", "left_ankle")
    }
    full = tags(standing, {"width": 1200, "height": 1800}, 300, 1500)
    assert full["tags"] == [
        "person",
        "face visible",
        "upper body",
        "full body",
        "portrait orientation",
        "high resolution",
    ]
    hidden = {**standing, "left_ankle": _point(0.2)}  # an ankle in the crop, not seen
    assert "full body" not in tags(hidden, {"width": 1200, "height": 1800}, 300, 1500)["tags"]
    small = tags({"left_eye": _point(0.8)}, {"width": 4000, "height": 1000}, 100, 100)
    assert small["tags"] == ["person", "face visible", "portrait", "detail", "landscape", "high resolution"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (({}, {"width": "wide", "height": 10}, 1, 1), "image_size.width must be a number, not 'wide'"),
        (([], {"width": 1, "height": 1}, 1, 1), "keypoints and image_size must be objects"),
        (({}, {"width": 1, "height": 1}, None, 1), "w must be a number, not None"),
    ],
)
def test_a_result_that_is_not_a_crop_is_refused_with_what_to_give(args: tuple, message: str) -> None:
    with pytest.raises(ValueError, match="give a smart-body-crop result") as info:
        tags(*args)
    assert str(info.value).startswith(message)
