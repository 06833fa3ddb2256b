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
    "image_tag",
    "json_html",
    "json_text",
    "ms",
    "status_badge",
    "table",
]

CSS_CLASS = "jupyter-faas"
_COLORS = {"ok": "#1a7f37", "bad": "#cf222e", "cold": "#0969da", "warm": "#bf8700", "info": "#57606a"}
_DATA_URL = re.compile(r"^data:(image/[a-z]+);base64,([A-Za-z0-9+/\s]*={0,2})\s*$", re.IGNORECASE)
_B64 = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")
# Raster formats only (an SVG can carry script); each with the bytes its files start with.
_MAGIC = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
}
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
    """``(mime, base64)`` when ``value`` is a raster image as a ``data:`` URL or as base64 text, else None.

    The one gate between a result and an ``<img>``: the text must be strict base64 as a whole (nothing
    that could end an attribute: no quote, no ``>``, no ``javascript:``), decode, and start with the bytes
    of the format it claims (PNG, JPEG, GIF, WebP; never SVG).
    """
    if not isinstance(value, str) or len(value) < _MIN_IMAGE_CHARS:
        return None
    found = _DATA_URL.match(value)
    claimed = found.group(1).lower() if found else None
    data = re.sub(r"\s", "", found.group(2) if found else value)
    if len(data) % 4 or not _B64.match(data):
        return None
    try:
        start = base64.b64decode(data[:64], validate=True)
    except (binascii.Error, ValueError):
        return None
    for mime, magics in _MAGIC.items():
        if any(start.startswith(m) for m in magics) and claimed in (None, mime):
            return mime, data
    return None


def image_tag(mime: str, data: str, alt: str, css_class: str = "") -> str:
    """An ``<img>`` of ``image_mime``'s output; every attribute escaped once more (defence in depth)."""
    if mime not in _MAGIC or not _B64.match(data):
        raise ValueError("image_tag takes only what image_mime accepted")
    cls = f' class="{esc(css_class)}"' if css_class else ""
    return f'<img{cls} src="{esc(f"data:{mime};base64,{data}")}" alt="{esc(alt)}" style="max-width:100%"/>'


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
            f'<figure class="{CSS_CLASS}-image">{image_tag(mime, data, where)}'
            f"<figcaption>{esc(where)}</figcaption></figure>"
        )
    return out
