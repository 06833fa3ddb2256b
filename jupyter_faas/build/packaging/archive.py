"""Deterministic zips: the same inputs give the same bytes, on any machine with the same zlib.

Owns the zip format choices: entries sorted by name, a fixed timestamp (1980-01-01), fixed Unix modes
(0644 files, 0755 for ``bin/`` scripts), no directory entries, no ``__pycache__``, deflate level 6, and
stored (not deflated) for large entries that deflate does not shrink (model weights), decided from the
content alone. It does not decide what goes in (``packaging/__init__.py``) nor extract (``runtime/``).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Entry", "sha256_file", "write_zip"]

_EPOCH = (1980, 1, 1, 0, 0, 0)
_LEVEL = 6
_SAMPLE = 256 * 1024


@dataclass(frozen=True)
class Entry:
    """One file in the zip: its name inside, and its bytes or the file to read them from."""

    arcname: str
    data: bytes | None = None
    path: Path | None = None

    def read(self) -> bytes:
        if self.data is not None:
            return self.data
        assert self.path is not None
        return self.path.read_bytes()


def _compression(data: bytes) -> int:
    if len(data) < 2 * _SAMPLE:
        return zipfile.ZIP_DEFLATED
    sample = data[:_SAMPLE]
    shrunk = len(zlib.compress(sample, 1))
    return zipfile.ZIP_DEFLATED if shrunk < 0.9 * len(sample) else zipfile.ZIP_STORED


def write_zip(entries: Iterable[Entry]) -> bytes:
    """The zip of ``entries`` (later duplicates of a name win), byte-identical for identical inputs."""
    by_name: dict[str, Entry] = {}
    for entry in entries:
        name = entry.arcname.replace("\\", "/").lstrip("/")
        if "__pycache__/" in name or name.endswith(".pyc"):
            continue
        by_name[name] = entry
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(by_name):
            data = by_name[name].read()
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.create_system = 3  # Unix, so the modes below mean the same everywhere
            executable = "/bin/" in f"/{name}"
            info.external_attr = ((0o100755 if executable else 0o100644) & 0xFFFF) << 16
            info.compress_type = _compression(data)
            archive.writestr(info, data, compresslevel=_LEVEL)
    return buffer.getvalue()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
