"""Name parsing, as the wsk CLI and openwhisk-client-js parse names."""

from __future__ import annotations

import pytest

from jupyter_faas.errors import InvalidRequest
from jupyter_faas.openwhisk.names import QualifiedName, parse_name


@pytest.mark.parametrize(
    "text, expected",
    [
        ("hello", QualifiedName("_", "hello")),
        ("pkg/hello", QualifiedName("_", "hello", "pkg")),
        ("/guest/hello", QualifiedName("guest", "hello")),
        ("/guest/pkg/hello", QualifiedName("guest", "hello", "pkg")),
        ("guest/pkg/hello", QualifiedName("guest", "hello", "pkg")),
        ("my action@v1.2", QualifiedName("_", "my action@v1.2")),
        ("a", QualifiedName("_", "a")),
    ],
)
def test_forms(text: str, expected: QualifiedName) -> None:
    assert parse_name(text) == expected


def test_default_namespace_only_when_none_given() -> None:
    assert parse_name("hello", "team").namespace == "team"
    assert parse_name("/other/hello", "team").namespace == "other"
    assert parse_name("hello", "").namespace == "_"


def test_entity_path_and_str() -> None:
    qn = parse_name("/guest/pkg/my action")
    assert qn.entity == "pkg/my action"
    assert qn.path == "pkg/my%20action"
    assert str(qn) == "/guest/pkg/my action"
    assert str(parse_name("hello")) == "/_/hello"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  ",
        "/",
        "//x",
        "/ns",
        "/ns/a/b/c",
        "a/b/c/d",
        "pkg/",
        "-leading",
        "trailing ",
        "x" * 257,
        "a$b",
        "a/./b",
    ],
)
def test_invalid_names_are_refused_with_the_forms(text: str) -> None:
    with pytest.raises(InvalidRequest) as info:
        parse_name(text)
    assert "action" in str(info.value)
