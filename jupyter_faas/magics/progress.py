"""Progress of the magics' long steps (building, testing, uploading, waiting for an activation).

``Progress(shell).step(label, interrupted=...)`` shows the step while it runs and how long it took: an
ipywidgets label in a kernel that has ipywidgets, a text line otherwise (a terminal, or no widgets
installed). The kernel's interrupt inside a step becomes a ``UsageError`` that says what state things
were left in (``interrupted``), never a traceback. It does not run the steps (the services do).
"""

from __future__ import annotations

import html
import importlib.util
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from IPython.core.error import UsageError

__all__ = ["Progress"]


def _widgets_wanted(shell: Any) -> bool:
    choice = os.environ.get("JUPYTER_FAAS_PROGRESS", "auto")
    if choice in ("text", "widgets"):
        return choice == "widgets"
    return getattr(shell, "kernel", None) is not None and importlib.util.find_spec("ipywidgets") is not None


class Progress:
    """Shows one step at a time."""

    def __init__(self, shell: Any) -> None:
        self.widgets = _widgets_wanted(shell)

    def _show(self, text: str) -> Any:
        if self.widgets:
            import ipywidgets
            from IPython.display import display

            widget = ipywidgets.HTML(value=html.escape(text))
            display(widget)
            return widget
        print(text, flush=True)
        return None

    def _update(self, widget: Any, text: str) -> None:
        if widget is not None:
            widget.value = html.escape(text)
        else:
            print(text, flush=True)

    @contextmanager
    def step(self, label: str, *, interrupted: str) -> Iterator[None]:
        """Run the body as the step ``label``; ``interrupted`` says what an interrupt leaves behind."""
        widget = self._show(f"{label} ...")
        start = time.perf_counter()
        try:
            yield
        except KeyboardInterrupt:
            self._update(widget, f"{label}: interrupted")
            raise UsageError(f"Interrupted while {label[0].lower()}{label[1:]}. {interrupted}") from None
        except BaseException:
            self._update(widget, f"{label}: failed")
            raise
        self._update(widget, f"{label}: done in {time.perf_counter() - start:.1f} s")
