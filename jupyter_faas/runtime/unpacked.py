"""One unpacked copy of each zip revision, shared by all its containers.

A zip action is extracted once per revision (``ActionSpec.key``), under ``<work>/revisions/``, with
upstream's compile step applied (``__main__.py`` or ``exec`` renamed ``main__.py``); a new container gets
its action folder as hard links to that copy (a plain copy where links cannot be made), so a cold start
pays for extraction only the first time, and a container still has a folder of its own to write in. The
extraction runs inside the init's time limit and within ``archive.py``'s bounds. Only the most recently
used revisions are kept (``keep``); a removed one is extracted again when it is needed.

What this module does not own: the extraction itself (``archive.py``), containers (``container.py``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from ..contract import ZIP_MAIN
from ..errors import ActionError
from .archive import extract_zip

__all__ = ["Revisions"]


class Revisions:
    def __init__(self, folder: Path, keep: int = 16) -> None:
        self.folder = folder
        shutil.rmtree(folder, ignore_errors=True)  # a previous engine's copies: not known to be whole
        self.folder.mkdir(parents=True, exist_ok=True)
        self.keep = keep
        self._lock = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._ready: OrderedDict[str, Path] = OrderedDict()

    def place(self, key: str, code: str | Callable[[], str], target: Path, deadline: float) -> None:
        """Fill ``target`` with revision ``key``'s files (``code``: the base64 zip, or what reads it, then
        only when no copy is kept), extracting it first if needed. Raises ``ActionError``
        (``ExtractionTimeout`` past ``deadline``)."""
        source = self._unpacked(key, code, deadline)
        _link_tree(source, target)

    def _unpacked(self, key: str, code: str | Callable[[], str], deadline: float) -> Path:
        tag = f"{key}\0{len(code)}" if isinstance(code, str) else key  # a read code's key names its revision
        name = hashlib.sha256(tag.encode()).hexdigest()[:24]
        with self._lock:
            lock = self._locks.setdefault(name, threading.Lock())
        with lock:  # two cold starts of one revision: the second waits for the first's copy
            with self._lock:
                ready = self._ready.get(name)
                if ready is not None:
                    self._ready.move_to_end(name)
                    return ready
            text = code if isinstance(code, str) else code()
            if not text:
                raise ActionError("The action's code is gone (deleted while it started).")
            try:
                data = base64.b64decode(text, validate=False)
            except (binascii.Error, ValueError) as exc:
                raise ActionError(f"cannot decode the request: {exc}") from exc
            partial = self.folder / f".{name}.{time.monotonic_ns()}"
            try:
                extract_zip(data, partial, deadline=deadline)
                _compile_step(partial)
                final = self.folder / name
                os.replace(partial, final)
            except BaseException:
                shutil.rmtree(partial, ignore_errors=True)
                raise
            with self._lock:
                self._ready[name] = final
                evicted = []
                while len(self._ready) > self.keep:
                    old, path = self._ready.popitem(last=False)
                    self._locks.pop(old, None)
                    evicted.append(path)
            for path in evicted:  # containers keep their own links: removing the copy harms none
                shutil.rmtree(path, ignore_errors=True)
            return final

    def clear(self) -> None:
        with self._lock:
            self._ready.clear()
        shutil.rmtree(self.folder, ignore_errors=True)


def _compile_step(folder: Path) -> None:
    """Upstream's compile step: the entry point is ``main__.py``, from ``__main__.py`` or ``exec``."""
    for name in (ZIP_MAIN, "exec"):
        if (folder / name).exists():
            (folder / name).rename(folder / "main__.py")
            return


def _link_tree(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for root, dirs, files in os.walk(source):
        rel = Path(root).relative_to(source)
        for d in dirs:
            (target / rel / d).mkdir(exist_ok=True)
        for f in files:
            src, dst = Path(root) / f, target / rel / f
            try:
                os.link(src, dst)
            except OSError:
                shutil.copy2(src, dst)
