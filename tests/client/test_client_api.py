"""The client against a real engine process: every action verb, invoke in each mode, map(), and the
size checks that refuse before sending."""

from __future__ import annotations

import io
import os
import zipfile

import pytest
from helpers.engine import unique

from jupyter_faas.errors import ActivationFailed, Conflict, InvalidRequest, NotFound, RequestTooLarge
from jupyter_faas.openwhisk import Client, Invocation

DOUBLE = "def main(args):\n    print('double', args.get('n'))\n    return {'n': args.get('n', 0) * 2}\n"
FAIL = "def main(args):\n    raise ValueError('no good: ' + str(args.get('n')))\n"


def test_create_get_list_update_delete(client: Client) -> None:
    name = unique("crud")
    created = client.actions.create(
        name,
        DOUBLE,
        kind="python:3.11",
        memory=128,
        timeout=5000,
        parameters={"n": 1},
        annotations={"owner": "tests"},
    )
    assert (created["name"], created["version"], created["limits"]["memory"]) == (name, "0.0.1", 128)
    assert {"key": "owner", "value": "tests"} in created["annotations"]
    got = client.actions.get(name)
    assert got["exec"]["code"] == DOUBLE and got["exec"]["kind"] == "python:3.11"
    assert "code" not in client.actions.get(name, code=False)["exec"]
    assert name in [a["name"] for a in client.actions.list(limit=200)]
    with pytest.raises(Conflict) as info:
        client.actions.create(name, DOUBLE, kind="python:3.11")
    assert name in str(info.value) and "update" in str(info.value)
    updated = client.actions.update(name, memory=256)  # no code: exec kept, limits merged
    assert updated["version"] == "0.0.2"
    assert (updated["limits"]["memory"], updated["limits"]["timeout"]) == (256, 5000)
    assert client.actions.invoke(name, blocking=True, result=True) == {"n": 2}  # default parameter kept
    client.actions.delete(name)
    with pytest.raises(NotFound) as info:
        client.actions.get(name)
    assert name in str(info.value) and info.value.status == 404 and info.value.code


def test_zip_action_with_main_and_a_module(client: Client) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("__main__.py", "import helper\ndef handler(args):\n    return {'v': helper.value()}\n")
        zf.writestr("helper.py", "def value():\n    return 42\n")
    name = unique("zip")
    action = client.actions.create(name, buffer.getvalue(), kind="python:3.11", main="handler")
    assert action["exec"]["binary"] is True and action["exec"]["main"] == "handler"
    assert client.actions.invoke(name, blocking=True, result=True) == {"v": 42}


def test_package_style_and_qualified_names_reach_the_same_action(client: Client) -> None:
    name = unique("qualified")
    client.actions.create(name, DOUBLE, kind="python:3.11")
    assert client.actions.get(f"/guest/{name}")["name"] == name
    assert client.actions.get(f"/_/{name}")["name"] == name


def test_blocking_invoke_record_and_result(client: Client) -> None:
    name = unique("blocking")
    client.actions.create(name, DOUBLE, kind="python:3.11")
    record = client.actions.invoke(name, {"n": 4}, blocking=True)
    assert record["response"] == {
        "result": {"n": 8},
        "size": record["response"]["size"],
        "status": "success",
        "success": True,
    }
    assert len(record["activationId"]) == 32
    assert client.actions.invoke(name, {"n": 5}, blocking=True, result=True) == {"n": 10}


def test_failed_activation_raises_with_record_and_id(client: Client) -> None:
    name = unique("fails")
    client.actions.create(name, FAIL, kind="python:3.11")
    with pytest.raises(ActivationFailed) as info:
        client.actions.invoke(name, {"n": 3}, blocking=True)
    assert "no good: 3" in str(info.value)
    assert info.value.activation_id and info.value.details["response"]["status"] == "application error"
    with pytest.raises(ActivationFailed) as info:
        client.actions.invoke(name, {"n": 4}, blocking=True, result=True)
    assert "no good: 4" in str(info.value) and info.value.activation_id
    handle = client.actions.invoke(name, {"n": 5})
    with pytest.raises(ActivationFailed):
        handle.result()
    assert handle.wait(check=False)["response"]["success"] is False
    assert any("no good: 5" in line for line in handle.logs())


def test_non_blocking_handle(client: Client) -> None:
    name = unique("handle")
    client.actions.create(name, DOUBLE, kind="python:3.11")
    handle = client.actions.invoke(name, {"n": 21})
    assert isinstance(handle, Invocation) and len(handle.activation_id) == 32
    assert handle.result() == {"n": 42}
    assert handle.wait()["activationId"] == handle.activation_id
    assert any(line.endswith("stdout: double 21") for line in handle.logs())
    assert client.activations.result(handle.activation_id)["result"] == {"n": 42}
    assert client.activations.get(handle.activation_id)["name"] == name


def test_activation_list_filters(client: Client) -> None:
    name = unique("listed")
    client.actions.create(name, DOUBLE, kind="python:3.11")
    ids = [client.actions.invoke(name, {"n": i}, blocking=True)["activationId"] for i in range(3)]
    listed = client.activations.list(name, limit=10)
    assert [r["activationId"] for r in listed] == ids[::-1]  # newest first
    assert all("response" not in r for r in listed)  # summaries
    full = client.activations.list(name, limit=1, docs=True)
    assert full[0]["activationId"] == ids[-1] and full[0]["response"]["result"] == {"n": 4}
    assert client.activations.count(name) == 3
    since = listed[0]["start"]
    assert ids[-1] in [r["activationId"] for r in client.activations.list(name, since=since)]
    assert client.activations.list(name, upto=listed[-1]["start"] - 1) == []


def test_namespaces_and_limits(client: Client) -> None:
    assert client.namespaces.list() == ["guest"]
    assert client.namespaces.limits()["concurrentInvocations"] >= 1


def test_map_200_inputs_concurrency_8_in_order(client: Client) -> None:
    name = unique("map")
    client.actions.create(name, DOUBLE, kind="python:3.11")
    inputs = [{"n": i} for i in range(200)]
    out = client.actions.map(name, inputs, concurrency=8, progress=False)
    assert out.ok and len(out) == 200
    assert out.results == [{"n": 2 * i} for i in range(200)]
    assert len(set(out.activation_ids)) == 200


def test_map_reports_failures_with_their_activation_ids(client: Client) -> None:
    name = unique("mapfail")
    code = (
        "def main(args):\n"
        "    if args['n'] % 3 == 0:\n"
        "        raise ValueError(f\"bad {args['n']}\")\n"
        "    return {'n': args['n']}\n"
    )
    client.actions.create(name, code, kind="python:3.11")
    out = client.actions.map(name, [{"n": i} for i in range(10)], concurrency=4, progress=False)
    assert [f.index for f in out.failures] == [0, 3, 6, 9]
    assert all(f.activation_id and f"bad {f.index}" in str(f.error) for f in out.failures)
    assert [r for i, r in enumerate(out.results) if i % 3] == [{"n": i} for i in range(10) if i % 3]
    assert client.activations.get(out.failures[1].activation_id)["response"]["success"] is False


def test_payload_over_1mb_is_refused_before_sending(client: Client) -> None:
    before = client.requests_issued
    with pytest.raises(RequestTooLarge) as info:
        client.actions.invoke("anything", {"blob": "x" * (1024 * 1024)})
    assert "1048576" in str(info.value) and "nothing was sent" in str(info.value)
    with pytest.raises(RequestTooLarge):
        client.actions.create("anything", DOUBLE, parameters={"blob": "x" * (1024 * 1024)})
    assert client.requests_issued == before


def test_zip_over_48mb_as_base64_is_refused_before_sending_with_the_numbers(client: Client) -> None:
    size = 38 * 1024 * 1024  # 38 MB of zip is 50.7 MB of base64
    before = client.requests_issued
    with pytest.raises(RequestTooLarge) as info:
        client.actions.create("big", os.urandom(16) * (size // 16), kind="python:3.11")
    text = str(info.value)
    assert str(size) in text and str(4 * ((size + 2) // 3)) in text and "50331648" in text
    assert "size plan" in text
    assert client.requests_issued == before


def test_bad_names_are_refused_before_sending(client: Client) -> None:
    before = client.requests_issued
    for bad in ("a$b", "/ns", "a/b/c/d"):
        with pytest.raises(InvalidRequest):
            client.actions.get(bad)
    assert client.requests_issued == before
