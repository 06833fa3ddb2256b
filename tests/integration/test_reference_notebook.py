"""``notebooks/smart_body_crop.ipynb`` executed top to bottom with nbclient, as ``make demo`` runs it
(``samples/demo.py``'s ``execute``: a real kernel of this venv's Python, a real engine of its own on a free
port), and its outputs checked: the image plan, the deployed result against the in-notebook one, cold and
warm activations, the crops and the stats summary written to the output folder.

The notebook's model code is the sample's (``samples/smart_body_crop/body_crop.py``) pasted as cells; a
test keeps the two the same, definition by definition. The last section (issue 8) builds the pipeline
quality gate -> crop as a sequence fired by a trigger through a rule, on a good and on a blurred photo.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest
import requests
from PIL import Image

from jupyter_faas.config import mask_key
from jupyter_faas.engine import EngineHandle

# slow; the first run on a fresh checkout also builds the action's image environment (pip), hence 900 s
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "smart_body_crop.ipynb"
SAMPLE = ROOT / "samples" / "smart_body_crop" / "body_crop.py"


def _demo() -> Any:
    spec = importlib.util.spec_from_file_location("jupyter_faas_demo", ROOT / "samples" / "demo.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _data(cell: Any, mime: str) -> str:
    return "\n".join(
        "".join(out.get("data", {}).get(mime, ""))
        for out in cell.outputs
        if out.output_type in ("execute_result", "display_data")
    )


def _stream(cell: Any) -> str:
    return "".join(out.get("text", "") for out in cell.outputs if out.output_type == "stream")


def _stats_row(text: str) -> dict[str, str]:
    """The smart-body-crop row of a stats table in text form, by column name."""
    lines = [line for line in text.splitlines() if line.strip()]
    header = next(i for i, line in enumerate(lines) if line.lstrip().startswith("action "))
    names = lines[header].split()
    row = next(line for line in lines[header + 1 :] if line.lstrip().startswith("smart-body-crop "))
    return dict(zip(names, row.split(), strict=False))


@pytest.fixture(scope="module")
def executed(
    start_engine: Callable[..., EngineHandle], tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, Any], Path, EngineHandle]:
    """The executed notebook's cells by id, its output folder, and the engine it ran against."""
    if importlib.util.find_spec("mediapipe") is None:
        pytest.skip("mediapipe (where the model files come from) is not installed: run `make install`")
    engine = start_engine()  # its own engine: the stats must count only this notebook's activations
    output = tmp_path_factory.mktemp("demo-output")
    notebook = _demo().execute(output, engine.apihost, engine.auth)
    return {cell.id: cell for cell in notebook.cells}, output, engine


def test_the_notebook_runs_without_errors(executed: tuple[dict[str, Any], Path, EngineHandle]) -> None:
    cells, output, engine = executed
    errors = [
        o for c in cells.values() if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert not errors, errors
    assert (output / NOTEBOOK.name).is_file()
    config = _data(cells["config"], "text/plain")
    assert engine.apihost in config and "__OW_API_HOST" in config and mask_key(engine.auth) in config
    secret = engine.auth.split(":")[1]
    assert secret not in (output / NOTEBOOK.name).read_text() + NOTEBOOK.read_text()


def test_the_deploy_shows_the_image_plan_and_why(executed: tuple[dict[str, Any], Path, EngineHandle]) -> None:
    cells, output, _ = executed
    html = _data(cells["deploy"], "text/html")
    assert "smart-body-crop</b> version <b>0.0.1</b>" in html and "uploaded" in html
    assert "<td>plan</td><td>image</td>" in html, html[:2000]
    assert "blackbox (jupyter-faas/smart-body-crop:" in html
    plan = _stream(cells["plan"])
    assert plan.startswith("plan: image (kind blackbox")
    assert "do not fit a 48.0 MB action" in plan
    assert all(name in plan for name in ("ai_edge_litert", "numpy", "pillow"))
    assert "models/pose_detection.tflite" in plan and "FROM openwhisk/action-python-v3.11" in plan
    # the package the notebook named: __main__.py, the zip and the image's Dockerfile in output/action
    assert (output / "action" / "__main__.py").is_file()
    assert (output / "action" / "image" / "Dockerfile").is_file()


def test_the_deployed_result_is_the_in_notebook_result(
    executed: tuple[dict[str, Any], Path, EngineHandle],
) -> None:
    cells, _, _ = executed
    invoked = _data(cells["invoke"], "text/plain")
    assert "start     cold" in invoked and '"x": 45' in invoked and '"w": 310' in invoked
    same = _stream(cells["same"])
    assert re.search(r"box \[45, 62, 310, 450\] in both; keypoints within 0\.00\d px", same), same
    assert "status    pending" in _data(cells["async"], "text/plain")
    polled = _data(cells["poll"], "text/plain")
    assert "status    success" in polled and '"upper": "shoulders"' in polled and '"lower": "knees"' in polled


def test_stats_show_one_cold_and_warm_activations(
    executed: tuple[dict[str, Any], Path, EngineHandle],
) -> None:
    cells, output, _ = executed
    row = _stats_row(_data(cells["stats"], "text/plain"))
    assert (row["count"], row["cold"], row["warm"], row["success"]) == ("2", "1", "1", "100%")
    assert '<img src="data:image/png;base64,' in _data(cells["stats"], "text/html")  # --plot
    final = _stats_row((output / "stats.md").read_text().replace("|", " "))
    assert int(final["count"]) == 7 and int(final["cold"]) >= 1 and int(final["warm"]) >= 1
    for plot in ("timeline.png", "cold-warm.png"):
        with Image.open(output / plot) as image:
            assert image.format == "PNG" and image.width > 300


def test_the_map_writes_the_crops_of_the_photos_with_a_person(
    executed: tuple[dict[str, Any], Path, EngineHandle],
) -> None:
    cells, output, _ = executed
    printed = _stream(cells["map"])
    boxes = {
        name: json.loads(box) for name, box in re.findall(r"^(\w+)\.\w+\s+box (\[[\d, ]+\])", printed, re.M)
    }
    assert set(boxes) == {"astronaut", "camera"}, printed
    assert sorted(p.name for p in (output / "crops").iterdir()) == ["astronaut.jpg", "camera.jpg"]
    for name, (_, _, w, h) in boxes.items():
        with Image.open(output / "crops" / f"{name}.jpg") as crop:
            assert crop.format == "JPEG" and crop.size == (w, h)
    for photo in ("chelsea.png", "coffee.png", "rocket.jpg"):
        assert re.search(rf"^{re.escape(photo)}\s+The activation failed: .*no person found", printed, re.M)


def _definitions(tree: ast.AST) -> dict[str, str]:
    out = {}
    for node in getattr(tree, "body", []):
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            out[node.name] = ast.dump(node)
        elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            out[node.targets[0].id] = ast.dump(node)
        elif (
            isinstance(node, ast.Import | ast.ImportFrom | ast.Try)
            and getattr(node, "module", "") != "__future__"
        ):
            out[ast.unparse(node).splitlines()[0]] = ast.dump(node)
    return out


def test_the_pipeline_section_gates_and_traces(executed: tuple[dict[str, Any], Path, EngineHandle]) -> None:
    """Issue 8: quality gate then crop as a sequence, fired by a trigger through a rule, on a good photo
    and on a blurred one; the engine holds each caused activation once."""
    cells, _, engine = executed
    tried = _stream(cells["pipeline-try"])
    assert "astronaut: eyes -> on to the crop" in tried and "blurred:   skipped: low quality" in tried
    deployed = _data(cells["pipeline-gate"], "text/html")  # the %%faas_deploy cell form
    assert "image-quality-gate</b> version <b>0.0.1</b>" in deployed, deployed[:2000]
    plan = _stream(cells["pipeline-deploy"])
    assert plan.startswith("plan: ") and "opencv_python_headless" in plan
    built = _stream(cells["pipeline-build"])
    assert "components  /guest/image-quality-gate -> /guest/smart-body-crop" in built
    assert "status      active" in built and "action      /guest/quality-then-crop" in built
    good = _data(cells["pipeline-good"], "text/plain")
    assert "rule guest/crop-on-upload -> guest/quality-then-crop" in good
    assert re.search(r"image-quality-gate +[0-9a-f]{32}  success", good), good[:2000]
    assert re.search(r"smart-body-crop +[0-9a-f]{32}  success", good)
    assert '"x": 45' in good and '"w": 310' in good  # the same box as the direct invoke
    assert "component" in _data(cells["pipeline-good"], "text/html")
    poor = _data(cells["pipeline-blurred"], "text/plain")
    assert re.search(r"image-quality-gate +[0-9a-f]{32}  application error", poor), poor
    assert "smart-body-crop" not in poor.split("result", 1)[0].split("quality-then-crop", 1)[1]
    assert "skipped: low quality" in poor and "blurry" in poor
    check = _stream(cells["pipeline-check"])
    assert (
        "good photo: ['image-quality-gate', 'smart-body-crop'] -> {'x': 45, 'y': 62, 'w': 310, 'h': 450}"
        in check
    )
    assert "blurred:    ['image-quality-gate'] -> application error: skipped: low quality" in check
    # the engine's records: the sequence twice (2 + 1 components), each trigger firing once
    user, _, key = engine.auth.partition(":")
    base = f"{engine.url}/namespaces/_/activations"
    seq = requests.get(base, params={"name": "quality-then-crop"}, auth=(user, key), timeout=30).json()
    assert len(seq) == 2
    lengths = sorted(
        len(requests.get(f"{base}/{a['activationId']}", auth=(user, key), timeout=30).json()["logs"])
        for a in seq
    )
    assert lengths == [1, 2]
    fired = requests.get(base, params={"name": "photo-uploaded"}, auth=(user, key), timeout=30).json()
    assert len(fired) == 2


def test_the_notebook_model_code_is_the_samples() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    cells = [c.source for c in notebook.cells if c.cell_type == "code" and c.id.startswith("model-")]
    in_notebook = _definitions(ast.parse("\n\n".join(cells)))
    sample = _definitions(ast.parse(SAMPLE.read_text()))
    sample.pop("__all__")
    assert in_notebook == sample, sorted(set(in_notebook) ^ set(sample))


def test_the_demo_never_clears_a_folder_it_did_not_write(tmp_path: Path) -> None:
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "keep.txt").write_text("not the demo's")
    with pytest.raises(SystemExit, match="was not written by the demo"):
        _demo().main(["--output", str(mine)])
    assert (mine / "keep.txt").read_text() == "not the demo's"


def test_the_model_is_an_http_endpoint_with_a_page_to_try_it(
    executed: tuple[dict[str, Any], Path, EngineHandle],
) -> None:
    """Issue 13: the crop redeployed with --web, called with a raw image body, and the page beside it."""
    cells, output, engine = executed
    url = f"{engine.apihost}/api/v1/web/guest/default/smart-body-crop"
    assert f"Web action: <code>POST {url}.json</code>" in _data(cells["web-deploy"], "text/html")
    called = _stream(cells["web-call"])
    assert called.startswith("200 application/json {'x': "), called
    page = _stream(cells["page"])
    page_url = f"{engine.apihost}/api/v1/web/guest/default/smart-body-crop-page.html"
    assert page.startswith("200 text/html; charset=UTF-8 ") and f"Try it in a browser: {page_url}" in page
    assert (output / "try-page.url").read_text().strip() == page_url
