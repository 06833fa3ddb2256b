"""A web action's result turned into an HTTP response, per extension, as upstream's ``WebActions.scala``
transcoders do (contract, part 2, section 1.4): ``.json``, ``.html``, ``.svg``, ``.text`` and ``.http``
(``statusCode``, ``headers``, string, base64 and JSON bodies), then the request's ``Accept`` header.

Owns no HTTP: ``transcode`` returns a ``WebResponse`` (or raises ``InvalidRequest`` with upstream's text)
and ``web_api.py`` writes it.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import FaasError, InvalidRequest, NotFound
from .web_requests import is_binary, is_json_family, media_type

__all__ = ["WebResponse", "negotiate", "transcode"]

HTML = "text/html; charset=UTF-8"
TEXT = "text/plain; charset=UTF-8"
SVG = "image/svg+xml"
JSON = "application/json"
NO_PROPERTY = "Response does not include requested property."
UNKNOWN_CONTENT_TYPE = "Response did not specify a known content-type."
TYPE_MISMATCH = "Response type in header did not match generated content type."
# Exec.isBinaryCode: what a JSON-family body string must look like to be decoded (legacy actions)
_BASE64 = re.compile(r"^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)$")
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_MEDIA = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+/[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
# what pekko-http never lets a response carry as a raw header: the server owns them
_SERVER_HEADERS = {"content-length", "transfer-encoding", "connection", "content-type"}


@dataclass
class WebResponse:
    status: int = 200
    body: bytes = b""
    content_type: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)


def _invalid(what: str) -> InvalidRequest:
    return InvalidRequest(f"Response is not valid '{what}'.")


def _pretty(value: Any) -> bytes:
    return json.dumps(value, indent=2, ensure_ascii=False).encode()


_MISSING = object()


def _field(value: Any, name: str) -> Any:
    """``.html``/``.svg``/``.text``: an object's ``body``, else its ``html``/``svg``/``text`` field
    (``_MISSING`` when it has neither)."""
    if isinstance(value, dict):
        if "body" in value:
            return value["body"]
        return value.get(name, _MISSING)
    return value


def transcode(ext: str, value: Any) -> WebResponse:
    """The response for ``value`` (the result, or its ``error`` field after an application error)."""
    if ext == ".json":
        if isinstance(value, (dict, list)):
            return WebResponse(200, _pretty(value), JSON)
        raise _invalid("application/json")
    if ext == ".html":
        html = _field(value, "html")
        if isinstance(html, str):
            return WebResponse(200, html.encode(), HTML)
        raise _invalid("text/html")
    if ext == ".svg":
        svg = _field(value, "svg")
        if isinstance(svg, str) and isinstance(value, dict):
            return WebResponse(200, svg.encode(), SVG)
        raise _invalid("image/svg+xml")
    if ext == ".text":
        text = _field(value, "text")
        if text is _MISSING:
            raise NotFound(NO_PROPERTY)
        if isinstance(text, str):
            return WebResponse(200, text.encode(), TEXT)
        if isinstance(text, (dict, list)):
            return WebResponse(200, _pretty(text), TEXT)
        return WebResponse(200, json.dumps(text).encode(), TEXT)  # true, 42, null
    return _http(value)


def _http(value: Any) -> WebResponse:
    if not isinstance(value, dict):
        raise _invalid("message/http")
    headers, content_type = _headers(value.get("headers", {}))
    status = _status(value.get("statusCode"))
    body = value.get("body")
    if body is None or body == "":
        return WebResponse(status if status is not None else 204, b"", None, headers)
    entity, ctype = _entity(body, content_type)
    if status is not None and status in (204, 304):
        return WebResponse(status, b"", None, headers)
    return WebResponse(200 if status is None else status, entity, ctype, headers)


def _headers(raw: Any) -> tuple[list[tuple[str, str]], str | None]:
    if not isinstance(raw, dict):
        raise _invalid("message/http")
    out: list[tuple[str, str]] = []
    content_type: str | None = None
    for name, value in raw.items():
        values = value if isinstance(value, list) else [value]
        for v in values:
            if isinstance(v, bool):
                text = "true" if v else "false"
            elif isinstance(v, (str, int, float)):
                text = str(v)
            else:
                raise _invalid("message/http")
            if not _TOKEN.match(name) or any(c in text for c in "\r\n\0"):
                raise _invalid("message/http")
            if name.lower() == "content-type":
                content_type = text
            elif name.lower() not in _SERVER_HEADERS:
                out.append((name, text))
    return out, content_type


def _status(raw: Any) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise _invalid("message/http")
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        raw = int(raw.strip())
    if not isinstance(raw, int) or not 200 <= raw <= 999:
        raise _invalid("message/http")
    return raw


def _entity(body: Any, content_type: str | None) -> tuple[bytes, str]:
    """(bytes, media type) of a non-empty body under the action's ``Content-Type`` (``text/html`` if none)."""
    if content_type is not None and not _MEDIA.match(media_type(content_type)):
        raise InvalidRequest(UNKNOWN_CONTENT_TYPE)
    ctype = content_type if content_type is not None else HTML
    mtype = media_type(ctype)
    if isinstance(body, str):
        if is_binary(mtype) or (is_json_family(mtype) and _looks_base64(body)):
            try:
                return base64.b64decode(_padded(body), validate=True), ctype
            except (binascii.Error, ValueError):
                raise InvalidRequest(TYPE_MISMATCH) from None
        return body.encode(), ctype
    if content_type is None or mtype == JSON:
        return json.dumps(body, separators=(",", ":")).encode(), JSON
    if is_json_family(mtype):
        return _pretty(body), ctype
    raise InvalidRequest(TYPE_MISMATCH)


def _looks_base64(text: str) -> bool:
    trimmed = text.strip()
    return len(trimmed) % 4 == 0 and bool(_BASE64.match(trimmed))


def _padded(text: str) -> str:
    """Java's decoder takes base64 without its padding; Python's wants it."""
    text = text.strip()
    return text + "=" * (-len(text) % 4)


def negotiate(accept: str | None, response: WebResponse) -> None:
    """pekko's content negotiation: 406 when ``Accept`` excludes the reply's type (empty replies pass)."""
    if not accept or not response.body or response.content_type is None:
        return
    mtype = media_type(response.content_type)
    main = mtype.split("/", 1)[0]
    for item in accept.split(","):
        parts = [p.strip() for p in item.split(";")]
        rng = parts[0].lower()
        q = next((p[2:] for p in parts[1:] if p.lower().startswith("q=")), "1")
        try:
            if float(q) <= 0:
                continue
        except ValueError:
            continue
        if rng in ("*/*", "*", mtype, f"{main}/*"):
            return
    raise FaasError(
        "Resource representation is only available with these types:\n" + response.content_type, status=406
    )
