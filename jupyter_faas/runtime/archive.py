"""Safe extraction of an action's zip: nothing is ever written outside the target folder.

Rejects absolute names, ``..`` components, drive letters, symlinks and anything else that would resolve
outside the folder (zip-slip), caps the total uncompressed size and the number of entries (a zip bomb is
refused before a byte is written), stops at a deadline (extraction is part of the init's time limit), and
turns a corrupted archive (bad CRC, truncated deflate stream) into the same developer error as a file that
is no zip at all. What this module does not own: building zips (``packaging.py``), decoding base64, or
keeping one unpacked copy per revision (``unpacked.py``).
"""

from __future__ import annotations

import io
import os
import stat
import time
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from ..errors import ActionError, Step

__all__ = ["MAX_ENTRIES", "MAX_UNCOMPRESSED_BYTES", "ExtractionTimeout", "extract_zip"]

# A 48 MB code limit deflates to well under this; a bigger archive is a bomb, not an action.
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
# The classic zip format's own limit; a virtualenv with numpy, pandas and scipy holds ~15,000 files.
MAX_ENTRIES = 65_535


class ExtractionTimeout(ActionError):
    """The init's time limit passed while the zip was being extracted."""


_FIX = "Rebuild the zip with relative paths inside the action folder only (e.g. with {0})."


def _reject(name: str, why: str) -> ActionError:
    return ActionError(f"Unsafe zip entry {name!r}: {why}.", fix=_FIX, steps=(Step("build"),))


def _check(info: zipfile.ZipInfo, root: Path) -> Path:
    name = info.filename
    if "\x00" in name:
        raise _reject(name, "the name contains a NUL byte")
    normal = name.replace("\\", "/")
    posix = PurePosixPath(normal)
    if normal.startswith("/") or posix.is_absolute() or (len(normal) > 1 and normal[1] == ":"):
        raise _reject(name, "absolute paths are not allowed")
    if ".." in posix.parts:
        raise _reject(name, "'..' components are not allowed")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise _reject(name, "symbolic links are not allowed")
    target = (root / posix).resolve()
    if target != root and root not in target.parents:
        raise _reject(name, "it resolves outside the action folder")
    return target


def _invalid(exc: BaseException) -> ActionError:
    return ActionError(
        f"The action's code is not a valid zip archive: {exc}.",
        fix="Upload a zip file (base64 in exec.code, binary true) or plain Python source.",
    )


def extract_zip(
    data: bytes,
    target: Path,
    max_bytes: int = MAX_UNCOMPRESSED_BYTES,
    *,
    max_entries: int = MAX_ENTRIES,
    deadline: float | None = None,
) -> list[str]:
    """Extract the zip ``data`` into ``target`` (created if needed); return the names extracted.

    Raises ``ActionError`` for an unreadable or corrupted zip, an unsafe entry (nothing written), a zip
    whose uncompressed size exceeds ``max_bytes`` or that has more than ``max_entries`` entries (nothing
    written), and ``ExtractionTimeout`` once ``time.monotonic()`` passes ``deadline``.
    """
    try:
        return _extract(data, target, max_bytes, max_entries, deadline)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as exc:
        raise _invalid(exc) from exc


def _extract(
    data: bytes, target: Path, max_bytes: int, max_entries: int, deadline: float | None
) -> list[str]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    target.mkdir(parents=True, exist_ok=True)
    root = target.resolve()
    with archive:
        infos = archive.infolist()
        if len(infos) > max_entries:
            raise ActionError(
                f"The action's zip has {len(infos)} entries, more than the {max_entries} allowed.",
                fix="Remove files from the zip, or move dependencies into an image (kind blackbox).",
            )
        total = sum(max(info.file_size, 0) for info in infos)
        if total > max_bytes:
            raise ActionError(
                f"The action's zip expands to {total} bytes, more than the {max_bytes} allowed.",
                fix="Remove large files from the zip, or move dependencies into an image (kind blackbox).",
            )
        plan = [(info, _check(info, root)) for info in infos]
        written = 0
        for info, path in plan:
            if info.is_dir():
                path.mkdir(parents=True, exist_ok=True)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as src, open(path, "wb") as dst:
                while chunk := src.read(1 << 20):
                    if deadline is not None and time.monotonic() > deadline:
                        raise ExtractionTimeout("The init's time limit passed while the zip was extracted.")
                    written += len(chunk)
                    if written > max_bytes:  # the header lied about the size
                        raise ActionError(
                            f"The action's zip expands to more than the {max_bytes} bytes allowed.",
                            fix="Remove large files from the zip.",
                        )
                    dst.write(chunk)
            mode = (info.external_attr >> 16) & 0o777
            if mode & 0o100:
                os.chmod(path, 0o755)
    return [info.filename for info in infos]
