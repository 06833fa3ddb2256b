"""Sequences against a real engine over HTTP: creation checks with upstream's messages, results chained
from one component to the next, the sequence's record (logs = component ids, topmost, kind, duration), the
components' records (cause, causedBy), an error that stops the sequence, a component deleted later,
nested sequences, and a non-blocking sequence."""

from __future__ import annotations

import time
from typing import Any

import pytest
from helpers.engine import STUCK, OwSession, deploy, unique, wait_for

ADD = (
    "def main(args):\n"
    "    return {'n': args.get('n', 0) + args.get('step', 1), 'seen': args.get('seen', 0) + 1}\n"
)
FAIL = "def main(args):\n    return {'error': 'no good: ' + str(args.get('n'))}\n"


def annotations(record: dict[str, Any]) -> dict[str, Any]:
    return {a["key"]: a["value"] for a in record["annotations"]}


def get_record(ow: OwSession, activation_id: str) -> dict[str, Any]:
    for _ in range(500):
        r = ow.get(ow.ns(f"activations/{activation_id}"))
        if r.status_code == 200:
            record: dict[str, Any] = r.json()
            return record
        assert r.status_code == 404, r.text
        time.sleep(0.02)
    raise AssertionError(f"no record for {activation_id}")


def sequence(ow: OwSession, name: str, components: list[str], overwrite: bool = True) -> Any:
    q = "?overwrite=true" if overwrite else ""
    return ow.put(ow.ns(f"actions/{name}{q}"), json={"exec": {"kind": "sequence", "components": components}})


@pytest.fixture
def add(ow: OwSession) -> str:
    name = unique("add")
    deploy(ow, name, ADD, parameters=[{"key": "step", "value": 10}])
    return name


def test_create_resolves_the_default_namespace_and_keeps_components(ow: OwSession, add: str) -> None:
    name = unique("seq")
    r = sequence(ow, name, [f"/_/{add}", f"/guest/{add}"])
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["exec"] == {"kind": "sequence", "components": [f"/guest/{add}", f"/guest/{add}"]}
    assert doc["parameters"] == [{"key": "_actions", "value": [f"/guest/{add}", f"/guest/{add}"]}]
    assert {"key": "exec", "value": "sequence"} in doc["annotations"]
    got = ow.get(ow.ns(f"actions/{name}")).json()
    assert got["exec"]["components"] == [f"/guest/{add}", f"/guest/{add}"]


@pytest.mark.parametrize(
    ("components", "message"),
    [
        ([], "No component specified for the sequence."),
        (["/_/does-not-exist"], "Sequence component does not exist."),
        (["guest"], "The request content was malformed:\nfully qualified name malformed"),
    ],
)
def test_create_errors(ow: OwSession, add: str, components: list[str], message: str) -> None:
    r = sequence(ow, unique("bad"), components)
    assert r.status_code == 400
    assert r.json()["error"] == message


def test_too_long_and_cyclic(ow: OwSession, add: str) -> None:
    r = sequence(ow, unique("long"), [f"/_/{add}"] * 51)
    assert (r.status_code, r.json()["error"]) == (400, "Too many actions in the sequence.")
    inner = unique("inner")
    assert sequence(ow, inner, [f"/_/{add}"] * 30).status_code == 200
    r = sequence(ow, unique("outer"), [f"/_/{inner}", f"/_/{inner}"])  # 60 atomic actions once inlined
    assert (r.status_code, r.json()["error"]) == (400, "Too many actions in the sequence.")
    me = unique("self")
    r = sequence(ow, me, [f"/_/{me}"])
    assert (r.status_code, r.json()["error"]) == (400, "Sequence may not refer to itself.")
    # an atomic action cannot become a sequence that contains it
    r = sequence(ow, add, [f"/_/{add}"])
    assert (r.status_code, r.json()["error"]) == (400, "Sequence may not refer to itself.")


def test_results_chain_and_records(ow: OwSession, add: str) -> None:
    name = unique("seq")
    assert sequence(ow, name, [f"/_/{add}"] * 3).status_code == 200
    r = ow.post(ow.ns(f"actions/{name}?blocking=true"), json={"n": 1})
    assert r.status_code == 200, r.text
    record = r.json()
    # each component gets its own default step=10 under the previous result
    assert record["response"]["result"] == {"n": 31, "seen": 3}
    assert r.headers["x-openwhisk-activation-id"] == record["activationId"]
    stored = get_record(ow, record["activationId"])
    ids = stored["logs"]
    assert len(ids) == 3 and len(set(ids)) == 3
    assert record["logs"] == ids  # a sequence's blocking answer lists its components, as upstream's does
    notes = annotations(stored)
    assert notes["topmost"] is True and notes["kind"] == "sequence" and notes["path"] == f"guest/{name}"
    assert "causedBy" not in notes and "cause" not in stored
    assert [a["key"] for a in stored["annotations"]][:3] == ["topmost", "path", "kind"]
    components = [get_record(ow, i) for i in ids]
    assert [c["response"]["result"]["n"] for c in components] == [11, 21, 31]
    for c in components:
        assert c["cause"] == stored["activationId"]
        assert annotations(c)["causedBy"] == "sequence"
        assert c["name"] == add
    assert stored["duration"] == sum(c["duration"] for c in components)
    assert components[0]["start"] >= stored["start"] and components[-1]["end"] <= stored["end"]


def test_an_error_stops_the_sequence_and_is_its_result(ow: OwSession, add: str) -> None:
    fail = unique("fail")
    deploy(ow, fail, FAIL)
    name = unique("seq")
    assert sequence(ow, name, [f"/_/{add}", f"/_/{fail}", f"/_/{add}"]).status_code == 200
    r = ow.post(ow.ns(f"actions/{name}?blocking=true"), json={"n": 1})
    assert r.status_code == 502
    record = r.json()
    assert record["response"]["result"] == {"error": "no good: 11"}
    assert record["response"]["status"] == "application error"
    stored = get_record(ow, record["activationId"])
    assert len(stored["logs"]) == 2  # the third component never ran
    assert get_record(ow, stored["logs"][1])["name"] == fail
    r = ow.post(ow.ns(f"actions/{name}?blocking=true&result=true"), json={"n": 1})
    assert (r.status_code, r.json()) == (502, {"error": "no good: 11"})


def test_a_component_deleted_later(ow: OwSession, add: str) -> None:
    gone = unique("gone")
    deploy(ow, gone, ADD)
    name = unique("seq")
    assert sequence(ow, name, [f"/_/{add}", f"/_/{gone}"]).status_code == 200
    assert ow.delete(ow.ns(f"actions/{gone}")).status_code == 200
    r = ow.post(ow.ns(f"actions/{name}?blocking=true"), json={})
    assert r.status_code == 502
    assert r.json()["response"]["result"] == {"error": "Sequence component does not exist."}
    assert len(get_record(ow, r.json()["activationId"])["logs"]) == 1


def test_nested_sequence(ow: OwSession, add: str) -> None:
    inner, outer = unique("inner"), unique("outer")
    assert sequence(ow, inner, [f"/_/{add}", f"/_/{add}"]).status_code == 200
    assert sequence(ow, outer, [f"/_/{add}", f"/_/{inner}"]).status_code == 200
    record = ow.post(ow.ns(f"actions/{outer}?blocking=true&result=true"), json={"n": 0})
    assert record.json() == {"n": 30, "seen": 3}
    top = get_record(ow, record.headers["x-openwhisk-activation-id"])
    inner_record = get_record(ow, top["logs"][1])
    assert inner_record["name"] == inner and inner_record["cause"] == top["activationId"]
    notes = annotations(inner_record)
    assert notes["topmost"] is False and notes["causedBy"] == "sequence"
    assert all(get_record(ow, i)["cause"] == inner_record["activationId"] for i in inner_record["logs"])


def test_non_blocking_sequence(ow: OwSession, add: str) -> None:
    name = unique("seq")
    assert sequence(ow, name, [f"/_/{add}"] * 2).status_code == 200
    r = ow.post(ow.ns(f"actions/{name}"), json={"n": 2})
    assert r.status_code == 202
    record = get_record(ow, r.json()["activationId"])
    assert record["response"]["result"] == {"n": 22, "seen": 2}
    listed = ow.get(ow.ns(f"activations?name={name}")).json()
    assert [a["activationId"] for a in listed] == [record["activationId"]]


def test_a_sequence_in_flight_when_the_engine_dies_is_recorded_at_restart(start_engine, tmp_path) -> None:
    data, gate = tmp_path / "data", tmp_path / "gate"
    first = start_engine(data_dir=data)
    try:
        with OwSession(first) as ow:
            stuck, name = unique("stuck"), unique("seq")
            deploy(ow, stuck, STUCK)
            assert sequence(ow, name, [f"/_/{stuck}"]).status_code == 200
            params = {"gate": str(gate), "started": str(tmp_path / "started")}
            seq_id = ow.post(ow.ns(f"actions/{name}"), json=params).json()["activationId"]
            wait_for(tmp_path / "started")
        first.kill()
    finally:
        gate.touch()
    second = start_engine(data_dir=data)
    with OwSession(second) as ow:
        lost = get_record(ow, seq_id)
        assert lost["name"] == name and lost["response"]["status"] == "whisk internal error"
        assert annotations(lost)["kind"] == "sequence"
