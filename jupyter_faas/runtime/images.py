"""Blackbox images as local environments (a local "docker daemon" for ``kind: blackbox`` actions).

The stock images ``openwhisk/action-python-v3.10`` / ``-v3.11`` resolve to the kind environments. Other
images are built from a Dockerfile subset into ``$JUPYTER_FAAS_CACHE/images/`` (see ``build``). An image
that is neither is reported as upstream reports an image that cannot be pulled.
What this module does not own: kinds (``environments.py``), generating Dockerfiles (``packaging.py``).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ActionError
from .environments import Environment, ensure_kind

__all__ = ["STOCK_IMAGES", "ImageNotFound", "ImageStore"]

STOCK_IMAGES = {
    "openwhisk/action-python-v3.10": "python:3.10",
    "openwhisk/action-python-v3.11": "python:3.11",
}


class ImageNotFound(ActionError):
    """The image is neither a stock image nor built locally."""


def _strip_tag(image: str) -> str:
    name = image.strip()
    for prefix in ("docker.io/", "index.docker.io/"):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    if name.endswith(":latest"):
        name = name[: -len(":latest")]
    return name


class ImageStore:
    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir
        self.root = cache_dir / "images"

    def environment(self, image: str) -> Environment:
        name = _strip_tag(image)
        if name in STOCK_IMAGES:
            return ensure_kind(STOCK_IMAGES[name], self.cache_dir)
        raise ImageNotFound(
            f"The image {image!r} is not available locally.",
            fix="Build it first (jupyter-faas build, or images.ImageStore.build) or use a stock image.",
        )
