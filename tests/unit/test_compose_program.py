"""Compositions as values (issue 14, part 2): the program each combinator compiles to, the one-line text,
the errors for what a combinator cannot take, and the generated conductor: its golden file, and a hostile
name or value that stays data. The conductor's behaviour on a real engine: tests/pipeline/test_compose.py.

The golden file is ``tests/fixtures/compose/conductor.py.expected`` (``UPDATE_GOLDEN=1`` rewrites it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jupyter_faas.compose import (
    components,
    conductor_code,
    describe,
    let,
    literal,
    merge,
    program,
    retry,
    sequence,
    try_,
    when,
)
from jupyter_faas.errors import CompositionError

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "compose" / "conductor.py.expected"
WORKFLOW = when(
    "image-quality-gate",
    sequence("smart-body-crop", merge("auto-tag")),
    literal({"rejected": True}),
    field="ok",
)


def test_when_compiles_to_a_saved_input_a_branch_and_a_jump_over_the_else() -> None:
    assert program(WORKFLOW) == [
        {"op": "save"},
        {"op": "call", "action": "image-quality-gate"},
        {"op": "branch", "field": "ok", "test": "image-quality-gate", "else": 8, "restore": True},
        {"op": "call", "action": "smart-body-crop"},
        {"op": "save"},
        {"op": "call", "action": "auto-tag"},
        {"op": "merge"},
        {"op": "jump", "to": 9},
        {"op": "literal", "value": {"rejected": True}},
    ]
    assert describe(WORKFLOW) == (
        'when(image-quality-gate.ok, sequence(smart-body-crop, merge(auto-tag)), literal({"rejected": true}))'
    )
    assert components(WORKFLOW) == ["image-quality-gate", "smart-body-crop", "auto-tag"]


def test_when_without_keeping_the_input_hands_the_test_result_on() -> None:
    node = when("gate", "crop", field="ok", keep_input=False)  # Composer's if_nosave
    assert program(node) == [
        {"op": "call", "action": "gate"},
        {"op": "branch", "field": "ok", "test": "gate", "else": 4, "restore": False},
        {"op": "call", "action": "crop"},
        {"op": "jump", "to": 4},
    ]
    assert describe(node) == "when(gate.ok, crop, keep_input=False)"


def test_try_retry_and_let_push_and_pop_their_frames() -> None:
    node = try_(retry(2, let({"lang": "en"}, "fetch")), "fallback")
    assert program(node) == [
        {"op": "try", "catch": 8},
        {"op": "retry", "times": 2},
        {"op": "let", "bindings": {"lang": "en"}},
        {"op": "call", "action": "fetch"},
        {"op": "unlet"},
        {"op": "unretry"},
        {"op": "untry"},
        {"op": "jump", "to": 9},
        {"op": "call", "action": "fallback"},
    ]
    assert describe(node) == 'try_(retry(2, let({"lang": "en"}, fetch)), fallback)'
    assert program(when("t", "a")) == [
        {"op": "save"},
        {"op": "call", "action": "t"},
        # Composer's default field: "value"
        {"op": "branch", "field": "value", "test": "t", "else": 5, "restore": True},
        {"op": "call", "action": "a"},
        {"op": "jump", "to": 5},
    ]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: sequence("a", 3), "step 2 of sequence() is int 3, not a composition."),
        (lambda: when(None, "a"), "when()'s test is NoneType None, not a composition."),
        (lambda: retry(-1, "a"), "retry() takes a number of retries from 0 to 100, not -1."),
        (lambda: retry(True, "a"), "retry() takes a number of retries from 0 to 100, not True."),
        (lambda: literal([1, 2]), "literal()'s value must be a dict (a JSON object), not list."),
        (lambda: let({"f": object()}, "a"), "let()'s bindings must be JSON: "),
        (lambda: when("t", "a", field=""), "when(field=...) must name a field of the test's result, not ''."),
        (lambda: sequence(""), "An action's name must be a non-empty string, not ''."),
    ],
)
def test_what_a_combinator_cannot_take_is_said_with_the_fix(build, message) -> None:
    with pytest.raises(CompositionError) as info:
        build()
    assert str(info.value).startswith(message)


def test_the_conductor_matches_its_golden_file() -> None:
    text = conductor_code("photo-pipeline", program(WORKFLOW), describe(WORKFLOW))
    if os.environ.get("UPDATE_GOLDEN") or not GOLDEN.exists():
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text)
    assert text == GOLDEN.read_text(), "the conductor's generated code changed (UPDATE_GOLDEN=1 to accept)"
    compile(text, "conductor.py", "exec")


def test_a_hostile_name_or_value_stays_data_in_the_conductor(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    evil = f"x'''\"\"\"\n__import__('pathlib').Path({str(marker)!r}).touch()\n#"
    node = sequence(evil, literal({"v": evil}))
    text = conductor_code(evil, program(node), describe(node))
    scope: dict[str, object] = {}
    exec(compile(text, "conductor.py", "exec"), scope)
    assert not marker.exists()
    assert scope["PROGRAM"] == program(node)
    assert len(text.splitlines()) == len(conductor_code("n", program(literal({})), "d").splitlines())
