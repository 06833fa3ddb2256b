"""Codegen for a web action (``--web``): the golden ``__main__.py`` of an image class, and what its
``_web_params`` makes of each way a web request can carry parameters (contract part 2, 1.3): a JSON
body, a form, the query, a raw ``image/*`` body, and ``--web raw``'s unparsed query and body.

The golden file is ``tests/fixtures/web_main/__main__.py.expected`` (``UPDATE_GOLDEN=1`` rewrites it).
"""

from __future__ import annotations

import base64
import json
import os
import runpy
from pathlib import Path
from typing import Any

import pytest

from jupyter_faas.build.capture import Cell, capture_from_cells
from jupyter_faas.build.codegen import CodegenOptions, generate

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "web_main" / "__main__.py.expected"
CELLS = [
    "import base64",
    "class Sizer:\n"
    "    def predict(self, image, scale: float = 1.0, label=False):\n"
    "        data = base64.b64decode(image)\n"
    "        if scale <= 0:\n"
    "            raise ValueError('scale must be positive')\n"
    "        return {'bytes': len(data), 'scale': scale, 'label': label}\n",
]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 30
B64 = base64.b64encode(PNG).decode()


def _source() -> str:
    capture = capture_from_cells([Cell(s, f"c{i}", i) for i, s in enumerate(CELLS)], "Sizer")
    return generate(capture, CodegenOptions(web=True))


@pytest.fixture(scope="module")
def main(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("web") / "__main__.py"
    path.write_text(_source())
    return runpy.run_path(str(path), run_name="action")["main"]


def test_web_main_matches_golden_file() -> None:
    text = _source()
    if os.environ.get("UPDATE_GOLDEN") or not GOLDEN.exists():
        GOLDEN.write_text(text)
    assert text == GOLDEN.read_text(), "the web action's generated code changed (UPDATE_GOLDEN=1 to accept)"
    assert text == _source()  # deterministic


def _web(headers: dict[str, str] | None = None, **fields: Any) -> dict[str, Any]:
    return {"__ow_method": "post", "__ow_headers": headers or {}, "__ow_path": "", **fields}


def test_a_json_body_keeps_its_types(main) -> None:
    args = _web({"content-type": "application/json"}, image=B64, scale=2, label="true")
    assert main(args) == {"bytes": len(PNG), "scale": 2, "label": "true"}


def test_form_and_query_text_becomes_numbers_and_booleans(main) -> None:
    args = _web({"content-type": "application/x-www-form-urlencoded"}, image=B64, scale="0.5", label="true")
    assert main(args) == {"bytes": len(PNG), "scale": 0.5, "label": True}
    assert main(_web({}, image=B64, scale="3", label="tag"))["label"] == "tag"  # a query's text stays text


def test_a_raw_image_body_is_the_image_parameter(main) -> None:
    args = _web({"content-type": "image/png"}, __ow_body=B64, scale="2")
    assert main(args) == {"bytes": len(PNG), "scale": 2, "label": False}


def test_web_raw_parses_the_query_and_the_body(main) -> None:
    body = base64.b64encode(json.dumps({"image": B64, "scale": 4}).encode()).decode()
    raw = _web({"content-type": "application/json"}, __ow_query="label=yes", __ow_body=body)
    assert main(raw) == {"bytes": len(PNG), "scale": 4, "label": "yes"}
    image = _web({"content-type": "image/png"}, __ow_query="scale=0.25", __ow_body=B64)
    assert main(image) == {"bytes": len(PNG), "scale": 0.25, "label": False}


def test_errors_are_web_answers_with_a_400(main) -> None:
    missing = main(_web({}))["error"]
    assert missing["statusCode"] == 400 and "missing image" in missing["body"]["error"]
    failed = main(_web({}, image=B64, scale="0"))["error"]
    assert failed == {
        "statusCode": 400,
        "headers": {"Content-Type": "application/json"},
        "body": {"error": "ValueError: scale must be positive"},
    }
