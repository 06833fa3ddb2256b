"""The build options defined once (``build/options.py``): the CLI's parser, the magics' subset, the
``BuildOptions`` they make, and the sidebar's form keys and checks, all from ``OPTIONS``."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from jupyter_faas.build.options import FORM_FIELDS, OPTIONS, add_arguments, from_arguments, from_form
from jupyter_faas.errors import BuildError, FaasError

ROOT = Path(__file__).resolve().parents[2]


def parser(**kwargs: object) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(exit_on_error=False)
    add_arguments(p, **kwargs)  # type: ignore[arg-type]
    return p


def test_every_option_parses_into_its_build_options_field() -> None:
    args = parser().parse_args(
        [
            *("--class", "Crop", "--name", "pkg/crop", "--method", "run", "--kind", "python:3.11"),
            *("--memory", "512", "--timeout", "9000", "--param", "k", '{"a": 1}', "--param", "s", "text"),
            *("--requirements", "numpy", "pillow==10.0", "--include", "a.txt", "--include", "models"),
            *("--test-args", '{"x": 1}', "--no-test", "--timings", "--output", "out", "--web"),
            *("--web-secret", "s3cret"),
        ]
    )
    options = from_arguments(args)
    assert (options.class_name, options.name, options.method, options.kind) == (
        "Crop",
        "pkg/crop",
        "run",
        "python:3.11",
    )
    assert (options.memory, options.timeout) == (512, 9000)
    assert options.params == {"k": {"a": 1}, "s": "text"}  # VALUE is JSON when it parses
    assert list(options.requirements) == ["numpy", "pillow==10.0"]
    assert list(options.include) == ["a.txt", "models"]
    assert options.test_args == {"x": 1} and options.no_test and options.timings
    assert options.output == Path("out") and options.web == "true" and options.web_secret == "s3cret"
    assert {o.attr for o in OPTIONS} <= set(vars(options))


def test_kind_and_image_exclude_each_other_and_bad_test_args_say_why() -> None:
    with pytest.raises(argparse.ArgumentError):
        parser().parse_args(["--kind", "python:3.11", "--image", "me/img:1"])
    with pytest.raises(BuildError, match="--test-args is not JSON"):
        from_arguments(parser().parse_args(["--test-args", "{x"]))
    with pytest.raises(BuildError, match="must be a JSON object"):
        from_arguments(parser().parse_args(["--test-args", "[1]"]))


def test_a_subset_with_a_positional_class_and_its_own_words() -> None:
    p = parser(only=["class_name", "memory"], positional_class=True, help={"memory": "memory of each run"})
    args = p.parse_args(["Crop", "--memory", "128"])
    options = from_arguments(args)
    assert options.class_name == "Crop" and options.memory == 128
    assert options.params == {} and options.name is None  # what the subset does not define: defaults
    assert "memory of each run" in p.format_help() and "--kind" not in p.format_help()


def test_the_form_takes_its_keys_with_their_checks() -> None:
    form = from_form({"className": " Crop ", "memory": 256.0, "testArgs": {"x": 1}, "kind": ""})
    assert form == {
        "class_name": "Crop",
        "name": None,
        "method": None,
        "kind": None,
        "image": None,
        "memory": 256,
        "timeout": None,
        "test_args": {"x": 1},
    }
    assert tuple(form) == FORM_FIELDS
    with pytest.raises(FaasError, match="'memory' must be a whole number") as info:
        from_form({"className": "C", "memory": "lots"})
    assert info.value.status == 400
    with pytest.raises(FaasError, match="'name' must be text"):
        from_form({"className": "C", "name": 3})
    with pytest.raises(FaasError, match="test arguments must be a JSON object"):
        from_form({"className": "C", "testArgs": [1]})


def test_the_sidebar_sends_exactly_the_form_keys() -> None:
    """labextension/src/api.ts's deployBody: its keys are the options' form keys, plus the run's own."""
    source = (ROOT / "labextension" / "src" / "api.ts").read_text()
    body = source[source.index("function deployBody") :].split("\n}\n", 1)[0]
    sent = set(re.findall(r"out\.(\w+) =", body)) | set(re.findall(r"'(\w+)'", body))
    sent |= set(re.findall(r"\{ (\w+): options", body))
    assert sent == {o.form for o in OPTIONS if o.form} | {"test", "deploy", "web"}
