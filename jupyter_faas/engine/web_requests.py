"""A web action's request, read as upstream's ``WebActions.scala`` reads it: the extension of the URL, the
checks of the action's annotations (``web-export``, ``require-whisk-auth``, ``final``, ``raw-http``) and the
argument object (``__ow_*`` fields, the query, the decoded body).

Contract, part 2, sections 1.1 to 1.3. Owns no HTTP: ``web_api.py`` hands it the parts of the request
and sends what ``web_responses.py`` makes of the result.
"""

from __future__ import annotations

import base64
import hmac
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from ..errors import AuthenticationFailed, InvalidRequest
from ..strict_json import loads as strict_loads

__all__ = [
    "EXTENSIONS",
    "RESERVED",
    "WebRequest",
    "annotation",
    "build_arguments",
    "check_whisk_auth",
    "is_binary",
    "media_type",
    "split_extension",
]

EXTENSIONS = (".http", ".json", ".html", ".svg", ".text")
RESERVED = frozenset({"__ow_method", "__ow_headers", "__ow_path", "__ow_user", "__ow_query", "__ow_body"})
# pekko-http's default rejection for a failed authentication (require-whisk-auth)
AUTH_REQUIRED = "Authentication is possible but has failed or not yet been provided."
PARAMETERS_NOT_ALLOWED = "Request defines parameters that are not allowed (e.g., reserved properties)."
CONTENT_NOT_SUPPORTED = "Content type is not supported."
_TEXT_APPLICATION = {
    "application/json",
    "application/x-www-form-urlencoded",
    "application/javascript",
    "application/xml",
    "application/xhtml+xml",
    "application/ecmascript",
}


def split_extension(segment: str) -> tuple[str, str]:
    """``echo.json`` -> (``echo``, ``.json``); without a known extension the whole segment is the name and
    ``.http`` is used (``/web`` does not enforce an extension, so ``act.xyz`` names an action ``act.xyz``)."""
    for ext in EXTENSIONS:
        if segment.endswith(ext) and len(segment) > len(ext):
            return segment[: -len(ext)], ext
    return segment, ".http"


def media_type(content_type: str | None) -> str:
    """``Text/HTML; charset=UTF-8`` -> ``text/html``."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def is_json_family(mtype: str) -> bool:
    return mtype == "application/json" or mtype.endswith("+json")


def is_binary(mtype: str) -> bool:
    """pekko-http's ``binary`` flag of a media type: text/*, JSON and the XML/script/form application types
    are text; images (SVG too), audio, video, multipart and every other application type are binary."""
    main = mtype.split("/", 1)[0]
    if main == "text" or mtype in _TEXT_APPLICATION or is_json_family(mtype):
        return False
    return not (mtype.endswith("+xml") and main == "application")


def annotation(action: dict[str, Any], key: str) -> Any:
    for a in action.get("annotations", []):
        if a.get("key") == key:
            return a.get("value")
    return None


def check_whisk_auth(action: dict[str, Any], header: str | None, authenticated: bool) -> None:
    """``require-whisk-auth``: a string or number must equal ``X-Require-Whisk-Auth``; ``true`` wants valid
    OpenWhisk credentials; missing or ``false``: no check; any other JSON value always refuses (401)."""
    value = annotation(action, "require-whisk-auth")
    if value is None or value is False:
        return
    if value is True:
        if authenticated:
            return
    elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
        expected = value if isinstance(value, str) else json.dumps(value)
        if header is not None and hmac.compare_digest(header.encode(), expected.encode()):
            return
    raise AuthenticationFailed(AUTH_REQUIRED)


@dataclass
class WebRequest:
    """What the handler read from HTTP: everything the argument object is built from."""

    method: str
    headers: dict[str, str]  # lower-case names
    path: str  # what follows the action segment: "", "/", "/a/b"
    query: str  # the raw query string, "" when there is none
    body: bytes
    content_type: str | None
    user: str | None  # the caller's namespace when it sent valid credentials


_NO_BODY = object()


def _decode_body(req: WebRequest, raw: bool) -> tuple[dict[str, Any], Any]:
    """(fields merged into the arguments, the ``__ow_body`` value or ``_NO_BODY``)."""
    mtype = media_type(req.content_type)
    if not req.body:
        return {}, ("" if raw else _NO_BODY)
    if is_json_family(mtype) and not (raw and mtype != "application/json"):
        if raw:  # legacy: raw application/json arrives base64-encoded
            return {}, base64.b64encode(req.body).decode()
        try:
            value = strict_loads(req.body)
        except ValueError:
            raise InvalidRequest(CONTENT_NOT_SUPPORTED) from None
        if isinstance(value, dict):
            return value, _NO_BODY
        return {}, value
    if mtype == "application/x-www-form-urlencoded":
        text = req.body.decode("utf-8", "replace")
        if raw:
            return {}, text
        return dict(parse_qsl(text, keep_blank_values=True)), _NO_BODY
    if is_binary(mtype):
        return {}, base64.b64encode(req.body).decode()
    try:
        return {}, req.body.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidRequest(CONTENT_NOT_SUPPORTED) from None


def immutable_parameters(action: dict[str, Any], inherited: dict[str, Any]) -> set[str]:
    """``final``: the defined (non-null) action and package parameters may not be set by a request."""
    if annotation(action, "final") is not True:
        return set()
    names = {k for k, v in inherited.items() if v is not None}
    names |= {p["key"] for p in action.get("parameters", []) if p.get("value") is not None}
    return names


def build_arguments(req: WebRequest, action: dict[str, Any], inherited: dict[str, Any]) -> dict[str, Any]:
    """The argument object: context ++ query ++ body, later entries winning (contract 1.3, steps 4 to 6)."""
    raw = annotation(action, "raw-http") is True
    fields, body = _decode_body(req, raw)
    headers = {k: v for k, v in req.headers.items() if k != "timeout-access"}
    if req.content_type is not None and req.body:
        headers["content-type"] = req.content_type
    args: dict[str, Any] = {
        "__ow_method": req.method.lower(),
        "__ow_headers": headers,
        "__ow_path": req.path,
    }
    if req.user is not None:
        args["__ow_user"] = req.user
    if raw:
        args["__ow_query"] = req.query
        args["__ow_body"] = body
        return args
    query = dict(parse_qsl(req.query, keep_blank_values=True))
    forbidden = RESERVED | immutable_parameters(action, inherited)
    if forbidden & (query.keys() | fields.keys()):
        raise InvalidRequest(PARAMETERS_NOT_ALLOWED)
    args.update(query)
    args.update(fields)
    if body is not _NO_BODY:
        args["__ow_body"] = body
    return args
