"""The web action that serves ``try_page.html``: a page to try the smart body crop from a browser.

``page_action_zip()`` is the action's zip: a ``__main__.py`` that reads the page once per container and
answers it as ``{"body": html}`` (so ``.../smart-body-crop-page.html`` serves it as ``text/html``), and the
page itself. Deploy it as a web action beside the model's::

    client.actions.update("smart-body-crop-page", page_action_zip(), kind="python:3.11", web=True)

The zip is byte-identical for identical inputs (fixed timestamps), so redeploying an unchanged page
uploads the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

__all__ = ["PAGE", "page_action_zip"]

PAGE = Path(__file__).with_name("try_page.html")
MAIN = '''"""Serves try_page.html (a web action: GET .../smart-body-crop-page.html)."""

from pathlib import Path

PAGE = (Path(__file__).parent / "try_page.html").read_text(encoding="utf-8")


def main(args):
    return {"body": PAGE}
'''


def page_action_zip(page: Path = PAGE) -> bytes:
    """The page action's zip: ``__main__.py`` and the page, with fixed timestamps."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in (("__main__.py", MAIN), ("try_page.html", page.read_text(encoding="utf-8"))):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, text)
    return buffer.getvalue()
