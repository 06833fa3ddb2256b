"""Zips of a few files, as the tests' actions carry them: raw bytes (a runtime's spec) or base64 text
(an action's ``exec.code`` over the REST API)."""

from __future__ import annotations

import base64
import io
import zipfile

__all__ = ["make_zip", "zip_b64"]


def make_zip(files: dict[str, str | bytes]) -> bytes:
    """A deflated zip holding ``files`` (name -> content), in the order given."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    return buf.getvalue()


def zip_b64(files: dict[str, str | bytes]) -> str:
    """``make_zip(files)`` in base64: what a PUT of a zip action sends as ``exec.code``."""
    return base64.b64encode(make_zip(files)).decode()
