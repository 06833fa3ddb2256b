"""The ``/whisk.system/utils`` actions (openwhisk-catalog ``packages/utils/*.js``), one function each.

The engine installs this file as the code of every action of the package, each with its function as
``exec.main`` (``catalog/__init__.py``); it is plain standard-library Python an action container runs.
Results follow upstream's JavaScript exactly, down to how JavaScript turns values into text
(``_js_string``: what ``Array.join``, ``sort()`` and ``toString()`` do).
"""

import datetime
import json
import os
import re

WEB_EXTENSIONS = [".html", ".http", ".json", ".svg", ".text"]


def _js_string(value, in_array=False):
    """JavaScript's ``String(value)`` (``in_array``: as ``Array.join`` writes an element, null as "")."""
    if value is None:
        return "" if in_array else "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e21 else repr(value)
    if isinstance(value, list):
        return ",".join(_js_string(v, True) for v in value)
    if isinstance(value, dict):
        return "[object Object]"
    return str(value)


def _lines(args):
    lines = args.get("lines") or []
    if not isinstance(lines, list):
        raise TypeError("lines is not an array")
    return lines


def cat(args):
    """``{lines, payload}``: the lines joined with newlines."""
    lines = _lines(args)
    return {"lines": lines, "payload": "\n".join(_js_string(v, True) for v in lines)}


def date(args):
    """``{date}``: now, as JavaScript's ``new Date()`` serialises (ISO 8601, milliseconds, UTC)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    return {"date": now.isoformat(timespec="milliseconds").replace("+00:00", "Z")}


def echo(args):
    """The parameters, unchanged."""
    return args


def head(args):
    """``{lines, num}``: the first ``num`` lines (1 when ``num`` is missing or falsy)."""
    lines = _lines(args)
    num = args.get("num") or 1
    count = int(num) if isinstance(num, (int, float)) else int(str(num)) if str(num).isdigit() else 0
    return {"lines": lines[:count], "num": num}


def hosturl(args):
    """``{url}``: where an action, a trigger or a web action of the caller's namespace is reached."""
    web, trigger, path = args.get("web") is True, args.get("trigger"), args.get("path")
    ext = args.get("ext")
    if web and trigger:
        return {"error": "triggers are not allowed for web actions."}
    if web and ext is not None and ext not in WEB_EXTENSIONS:
        return {"error": f"extension for web action must be one of {json.dumps(WEB_EXTENSIONS)}."}
    if trigger and "/" in path:  # a missing path fails here, as upstream's ``path.indexOf``
        return {"error": "triggers are not allowed in packages."}
    host, ns = os.environ.get("__OW_API_HOST", ""), os.environ.get("__OW_NAMESPACE", "")
    if web:
        base = f"{host}/api/v1/web/{ns}"
        if path is None:
            return {"url": base}
        return {"url": f"{base}/{path if '/' in path else 'default/' + path}{ext or ''}"}
    base = f"{host}/api/v1/namespaces/{ns}/{'triggers' if trigger is True else 'actions'}"
    return {"url": base if path is None else f"{base}/{path}"}


def namespace(args):
    """``{namespace}``: the namespace the action runs for (the caller's)."""
    return {"namespace": os.environ.get("__OW_NAMESPACE")}


def smash(args):
    """``{<$fieldName>: <every other parameter>}``."""
    field = args.get("$fieldName")
    if not isinstance(field, str):
        return {"error": "Expected an argument '$fieldName' of type 'string'."}
    return {field: {k: v for k, v in args.items() if k != "$fieldName"}}


def sort(args):
    """``{lines, length}``: JavaScript's default sort, which compares elements as text (UTF-16)."""
    lines = sorted(_lines(args), key=lambda v: _js_string(v).encode("utf-16-be"))
    return {"lines": lines, "length": len(lines)}


def split(args):
    """``{lines, payload}``: the payload split on ``separator`` (a newline, ``\\r?\\n``, by default)."""
    if "payload" not in args or args["payload"] is None:
        raise TypeError("Cannot read properties of undefined (reading 'toString')")
    payload = args["payload"]
    separator = args.get("separator")
    text = _js_string(payload)
    lines = re.split(r"\r?\n", text) if separator is None else text.split(_js_string(separator))
    return {"lines": lines, "payload": payload}
