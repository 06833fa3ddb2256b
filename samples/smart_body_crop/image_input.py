"""Image input for the smart-body-crop action: where the image comes from, and decoding it.

Owns: turning the ``image`` parameter (an http(s) URL, a local path, base64 text, a ``data:`` URL, or raw
bytes in a notebook) into an RGB pixel array, with a clear ``ValueError`` for each way that can fail, and
encoding a crop back to base64 for the result. Does not own: the pose model (``pose_model.py``) or the crop
(``body_crop.py``).

An OpenWhisk action receives its parameters as JSON of at most 1 MB (``MAX_PARAM_BYTES``), so an image
passed inline is base64 text and a photo over about 750 kB does not fit: for those the error says to pass
a URL. Only the standard library, numpy and Pillow are used, so the module runs unchanged in a notebook and
in the action.
"""

from __future__ import annotations

import base64
import binascii
import io
import os
import time
import urllib.error
import urllib.request

import numpy as np
from PIL import Image, UnidentifiedImageError

__all__ = [
    "DECODE_SIDE",
    "MAX_DOWNLOAD_BYTES",
    "MAX_PARAM_BYTES",
    "MAX_PIXELS",
    "decode_image",
    "encode_image",
    "read_image_bytes",
]

MAX_PARAM_BYTES = 1_048_576  # OpenWhisk's limit on an invocation's parameters (1 MB)
MAX_DOWNLOAD_BYTES = 20 * 1_048_576  # a URL may name a bigger photo, but not an unbounded one
MAX_PIXELS = 50_000_000  # decoded size guard: a 50-megapixel RGB image is 150 MB of memory
DOWNLOAD_TIMEOUT_S = 30
EXIF_ORIENTATION = 0x0112
# What turns a photo upright, by its EXIF orientation (as Pillow's ImageOps.exif_transpose does).
EXIF_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
DECODE_SIDE = 1500  # photos are decoded at 1500 to 3000 pixels on their long side (see decode_image)


def read_image_bytes(image: str | bytes) -> tuple[bytes, float]:
    """The encoded image bytes named by ``image`` and the milliseconds spent downloading them.

    ``image`` is an http(s) URL (downloaded), the path of an existing file (read), base64 text or a
    ``data:`` URL (decoded, at most ``MAX_PARAM_BYTES`` long), or ``bytes`` (used as they are).
    """
    if isinstance(image, (bytes, bytearray, memoryview)):
        return bytes(image), 0.0
    if not isinstance(image, str) or not image.strip():
        what = "missing" if isinstance(image, str) else f"of type {type(image).__name__}"
        raise ValueError(
            f"image is {what}: pass an http(s) URL, a path to an image file, "
            "or the image as base64 text (optionally a data: URL)"
        )
    text = image.strip()
    if text.lower().startswith(("http://", "https://")):
        started = time.perf_counter()
        data = _download(text)
        return data, (time.perf_counter() - started) * 1000
    if len(text) < 4096 and os.path.isfile(text):
        with open(text, "rb") as f:
            return f.read(), 0.0
    return _decode_base64(text), 0.0


def _download(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "smart-body-crop/1.0"})
    try:
        with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT_S) as response:
            data: bytes = response.read(MAX_DOWNLOAD_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise ValueError(f"could not download the image from {url}: HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ValueError(f"could not download the image from {url}: {reason}") from exc
    if len(data) > MAX_DOWNLOAD_BYTES:
        raise ValueError(
            f"the image at {url} is over {MAX_DOWNLOAD_BYTES // 1_048_576} MB: pass a smaller image"
        )
    return data


def _decode_base64(text: str) -> bytes:
    if len(text) > MAX_PARAM_BYTES:
        raise ValueError(
            f"the base64 image is {len(text)} bytes, over OpenWhisk's limit of {MAX_PARAM_BYTES} bytes "
            "(1 MB) for an action's parameters: pass the image as an http(s) URL instead"
        )
    payload = text
    if text.startswith("data:"):
        header, sep, payload = text.partition(",")
        if not sep or not header.endswith(";base64"):
            raise ValueError("a data: URL image must be base64-encoded: data:image/png;base64,<data>")
    try:
        return base64.b64decode("".join(payload.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise ValueError(
            f"image {shown!r} is neither an http(s) URL, nor an existing file, nor valid base64: "
            "pass a URL, a path, or the image bytes as base64 text"
        ) from exc


def decode_image(data: bytes) -> tuple[np.ndarray, tuple[int, int]]:
    """``data`` decoded as an (H, W, 3) uint8 RGB array, upright by its EXIF orientation, and the image's
    full (width, height).

    A photo longer than ``2 * DECODE_SIDE`` is decoded smaller (JPEG at 1/2, 1/4 or 1/8 of its size,
    straight from the file; other formats reduced after decoding), to between ``DECODE_SIDE`` and twice
    that on its long side: the pose model sees 256 pixels anyway, and a 12-megapixel photo at full size is
    36 MB a copy, which a 256 MB action cannot afford several times over.
    """
    if not data:
        raise ValueError("the image is empty (0 bytes): pass a PNG or JPEG image")
    try:
        with Image.open(io.BytesIO(data)) as opened:
            width, height = opened.size
            if width * height > MAX_PIXELS:
                raise ValueError(
                    f"the image is {width}x{height} pixels, over {MAX_PIXELS:,}: pass a smaller image"
                )
            factor = max(width, height) // DECODE_SIDE
            if factor > 1:
                opened.draft("RGB", (width // factor, height // factor))  # only JPEG can; others ignore it
            opened.load()
            image = opened
            factor = max(image.size) // DECODE_SIDE
            if factor > 1:
                image = image.reduce(factor)
            orientation = opened.getexif().get(EXIF_ORIENTATION, 1)
            if orientation in EXIF_TRANSPOSE:
                image = image.transpose(EXIF_TRANSPOSE[orientation])
                if orientation >= 5:  # 5 to 8 turn the photo by 90 degrees
                    width, height = height, width
            if image.mode != "RGB":
                image = image.convert("RGB")
            return np.asarray(image), (width, height)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as exc:
        raise ValueError(
            f"the {len(data)} image bytes are not an image Pillow can read ({exc}): pass a PNG or JPEG image"
        ) from exc


def encode_image(pixels: np.ndarray, max_base64_bytes: int = 900_000) -> str:
    """``pixels`` (H, W, 3 uint8) as base64 JPEG text, scaled down until it fits ``max_base64_bytes`` (an
    action's result must stay under 1 MB)."""
    image = Image.fromarray(pixels)
    while True:
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=90)
        text = base64.b64encode(buffer.getvalue()).decode("ascii")
        if len(text) <= max_base64_bytes or min(image.size) <= 16:
            return text
        image = image.resize((max(1, image.width * 7 // 10), max(1, image.height * 7 // 10)))
