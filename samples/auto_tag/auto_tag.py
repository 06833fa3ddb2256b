"""Auto-tag: tags for a photo from what the smart body crop already found. The workflow's third action.

Owns: ``tags(result)``, the tags of one smart-body-crop result (its box, the keypoints it used with their
visibility, the image size), and the ``AutoTag`` class an action runs. Nothing is downloaded and no model
runs: the pose model's work is in the result it is given. Standard library only.

    AutoTag().predict(**crop_result)
    # {"tags": ["person", "face visible", "upper body", "portrait", "close-up", "landscape"],
    #  "facts": {"box_fraction": 0.47, "megapixels": 0.26, "visible": ["eyes", "shoulders", "hips"]}}

Tags (each from a rule a person can check on the photo):

* ``person``: the crop found one (there is no result otherwise);
* ``face visible``: the eyes, the nose or the ears are among the keypoints and visible (>= 0.5);
* ``upper body``: the shoulders and the hips are visible; ``full body``: the ankles too;
* ``portrait``: the face is visible and the crop stops above the knees;
* ``close-up`` when the box covers at least 40% of the photo, ``detail`` when under 10%;
* the photo's orientation (``landscape``, ``portrait orientation``, ``square``) and resolution
  (``high resolution`` from 2 megapixels, ``low resolution`` under 0.3).
"""

from __future__ import annotations

from typing import Any

__all__ = ["BODY_PARTS", "VISIBLE", "AutoTag", "tags"]

VISIBLE = 0.5  # MediaPipe's visibility at which a keypoint counts as seen
# Body parts by the keypoint names the crop returns (both sides count).
BODY_PARTS = {
    "nose": ("nose",),
    "eyes": ("left_eye", "right_eye"),
    "ears": ("left_ear", "right_ear"),
    "shoulders": ("left_shoulder", "right_shoulder"),
    "hips": ("left_hip", "right_hip"),
    "knees": ("left_knee", "right_knee"),
    "ankles": ("left_ankle", "right_ankle"),
}


def _visible(keypoints: dict[str, Any], part: str) -> bool:
    points = [keypoints.get(name) for name in BODY_PARTS[part]]
    return any(isinstance(p, (list, tuple)) and len(p) == 3 and p[2] >= VISIBLE for p in points)


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} must be a number, not {value!r}: give a smart-body-crop result")
    return float(value)


def tags(keypoints: dict[str, Any], image_size: dict[str, Any], w: float, h: float) -> dict[str, Any]:
    """The tags of one crop: ``keypoints`` (name -> [x, y, visibility]), ``image_size`` and the box."""
    if not isinstance(keypoints, dict) or not isinstance(image_size, dict):
        raise ValueError("keypoints and image_size must be objects: give a smart-body-crop result")
    width, height = (
        _number(image_size.get("width"), "image_size.width"),
        _number(image_size.get("height"), "image_size.height"),
    )
    box = _number(w, "w") * _number(h, "h")
    seen = [part for part in BODY_PARTS if _visible(keypoints, part)]
    face = any(part in seen for part in ("nose", "eyes", "ears"))
    out = ["person"]
    if face:
        out.append("face visible")
    if "shoulders" in seen and "hips" in seen:
        out.append("upper body")
        if "ankles" in seen:
            out.append("full body")
    below_hips = any(name in keypoints for part in ("knees", "ankles") for name in BODY_PARTS[part])
    if face and not below_hips:
        out.append("portrait")
    fraction = box / (width * height) if width and height else 0.0
    if fraction >= 0.4:
        out.append("close-up")
    elif fraction < 0.1:
        out.append("detail")
    out.append("square" if abs(width - height) <= 0.05 * max(width, height) else
               "landscape" if width > height else "portrait orientation")  # fmt: skip
    megapixels = width * height / 1e6
    if megapixels >= 2:
        out.append("high resolution")
    elif megapixels < 0.3:
        out.append("low resolution")
    facts = {"box_fraction": round(fraction, 3), "megapixels": round(megapixels, 2), "visible": seen}
    return {"tags": out, "facts": facts}


class AutoTag:
    """The action's class: its result is the tags of the smart-body-crop result it is given."""

    def predict(
        self, keypoints: dict[str, Any], image_size: dict[str, Any], w: float, h: float, **rest: Any
    ) -> dict[str, Any]:
        return tags(keypoints, image_size, w, h)
