"""Compositions: conditional workflows of actions, run by OpenWhisk as conductor actions.

    from jupyter_faas.compose import sequence, when, literal, deploy, path

    workflow = when(
        "image-quality-gate",                      # its result's "ok" decides
        sequence("smart-body-crop", "auto-tag"),   # a good photo: crop it, then tag the crop
        literal({"rejected": True}),               # else: say so
        field="ok",
    )
    deploy(client, "photo-pipeline", workflow)    # or %%faas_compose photo-pipeline in a cell
    path(client, activation_id).components()      # ["image-quality-gate", "smart-body-crop", "auto-tag"]

Modules: ``combinators.py`` (the tree and its program), ``conductor.py`` (the conductor action's code),
``deploy.py`` (create or update it over the REST API), ``path.py`` (which branch and components a run
took), ``source.py`` (a composition from Python source: an expression or a file). Core: no Jupyter
import; the magic (``magics/compose.py``) and the CLI (``cli/compose.py``) are thin adapters over these.
"""

from __future__ import annotations

from .combinators import Node, action, describe, let, literal, merge, program, retry, sequence, try_, when
from .conductor import conductor_code
from .deploy import COMPOSITION_ANNOTATION, Deployed, components, deploy
from .path import Path, Step, path
from .source import COMBINATORS, EXAMPLE, from_expression, from_file

__all__ = [
    "COMBINATORS",
    "COMPOSITION_ANNOTATION",
    "EXAMPLE",
    "Deployed",
    "Node",
    "Path",
    "Step",
    "action",
    "components",
    "conductor_code",
    "deploy",
    "describe",
    "from_expression",
    "from_file",
    "let",
    "literal",
    "merge",
    "path",
    "program",
    "retry",
    "sequence",
    "try_",
    "when",
]
