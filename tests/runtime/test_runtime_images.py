"""Blackbox images: stock images, a tiny image built from a Dockerfile (PyPI once), unknown images."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers.runtime import make_request, make_spec, make_zip

from jupyter_faas.errors import BuildError
from jupyter_faas.runtime import Runtime
from jupyter_faas.runtime.images import ImageStore, parse_dockerfile

PROBE = """
import os, sys
def main(args):
    import requests
    try:
        import tabulate
        tab = tabulate.__version__
    except ModuleNotFoundError:
        tab = None
    return {"python": list(sys.version_info[:2]), "tabulate": tab, "requests": requests.__version__,
            "greeting": os.environ.get("GREETING")}
"""


def _context(tmp_path: Path, dockerfile: str, requirements: str = "tabulate==0.9.0\n") -> Path:
    ctx = tmp_path / "ctx"
    ctx.mkdir(exist_ok=True)
    (ctx / "Dockerfile").write_text(dockerfile)
    (ctx / "requirements.txt").write_text(requirements)
    return ctx


TINY = """\
# a tiny image for tests
FROM openwhisk/action-python-v3.11
COPY requirements.txt /tmp/requirements.txt
RUN pip install --no-cache-dir \\
    -r /tmp/requirements.txt
ENV GREETING=hello-from-image
"""


@pytest.fixture(scope="module")
def tiny_image(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path, kinds: Any) -> str:
    store = ImageStore(cache_dir)
    store.build("local/tiny-test:1", _context(tmp_path_factory.mktemp("img"), TINY))
    return "local/tiny-test:1"


def test_an_image_built_from_a_dockerfile_runs_a_zip_action(runtime: Runtime, tiny_image: str) -> None:
    spec = make_spec(make_zip({"__main__.py": PROBE}), kind="blackbox", image=tiny_image)
    out = runtime.run(spec, make_request())
    assert out.status_code == 0, out.logs
    assert out.result == {
        "python": [3, 11],
        "tabulate": "0.9.0",
        "requests": "2.32.2",
        "greeting": "hello-from-image",
    }


def test_rebuilding_the_same_content_reuses_the_image(
    cache_dir: Path, tiny_image: str, tmp_path: Path
) -> None:
    store = ImageStore(cache_dir)
    first = store.environment(tiny_image)
    again = store.build("local/tiny-test:again", _context(tmp_path, TINY))
    assert again.root == first.root


def test_stock_images_are_the_kind_environments(runtime: Runtime) -> None:
    for image, version in (
        ("openwhisk/action-python-v3.10", [3, 10]),
        ("openwhisk/action-python-v3.11:latest", [3, 11]),
    ):
        out = runtime.run(make_spec(PROBE, kind="blackbox", image=image), make_request())
        assert out.status_code == 0, out.logs
        assert out.result["python"] == version and out.result["tabulate"] is None


def test_an_unknown_image_fails_as_a_failed_pull(runtime: Runtime) -> None:
    out = runtime.run(make_spec(PROBE, kind="blackbox", image="nobody/nothing:1"), make_request())
    assert out.status_code == 2
    assert out.result == {"error": "Failed to pull container image 'nobody/nothing:1'."}


@pytest.mark.parametrize(
    ("dockerfile", "expected"),
    [
        ("FROM python:3.11\n", "line 1"),
        ("FROM openwhisk/action-python-v3.11\nRUN apt-get install -y curl\n", "line 2"),
        ('FROM openwhisk/action-python-v3.11\n\nCMD ["python"]\n', "line 3: 'CMD"),
        ("FROM openwhisk/action-python-v3.11\nRUN pip install -r requirements.txt\n", "was not copied"),
        ("FROM openwhisk/action-python-v3.11\nCOPY ../secret .\n", "inside the build context"),
    ],
)
def test_unsupported_dockerfile_lines_are_refused_by_line(
    tmp_path: Path, dockerfile: str, expected: str
) -> None:
    ctx = _context(tmp_path, dockerfile)
    with pytest.raises(BuildError, match="Dockerfile line") as info:
        parse_dockerfile(dockerfile, ctx)
    assert expected in str(info.value)
    assert "Supported here" in str(info.value)


def test_parse_keeps_pip_arguments_and_env(tmp_path: Path) -> None:
    dockerfile = (
        "FROM openwhisk/action-python-v3.10:nightly\nWORKDIR /app\nCOPY requirements.txt ./\n"
        "RUN pip3 install --no-cache-dir -r requirements.txt && python -m pip install six==1.16.0\n"
        "ENV A=1 B=two\n"
    )
    recipe = parse_dockerfile(dockerfile, _context(tmp_path, dockerfile))
    assert recipe.base_kind == "python:3.10"
    assert recipe.pip_args == [
        ["--no-cache-dir", "-r", str((tmp_path / "ctx" / "requirements.txt").resolve())],
        ["six==1.16.0"],
    ]
    assert recipe.env == {"A": "1", "B": "two"}


def test_an_image_whose_interpreter_is_gone_is_a_whisk_internal_error(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    store = ImageStore(cache)
    root = cache / "images" / "broken"
    root.mkdir(parents=True)
    (root / ".jupyter-faas-ready").write_text("local/broken:1\n")
    tag = store._tag_file("local/broken:1")
    tag.parent.mkdir(parents=True)
    tag.write_text(json.dumps({"root": str(root), "version": "3.11", "env": {}, "tag": "local/broken:1"}))
    rt = Runtime(tmp_path / "work", cache_dir=cache)
    try:
        out = rt.run(make_spec(PROBE, kind="blackbox", image="local/broken:1"), make_request())
        assert out.status_code == 3
        assert out.result == {"error": "Failed to provision resources to run the action."}
        assert any("FileNotFoundError" in line for line in out.logs)
        assert all(c["busy"] == 0 and c["idle"] == 0 for c in rt.counts().values())
    finally:
        rt.shutdown()
