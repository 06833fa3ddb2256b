"""Notebook renderings of what the services return: each object has ``_repr_html_`` (tables, badges,
durations, results with their images) and a plain-text ``__repr__``.

These are what the ``%faas_*`` magics return, so they compose (``act = %faas_invoke ...``;
``act.result``). Plain HTML strings: nothing here imports IPython, so the sidebar or a script can use
them too. Modules: ``html.py`` (building blocks), ``activation.py``, ``deployment.py``, ``listing.py``,
``events.py`` (triggers, rules, sequences, traces), ``path.py`` (a composition's run).
"""

from __future__ import annotations

from .activation import Activation, ActivationList, Logs
from .deployment import Deployment, LocalTestReport
from .events import EntityView, TraceView
from .listing import ActionList, ConfigView, Stats, figure_png
from .path import PathView

__all__ = [
    "ActionList",
    "Activation",
    "ActivationList",
    "ConfigView",
    "Deployment",
    "EntityView",
    "LocalTestReport",
    "Logs",
    "PathView",
    "Stats",
    "TraceView",
    "figure_png",
]
