"""Image input for the smart-body-crop action: where the image comes from, and decoding it.

Owns: turning the ``image`` parameter (an http(s) URL, a local path, base64 text, a ``data:`` URL, or raw
bytes in a notebook) into a Pillow RGB image, with a clear ``ValueError`` for each way that can fail, and
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

from PIL import Image, ImageOps, UnidentifiedImageError

__all__ = [
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


def read_image_bytes(image: str | bytes) -> tuple[bytes, float]:
    """The encoded image bytes named by ``image`` and the milliseconds spent downloading them.

    ``image`` is an http(s) URL (downloaded), the path of an existing file (read), base64 text or a
    ``data:`` URL (decoded, at most ``MAX_PARAM_BYTES`` long), or ``bytes`` (used as they are).
    """
    if isinstance(image, (bytes, bytearray, memoryview)):
        return bytes(image), 0.0
    if not isinstance(image, str) or not image.strip():
        raise ValueError(
            "image is missing: pass an http(s) URL, a path to an image file, "
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


def decode_image(data: bytes) -> Image.Image:
    """``data`` decoded as an RGB image, turned upright by its EXIF orientation."""
    if not data:
        raise ValueError("the image is empty (0 bytes): pass a PNG or JPEG image")
    try:
        with Image.open(io.BytesIO(data)) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                raise ValueError(
                    f"the image is {opened.width}x{opened.height} pixels, over {MAX_PIXELS:,}: "
                    "pass a smaller image"
                )
            upright = ImageOps.exif_transpose(opened)
            return upright.convert("RGB")
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as exc:
        raise ValueError(
            f"the {len(data)} image bytes are not an image Pillow can read ({exc}): pass a PNG or JPEG image"
        ) from exc


def encode_image(image: Image.Image, max_base64_bytes: int = 900_000) -> str:
    """``image`` as base64 JPEG text, scaled down until it fits ``max_base64_bytes`` (an action's result
    must stay under 1 MB)."""
    while True:
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=90)
        text = base64.b64encode(buffer.getvalue()).decode("ascii")
        if len(text) <= max_base64_bytes or min(image.size) <= 16:
            return text
        image = image.resize((max(1, image.width * 7 // 10), max(1, image.height * 7 // 10)))
