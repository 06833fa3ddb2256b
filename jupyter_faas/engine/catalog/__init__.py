"""The ``/whisk.system`` catalog every namespace sees (``sharing.py``): the packages upstream's
``installCatalog.sh`` and openwhisk-catalog install, with their parameters and annotations.

- ``utils`` (cat, date, echo, head, hosturl, namespace, smash, sort, split) and ``samples`` (greeting,
  helloWorld, wordCount, curl): shared; the code of each is this folder's ``utils.py`` / ``samples.py``
  with the action's function as ``exec.main``.
- ``alarms`` (the feeds ``alarm``, ``once``, ``interval``): shared; one code, ``alarms.py``, which calls the
  provider ``alarmsWeb/alarmWebAction`` (private; the engine serves it: ``engine/alarms.py``).

``install`` runs at each engine start and writes only what differs from the store (a changed file, or
another ``apihost``), bumping the version as an update does; so warm containers and ``updated`` survive
a restart. Upstream's catalog is JavaScript; these are Python, in the engine's default Python kind, with
JavaScript's results (see ``utils.py``).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from ...contract import DEFAULT_PYTHON_KIND
from ..sharing import SYSTEM_NAMESPACE
from ..store import Store
from ..validation import make_action, parse_put, update_action

__all__ = ["ACTIONS", "PACKAGES", "install"]


def _describe(text: str, *params: tuple[str, bool, str]) -> list[dict[str, Any]]:
    """``description`` and ``parameters`` annotations, as the catalog's manifests give them."""
    listed = [{"name": n, "required": r, "description": d} for n, r, d in params]
    return [{"key": "description", "value": text}] + (
        [{"key": "parameters", "value": listed}] if params else []
    )


_LINES = ("lines", True, "An array of strings")
# package -> (published, parameters, annotations)
PACKAGES: dict[str, tuple[bool, dict[str, Any], list[dict[str, Any]]]] = {
    "utils": (True, {}, _describe("Building blocks that format and assemble data")),
    "samples": (True, {}, _describe("A suite of simple actions to help you get started with OpenWhisk")),
    "alarms": (
        True,
        {"trigger_payload": ""},  # and ``apihost``: the engine's address, given at install
        _describe("Alarms and periodic utility", ("trigger_payload", False, "The payload of each fire")),
    ),
    "alarmsWeb": (False, {}, _describe("The alarms feeds' provider (served by the engine)")),
}

_FEED = [{"key": "feed", "value": True}]
_DATES = (("startDate", False, "When to start firing"), ("stopDate", False, "When to stop firing"))
_SOURCES = {"utils": "utils.py", "samples": "samples.py", "alarms": "alarms.py"}
# (package, action, main, parameters, annotations); the code is the package's file (_SOURCES)
ACTIONS: list[tuple[str, str, str, dict[str, Any], list[dict[str, Any]]]] = [
    ("utils", "cat", "cat", {}, _describe("Concatenates input into a string", _LINES)),
    ("utils", "date", "date", {}, _describe("Current date and time")),
    ("utils", "echo", "echo", {}, _describe("Returns the input")),
    ("utils", "head", "head", {}, _describe("Extract prefix of an array", _LINES)),
    ("utils", "hosturl", "hosturl", {}, _describe("Returns the URL to activation an action or trigger")),
    ("utils", "namespace", "namespace", {}, _describe("Returns namespace for the authorization key used")),
    ("utils", "smash", "smash", {}, _describe("Nests all properties under given property")),
    ("utils", "sort", "sort", {}, _describe("Sorts an array", _LINES)),
    (
        "utils", "split", "split", {},
        _describe("Split a string into an array", ("payload", True, "A string"),
                  ("separator", False, "A text or regular expression")),
    ),
    (
        "samples", "greeting", "greeting", {},
        _describe("Returns a friendly greeting", ("name", False, "Who to greet"),
                  ("place", False, "Where the person is from")),
    ),
    ("samples", "helloWorld", "hello", {}, _describe("Logs a greeting", ("payload", False, "Who to greet"))),
    ("samples", "wordCount", "word_count", {}, _describe("Count words", ("payload", True, "Text"))),
    ("samples", "curl", "curl", {}, _describe("Curl a host url", ("payload", True, "The hostname"))),
    (
        "alarms", "alarm", "main", {},
        _FEED + _describe("Fire trigger when alarm occurs", ("cron", True, "5 fields, or 6 (seconds first)"),
                          ("timezone", False, "IANA time zone"), *_DATES, ("strict", False, "Exact times")),
    ),
    (
        "alarms", "once", "main", {"fireOnce": True},
        _FEED + _describe("Fire trigger once when alarm occurs", ("date", True, "When to fire"),
                          ("deleteAfterFire", False, "false, true, or rules")),
    ),
    (
        "alarms", "interval", "main", {"isInterval": True},
        _FEED + _describe("Fire trigger at specified interval", ("minutes", True, "Between fires"), *_DATES),
    ),
]  # fmt: skip


def _params(values: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"key": k, "value": v} for k, v in values.items()]


def _source(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def install(store: Store, api_host: str, now_ms: int) -> int:
    """Write the catalog's packages and actions where they differ from the store; how many were written."""
    written = 0
    for package, (publish, params, notes) in PACKAGES.items():
        values = {**params, "apihost": api_host} if package == "alarms" else params
        doc = {
            "namespace": SYSTEM_NAMESPACE, "name": package, "binding": {}, "parameters": _params(values),
            "version": "0.0.1", "publish": publish, "annotations": notes, "updated": now_ms,
        }  # fmt: skip
        path = f"{SYSTEM_NAMESPACE}/{package}"
        old = store.get_entity("packages", path)
        if old is None or any(old.get(k) != doc[k] for k in ("parameters", "publish", "annotations")):
            store.put_entity("packages", path, doc)
            written += 1
    sources = {package: _source(file) for package, file in _SOURCES.items()}
    for package, name, main, params, notes in ACTIONS:
        code = sources[package]
        body = {
            "exec": {"kind": DEFAULT_PYTHON_KIND, "code": code, "main": main},
            "parameters": _params(params),
            "annotations": notes,
        }
        put = parse_put(json.dumps(body).encode())
        path = f"{SYSTEM_NAMESPACE}/{package}/{name}"
        old = store.get_action(path)
        if old is None:
            store.put_action(path, make_action(f"{SYSTEM_NAMESPACE}/{package}", name, put, now_ms))
        elif (
            store.action_code(path) != code
            or old["exec"].get("main") != main
            or old["parameters"] != _params(params)
            or any(a not in old["annotations"] for a in notes)
        ):
            store.put_action(path, update_action(old, put, True, now_ms))
        else:
            continue
        written += 1
    return written
