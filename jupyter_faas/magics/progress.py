"""Progress of the magics' long steps (building, testing, uploading, waiting for an activation).

``Progress(shell).step(label, interrupted=...)`` shows the step while it runs and how long it took. In a
kernel: one display that is updated in place (``display_id``), which every front end honours and which a
saved notebook keeps in its final state (an ipywidgets view would be saved showing its first value, and a
kernel cannot tell whether its front end renders widgets); ``JUPYTER_FAAS_PROGRESS=widgets`` asks for an
ipywidgets label instead. In a terminal (or ``JUPYTER_FAAS_PROGRESS=text``): text lines. The kernel's
interrupt inside a step becomes a ``UsageError`` that says what state things were left in
(``interrupted``), never a traceback. It does not run the steps (the services do). Counted progress
(``Client.actions.map``) is tqdm's, which picks widgets or text itself.
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


def _mode(shell: Any) -> str:
    choice = os.environ.get("JUPYTER_FAAS_PROGRESS", "auto")
    if choice == "widgets" and importlib.util.find_spec("ipywidgets") is None:
        choice = "auto"
    if choice in ("text", "widgets"):
        return choice
    return "display" if getattr(shell, "kernel", None) is not None else "text"


class _Line:
    """A status line updated in place: ``str`` and ``_repr_html_`` of the same text."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        return f'<div class="jupyter-faas-progress">{html.escape(self.text)}</div>'


class Progress:
    """Shows one step at a time."""

    def __init__(self, shell: Any) -> None:
        self.mode = _mode(shell)

    def _show(self, text: str) -> Any:
        if self.mode == "text":
            print(text, flush=True)
            return None
        from IPython.display import display

        if self.mode == "widgets":
            import ipywidgets

            widget = ipywidgets.HTML(value=html.escape(text))
            display(widget)
            return widget
        return display(_Line(text), display_id=True)

    def _update(self, handle: Any, text: str) -> None:
        if self.mode == "text" or handle is None:
            print(text, flush=True)
        elif self.mode == "widgets":
            handle.value = html.escape(text)
        else:
            handle.update(_Line(text))

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
