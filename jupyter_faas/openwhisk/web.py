"""Web actions from the client's side: the annotations ``wsk action create/update --web`` and ``--web-secure``
set (openwhisk-cli ``commands/action.go``), and the public URL of a web action (``wsk action get --url``).

* ``--web true|yes``: ``web-export: true, raw-http: false, final: true``; ``--web raw``: the same with
  ``raw-http: true``; ``--web false|no``: all three ``false``.
* ``--web-secure true``: a random integer (below 2**53, so JavaScript reads it exactly) in
  ``require-whisk-auth``; ``false``: no check (wsk deletes the annotation, but an update merges
  annotations by key, so ``false`` is what turns a stored secret off); any other value: a string.

An update keeps the action's other annotations (the caller passes them in), as ``wsk`` does. What this
module does not own: sending anything (``actions.py``).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import InvalidRequest

__all__ = ["WEB_CHOICES", "WEB_KEYS", "is_web", "web_annotations", "web_url"]

WEB_CHOICES = ("true", "yes", "raw", "false", "no")
MAX_JS_INT = 2**53 - 1
# the annotations that say how a web action is served (what a redeploy keeps)
WEB_KEYS = ("web-export", "raw-http", "final", "require-whisk-auth", "web-custom-options")


def _web_values(web: bool | str) -> dict[str, Any]:
    choice = ("true" if web else "false") if isinstance(web, bool) else str(web).strip().lower()
    if choice not in WEB_CHOICES:
        raise InvalidRequest(
            f"--web takes true, raw or false, not {web!r}.",
            fix="Use --web (true), --web raw (the request's body and query unparsed) or --web false.",
        )
    exported = choice in ("true", "yes", "raw")
    return {"web-export": exported, "raw-http": choice == "raw", "final": exported}


def web_annotations(
    existing: Iterable[Mapping[str, Any]] | None,
    given: Mapping[str, Any] | None,
    web: bool | str | None,
    secure: bool | str | None = None,
) -> dict[str, Any]:
    """The annotations to send: an update's ``existing`` ones, then ``given``, then ``web``/``secure``."""
    merged: dict[str, Any] = {a["key"]: a.get("value") for a in existing or []}
    merged.update(given or {})
    if web is not None:
        merged.update(_web_values(web))
    if secure is not None:
        text = str(secure).strip().lower()
        if secure is True or text == "true":
            merged["require-whisk-auth"] = secrets.randbelow(MAX_JS_INT) + 1
        elif secure is False or text == "false":
            merged["require-whisk-auth"] = False  # "no check"; an update merges annotations by key
        elif not text:
            raise InvalidRequest("--web-secret is empty.", fix="Give a secret, true (a random one) or false.")
        else:
            merged["require-whisk-auth"] = str(secure)
    return merged


def is_web(action: Mapping[str, Any]) -> bool:
    """Whether the action document is web-exported (``web-export`` exactly ``true``, as upstream reads it)."""
    return any(a.get("key") == "web-export" and a.get("value") is True for a in action.get("annotations", []))


def web_url(apihost: str, action: Mapping[str, Any], ext: str = "") -> str:
    """``{apihost}/api/v1/web/{namespace}/{package|default}/{name}{ext}`` of an action document (its
    ``namespace`` is ``ns`` or ``ns/pkg``)."""
    namespace, _, package = str(action["namespace"]).partition("/")
    return f"{apihost.rstrip('/')}/api/v1/web/{namespace}/{package or 'default'}/{action['name']}{ext}"
