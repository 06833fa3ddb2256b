"""How long the engine keeps activations: records and their logs expire after an age and beyond a count,
as OpenWhisk deployments expire theirs (IBM Cloud Functions kept a day, Adobe I/O Runtime keeps a week).

``--activation-retention AGE`` (``7d`` by default; ``12h``, ``30m``, ``90s``; ``0`` keeps them for ever) and
``--activation-limit N`` (100,000 by default; ``0``: no limit). A daemon thread sweeps at start and then
every ``--retention-every`` seconds (600), deleting in small batches (``Store.expire``) so that requests
never wait long for the store's lock; freed pages go back to the file system (incremental vacuum). After
each sweep the counts and the database's size go into the engine's state file, which is where
``jupyter-faas engine --status`` reads them (the engine holds its database exclusively).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import ConfigError
from .store import Store

__all__ = ["DEFAULT_AGE", "DEFAULT_LIMIT", "Retention", "parse_age"]

log = logging.getLogger("jupyter_faas.engine")
DEFAULT_AGE = "7d"
DEFAULT_LIMIT = 100_000
DEFAULT_EVERY_S = 600.0
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")


def parse_age(text: str) -> float | None:
    """Seconds of ``7d``, ``12h``, ``30m``, ``90s`` or ``90`` (seconds); ``None`` for ``0`` (for ever)."""
    match = _AGE.match(text.lower())
    if not match:
        raise ConfigError(
            f"--activation-retention takes an age such as 7d, 12h, 30m or 90s, not {text!r}.",
            fix="Give a number and a unit (s, m, h, d, w), or 0 to keep activations for ever.",
        )
    seconds = float(match.group(1)) * _UNITS[match.group(2) or "s"]
    return seconds or None


@dataclass
class Retention:
    store: Store
    max_age_s: float | None
    max_count: int | None
    every_s: float = DEFAULT_EVERY_S
    report: Callable[[dict[str, Any]], None] | None = None  # gets the counts after each sweep

    def sweep(self) -> int:
        """Delete what is past the age or beyond the count; the number of activations deleted."""
        before = int((time.time() - self.max_age_s) * 1000) if self.max_age_s else None
        deleted = self.store.expire(before_ms=before, keep=self.max_count)
        if deleted:
            log.info("retention: %d activation(s) expired", deleted)
        if self.report is not None:
            self.report(self.store.sizes())
        return deleted

    def start(self) -> threading.Event:
        """Sweep now and then every ``every_s`` seconds in a daemon thread; set the event to stop it."""
        stop = threading.Event()

        def run() -> None:
            while True:
                try:
                    self.sweep()
                except Exception:  # a failed sweep is tried again next time; the engine goes on
                    log.exception("retention sweep failed")
                if stop.wait(self.every_s):
                    return

        threading.Thread(target=run, name="retention", daemon=True).start()
        return stop
