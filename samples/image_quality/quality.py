"""Image quality: is a photo sharp, well exposed and big enough? A small second action for jupyter-faas.

Owns: the ``ImageQuality`` inference class (OpenCV only, no model), its measures, score and verdict, and
reading its ``image`` parameter. Does not own anything of the smart-body-crop sample: each sample is one
self-contained folder, as an action is, so this module reads images itself instead of importing the
other sample's ``image_input.py``.

    ImageQuality().predict("photo.jpg", threshold=0.5)
    # {"score": 0.87, "verdict": "good", "reasons": [], "sharpness": {...}, "exposure": {...}, ...}

Measures, on the image scaled so its longer side is ``ANALYSIS_SIDE`` pixels (so the numbers do not depend
on the resolution): sharpness is the variance of the Laplacian of the grey image (blur lowers it);
exposure is the mean brightness and the fractions of nearly black and nearly white pixels; size is the
original width and height. Each becomes a sub-score in [0, 1]; the score is their product, and the verdict
is "good" when the score reaches ``threshold``.
"""

from __future__ import annotations

import base64
import binascii
import os
import time
import urllib.error
import urllib.request
from typing import Any

import cv2
import numpy as np

__all__ = ["ANALYSIS_SIDE", "MAX_PARAM_BYTES", "ImageQuality", "measure", "read_image_bytes"]

MAX_PARAM_BYTES = 1_048_576  # OpenWhisk's limit on an invocation's parameters (1 MB)
MAX_DOWNLOAD_BYTES = 20 * 1_048_576
ANALYSIS_SIDE = 512
SHARP_VARIANCE = 200.0  # Laplacian variance at which sharpness scores 1 (a clear photo is well above)
MIN_SIDE = 256  # images smaller than this on their short side lose points for size
DARK, BRIGHT = 8, 247  # grey levels counted as clipped shadows / highlights


def read_image_bytes(image: str | bytes) -> bytes:
    """The encoded bytes of ``image``: an http(s) URL, a file path, base64 text or a data: URL, or bytes."""
    if isinstance(image, (bytes, bytearray, memoryview)):
        return bytes(image)
    if not isinstance(image, str) or not image.strip():
        raise ValueError("image is missing: pass an http(s) URL, a path, or the image as base64 text")
    text = image.strip()
    if text.lower().startswith(("http://", "https://")):
        try:
            with urllib.request.urlopen(text, timeout=30) as response:
                data: bytes = response.read(MAX_DOWNLOAD_BYTES + 1)
        except (urllib.error.URLError, OSError) as exc:
            raise ValueError(f"could not download the image from {text}: {exc}") from exc
        if len(data) > MAX_DOWNLOAD_BYTES:
            raise ValueError(f"the image at {text} is over {MAX_DOWNLOAD_BYTES // 1_048_576} MB")
        return data
    if len(text) < 4096 and os.path.isfile(text):
        with open(text, "rb") as f:
            return f.read()
    if len(text) > MAX_PARAM_BYTES:
        raise ValueError(
            f"the base64 image is {len(text)} bytes, over OpenWhisk's limit of {MAX_PARAM_BYTES} bytes "
            "(1 MB) for an action's parameters: pass the image as an http(s) URL instead"
        )
    payload = text.partition(",")[2] if text.startswith("data:") else text
    try:
        return base64.b64decode("".join(payload.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(
            "image is neither an http(s) URL, nor an existing file, nor valid base64: "
            "pass a URL, a path, or the image bytes as base64 text"
        ) from exc


def measure(grey: np.ndarray, threshold: float) -> dict[str, Any]:
    """Sharpness, exposure and size of a grey image (H, W uint8), their score and the verdict."""
    height, width = grey.shape
    scale = ANALYSIS_SIDE / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = cv2.resize(grey, size, interpolation=cv2.INTER_AREA)

    variance = float(cv2.Laplacian(small, cv2.CV_64F).var())
    mean = float(small.mean()) / 255.0
    dark = float((small <= DARK).mean())
    bright = float((small >= BRIGHT).mean())

    sharpness_score = min(1.0, variance / SHARP_VARIANCE)
    # Full marks for a mean brightness within 0.35..0.65 and no clipped pixels.
    brightness_score = max(0.0, 1.0 - 2.0 * max(0.0, abs(mean - 0.5) - 0.15))
    exposure_score = brightness_score * max(0.0, 1.0 - 2.0 * (dark + bright))
    size_score = min(1.0, min(width, height) / MIN_SIDE)
    score = sharpness_score * exposure_score * size_score

    reasons = []
    if sharpness_score < 0.5:
        reasons.append(f"blurry: Laplacian variance {variance:.0f} < {SHARP_VARIANCE / 2:.0f}")
    if exposure_score < 0.5:
        reasons.append(
            f"badly exposed: mean brightness {mean:.2f}, {dark:.0%} black and {bright:.0%} white pixels"
        )
    if size_score < 1.0:
        reasons.append(f"small: {width}x{height}, under {MIN_SIDE} pixels on the short side")
    return {
        "score": round(score, 3),
        "verdict": "good" if score >= threshold else "poor",
        "threshold": threshold,
        "reasons": reasons,
        "sharpness": {"laplacian_variance": round(variance, 1), "score": round(sharpness_score, 3)},
        "exposure": {
            "mean": round(mean, 3),
            "dark_fraction": round(dark, 4),
            "bright_fraction": round(bright, 4),
            "score": round(exposure_score, 3),
        },
        "size": {"width": width, "height": height, "score": round(size_score, 3)},
    }


class ImageQuality:
    """Scores a photo's sharpness, exposure and size; no model to load."""

    def predict(self, image: str | bytes | dict[str, Any], threshold: float = 0.5) -> dict[str, Any]:
        """Measure ``image`` and say whether its score reaches ``threshold`` (0..1).

        The result has ``score``, ``verdict`` ("good" or "poor"), ``reasons`` (what lowered the score),
        ``sharpness``, ``exposure``, ``size`` and ``timings_ms``. A dict as ``image`` is taken as all the
        parameters at once.
        """
        if isinstance(image, dict):
            return self.predict(**image)
        try:
            threshold = float(threshold)
        except (TypeError, ValueError):
            raise ValueError(f"threshold must be a number between 0 and 1, not {threshold!r}") from None
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must be between 0 and 1, not {threshold}")
        started = time.perf_counter()
        data = read_image_bytes(image)
        grey = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_GRAYSCALE) if data else None
        if grey is None:
            raise ValueError(
                f"the {len(data)} image bytes are not an image OpenCV can read: pass a PNG or JPEG"
            )
        result = measure(grey, threshold)
        result["timings_ms"] = {"total": round((time.perf_counter() - started) * 1000, 2)}
        return result
