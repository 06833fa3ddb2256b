"""HTML building blocks for the notebook renderings: tables, badges, durations, and JSON values with images.

Plain strings only (no IPython): every renderer in ``display/`` composes these. Owns how a value looks
(escaping, cold/warm and status badges, ms formatting, base64 images shown as ``<img>``); it does not
own what is shown (``activation.py``, ``deployment.py``, ``listing.py``).
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = [
    "CSS_CLASS",
    "badge",
    "cold_warm_badge",
    "esc",
    "image_mime",
    "json_html",
    "json_text",
    "ms",
    "status_badge",
    "table",
]

CSS_CLASS = "jupyter-faas"
_COLORS = {"ok": "#1a7f37", "bad": "#cf222e", "cold": "#0969da", "warm": "#bf8700", "info": "#57606a"}
_DATA_URL = re.compile(r"^data:(image/[a-z+.-]+);base64,(.*)$", re.IGNORECASE | re.DOTALL)
_B64 = re.compile(r"^[A-Za-z0-9+/\s]+={0,2}$")
_MAGIC = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF8", "image/gif"))
_MIN_IMAGE_CHARS = 64
_LONG = 200


def esc(value: Any) -> str:
    return html.escape(str(value))


def ms(value: float | None) -> str:
    """``12.3 ms``, ``1.25 s``, or ``-`` for no value."""
    if value is None:
        return "-"
    if value >= 1000:
        return f"{value / 1000:.2f} s"
    return f"{value:.0f} ms" if value >= 100 else f"{value:.1f} ms"


def badge(text: str, tone: str = "info") -> str:
    color = _COLORS.get(tone, _COLORS["info"])
    return (
        f'<span class="{CSS_CLASS}-badge" style="background:{color};color:#fff;border-radius:3px;'
        f'padding:0 5px;font-size:85%">{esc(text)}</span>'
    )


def status_badge(status: str, success: bool | None) -> str:
    return badge(status, "ok" if success else "bad" if success is False else "info")


def cold_warm_badge(cold: bool | None) -> str:
    if cold is None:
        return ""
    return badge("cold", "cold") if cold else badge("warm", "warm")


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], *, raw: bool = True) -> str:
    """A ``<table>``; cells are HTML already when ``raw`` (escape them first), else escaped here."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{cell if raw else esc(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f'<table class="{CSS_CLASS}-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def image_mime(value: Any) -> tuple[str, str] | None:
    """``(mime, base64)`` when ``value`` is an image as a data: URL or as base64 text, else None."""
    if not isinstance(value, str) or len(value) < _MIN_IMAGE_CHARS:
        return None
    found = _DATA_URL.match(value)
    if found:
        return found.group(1).lower(), re.sub(r"\s", "", found.group(2))
    head = value[:64]
    if not _B64.match(head):
        return None
    try:
        start = base64.b64decode(head[: len(head) // 4 * 4], validate=False)
    except (binascii.Error, ValueError):
        return None
    for magic, mime in _MAGIC:
        if start.startswith(magic):
            return mime, re.sub(r"\s", "", value)
    return None


def _shorten(value: Any) -> Any:
    """Replace images and very long strings by short descriptions (for text and JSON views)."""
    if isinstance(value, dict):
        return {k: _shorten(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shorten(v) for v in value]
    if isinstance(value, str):
        image = image_mime(value)
        if image:
            return f"<{image[0]}, {len(image[1]) * 3 // 4:,} bytes>"
        if len(value) > _LONG:
            return value[:_LONG] + f"... ({len(value):,} chars)"
    return value


def json_text(value: Any) -> str:
    """Indented JSON, images and long strings shortened."""
    return json.dumps(_shorten(value), indent=2, ensure_ascii=False, default=str)


def _images(value: Any, path: str = "") -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []
    if isinstance(value, dict):
        for k, v in value.items():
            found += _images(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += _images(v, f"{path}[{i}]")
    else:
        image = image_mime(value)
        if image:
            found.append((path or "result", *image))
    return found


def json_html(value: Any) -> str:
    """The value as indented JSON in a ``<pre>``, followed by every image in it as an ``<img>``."""
    out = f'<pre class="{CSS_CLASS}-json">{esc(json_text(value))}</pre>'
    for where, mime, data in _images(value):
        out += (
            f'<figure class="{CSS_CLASS}-image"><img src="data:{mime};base64,{data}" '
            f'alt="{esc(where)}" style="max-width:100%"/><figcaption>{esc(where)}</figcaption></figure>'
        )
    return out
