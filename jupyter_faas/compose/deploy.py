"""Deploying a composition: its conductor action, created or updated over any OpenWhisk's REST API.

The action is a Python action (``conductor.py``'s code, standard library only) annotated ``conductor: true``
and ``jupyter-faas/composition`` (the composition's one-line text, read back by displays and ``path.py``).
Its components are checked to exist first, so a typo fails here, with the name, rather than at the first
run. Owns no combinators (``combinators.py``) and no HTTP of its own (the client's ``actions``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import CompositionError, NotFound, Step
from .combinators import Node, describe, program
from .conductor import conductor_code

if TYPE_CHECKING:
    from ..openwhisk import Client

__all__ = ["COMPOSITION_ANNOTATION", "Deployed", "components", "deploy"]

COMPOSITION_ANNOTATION = "jupyter-faas/composition"


@dataclass
class Deployed:
    """A deployed composition: the action's document and what it runs."""

    name: str
    description: str
    components: list[str]
    action: dict[str, Any]


def components(node: Node | str) -> list[str]:
    """The actions a composition calls, each once, in the order they first appear."""
    return _called(program(node))


def _called(steps: list[dict[str, Any]]) -> list[str]:
    return list(dict.fromkeys(s["action"] for s in steps if s["op"] == "call"))


def deploy(
    client: Client,
    name: str,
    composition: Node | str,
    *,
    kind: str = "python:default",
    check: bool = True,
    **options: Any,
) -> Deployed:
    """Create or update the conductor action ``name`` running ``composition``; ``options`` go to
    ``actions.update`` (``memory``, ``timeout``, ``parameters``, ...). With ``check``, every component must
    exist already."""
    steps = program(composition)
    text = describe(composition)
    called = _called(steps)
    if check:
        missing = []
        for component in called:
            try:
                client.actions.get(component, code=False)
            except NotFound:
                missing.append(component)
        if missing:
            raise CompositionError(
                f"The composition {name} calls {', '.join(missing)}, which "
                f"{'does' if len(missing) == 1 else 'do'} not exist.",
                fix="Deploy them first ({0}), or fix the names.",
                steps=(Step("deploy"),),
            )
    annotations = {"conductor": True, COMPOSITION_ANNOTATION: text}
    doc = client.actions.update(
        name, conductor_code(name, steps, text), kind=kind, annotations=annotations, **options
    )
    return Deployed(name, text, called, doc)
