"""What the benchmarks that time cold starts share: waiting until an engine's zygote (the cold-start
template, ``jupyter_faas/runtime/zygote.py``) is up and has forked a stem cell, so that the next cold start
is served from it."""

from __future__ import annotations

import time

import psutil

__all__ = ["wait_for_template"]


def wait_for_template(engine_pid: int, python_part: str = "", bound_s: float = 120.0) -> None:
    """Until a zygote whose interpreter's path contains ``python_part`` (``/images/``: an image's) has
    forked a stem cell."""
    end = time.monotonic() + bound_s
    while time.monotonic() < end:
        for child in psutil.Process(engine_pid).children(recursive=True):
            try:
                cmd = child.cmdline()
                if any("zygote_main.py" in p for p in cmd) and python_part in cmd[0] and child.children():
                    return
            except psutil.Error:
                continue
        time.sleep(0.1)
    raise SystemExit("the engine's zygote never came up")
