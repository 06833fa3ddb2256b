"""Fixtures for the sample actions' tests: the samples on sys.path, the real models, the real photos, and a
real HTTP server on 127.0.0.1 that serves the photos (for the URL form of the ``image`` parameter).

The samples are plain modules that import their siblings by name, as they do in an action's zip; so their
folders go on sys.path here rather than being a package.
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
PHOTOS = SAMPLES / "photos"
for folder in ("smart_body_crop", "image_quality", "auto_tag"):
    if str(SAMPLES / folder) not in sys.path:
        sys.path.insert(0, str(SAMPLES / folder))


@pytest.fixture(scope="session")
def photos() -> Path:
    return PHOTOS


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A folder holding the two BlazePose files, copied from the installed mediapipe distribution."""
    from body_crop import ensure_model_files

    folder = str(tmp_path_factory.mktemp("models"))
    ensure_model_files(folder)
    return folder


@pytest.fixture(scope="session")
def cropper(model_dir: str) -> Any:
    """One SmartBodyCrop shared by the tests, as a warm action shares it between activations."""
    from body_crop import SmartBodyCrop

    return SmartBodyCrop(model_dir=model_dir)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def photo_server() -> Iterator[str]:
    """The base URL (``http://127.0.0.1:<port>``) of a server for ``samples/photos``; stopped at the end."""
    handler = functools.partial(_QuietHandler, directory=str(PHOTOS))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="photo-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
