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


def test_the_workflow_section_gates_crops_tags_and_traces(
    executed: tuple[dict[str, Any], Path, EngineHandle],
) -> None:
    """Issue 14, part 3: the quality gate, the crop and the tagger as a conductor composition, fired by a
    trigger through a rule, on a good photo and on a blurred one; both paths shown."""
    cells, _, engine = executed
    tried = _stream(cells["pipeline-try"])
    assert "astronaut: eyes -> on to the crop" in tried and "blurred:   low quality (score" in tried
    deployed = _data(cells["pipeline-gate"], "text/html")  # the %%faas_deploy cell form
    assert "image-quality-gate</b> version <b>0.0.1</b>" in deployed, deployed[:2000]
    plan = _stream(cells["pipeline-deploy"])
    assert plan.startswith("plan: ") and "opencv_python_headless" in plan
    tagger = _data(cells["pipeline-tag"], "text/plain")
    assert "auto-tag" in tagger and "Local test" in tagger, tagger[:2000]
    composed = _data(cells["pipeline-build"], "text/plain")
    assert (
        "composition when(image-quality-gate.image, sequence(smart-body-crop, merge(auto-tag)), "
        "keep_input=False)" in composed
    ), composed
    assert "status      active" in _stream(cells["pipeline-rule"])
    good = _data(cells["pipeline-good"], "text/plain")
    assert "rule guest/workflow-on-upload -> guest/photo-workflow" in good
    for name in ("image-quality-gate", "smart-body-crop", "auto-tag"):
        assert re.search(rf"{name} +[0-9a-f]{{32}}  success", good), good[:3000]
    good_path = _data(cells["pipeline-good-path"], "text/plain")
    assert "? when image-quality-gate.image is true: then" in good_path
    assert '"x": 45' in good_path and '"w": 310' in good_path  # the same box as the direct invoke
    assert "decision" in _data(cells["pipeline-good-path"], "text/html")
    poor = _data(cells["pipeline-blurred"], "text/plain")
    assert "? when image-quality-gate.image is false: else" in poor
    assert "smart-body-crop" not in poor and "auto-tag" not in poor  # neither ran
    assert "low quality" in poor and "blurry" in poor
    check = _stream(cells["pipeline-check"]).splitlines()
    assert check[0] == (
        "good photo: ['image-quality-gate', 'smart-body-crop', 'auto-tag'] "
        "['when image-quality-gate.image is true: then']"
    )
    assert check[1].startswith(
        "           -> {'x': 45, 'y': 62, 'w': 310, 'h': 450} ['person', 'face visible'"
    )
    assert check[2] == "blurred:    ['image-quality-gate'] ['when image-quality-gate.image is false: else']"
    assert check[3].startswith("           -> low quality (score ")
    # the engine's records: each firing once, each caused composition once
    user, _, key = engine.auth.partition(":")
    base = f"{engine.url}/namespaces/_/activations"
    fired = requests.get(base, params={"name": "photo-uploaded"}, auth=(user, key), timeout=30).json()
    assert len(fired) == 2
    tags = requests.get(base, params={"name": "auto-tag"}, auth=(user, key), timeout=30).json()
    assert len(tags) == 1  # the good photo's (the local test at deploy runs outside the engine)


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
