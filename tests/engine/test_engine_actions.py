"""Actions CRUD on a real engine: versions, merge rules, validation messages and statuses (upstream's)."""

from __future__ import annotations

import pytest
from helpers.engine import OwSession, deploy, unique
from helpers.zips import zip_b64

from jupyter_faas.runtime.node import node_kinds_found

CODE = "def main(args):\n    return {'hello': args.get('name', 'world')}\n"


def _err(r, status):
    assert r.status_code == status, r.text
    assert set(r.json()) == {"error", "code"}
    return r.json()["error"]


def test_create_returns_the_action_with_upstreams_defaults(ow: OwSession):
    name = unique("create")
    doc = deploy(ow, name, CODE, kind="python:default")
    assert doc["namespace"] == "guest" and doc["name"] == name
    assert doc["version"] == "0.0.1" and doc["publish"] is False
    assert doc["exec"] == {"kind": "python:3.10", "code": CODE, "binary": False}
    assert doc["annotations"] == [
        {"key": "provide-api-key", "value": False},
        {"key": "exec", "value": "python:3.10"},
    ]
    assert doc["limits"] == {"timeout": 60000, "memory": 256, "logs": 10, "concurrency": 1}
    assert doc["parameters"] == [] and isinstance(doc["updated"], int)


def test_update_bumps_patch_and_merges(ow: OwSession):
    name = unique("merge")
    deploy(
        ow,
        name,
        CODE,
        parameters=[{"key": "a", "value": 1}],
        annotations=[{"key": "provide-api-key", "value": True}, {"key": "x", "value": 1}],
        limits={"timeout": 5000, "memory": 128},
    )
    body = {"limits": {"memory": 256}, "annotations": [{"key": "x", "value": 2}, {"key": "y", "value": 3}]}
    doc = ow.put(ow.ns(f"actions/{name}?overwrite=true"), json=body).json()
    assert doc["version"] == "0.0.2"
    assert doc["exec"]["code"] == CODE  # absent exec keeps the old one
    assert doc["limits"] == {"timeout": 5000, "memory": 256, "logs": 10, "concurrency": 1}
    assert doc["parameters"] == [{"key": "a", "value": 1}]  # absent parameters are kept
    assert {a["key"]: a["value"] for a in doc["annotations"]} == {
        "provide-api-key": True,
        "x": 2,
        "y": 3,
        "exec": "python:3.11",
    }
    doc = ow.put(
        ow.ns(f"actions/{name}?overwrite=true"), json={"parameters": [{"key": "b", "value": 2}]}
    ).json()
    assert doc["version"] == "0.0.3"
    assert doc["parameters"] == [{"key": "b", "value": 2}]  # given parameters replace


def test_put_existing_without_overwrite_is_409(ow: OwSession):
    name = unique("conflict")
    deploy(ow, name, CODE)
    r = ow.put(ow.ns(f"actions/{name}"), json={"exec": {"kind": "python:3.11", "code": CODE}})
    assert _err(r, 409) == "resource already exists"


def test_get_with_and_without_code_and_delete(ow: OwSession):
    name = unique("get")
    deploy(ow, name, CODE)
    assert ow.get(ow.ns(f"actions/{name}")).json()["exec"]["code"] == CODE
    exec_ = ow.get(ow.ns(f"actions/{name}?code=false")).json()["exec"]
    assert exec_ == {"kind": "python:3.11", "binary": False}
    r = ow.delete(ow.ns(f"actions/{name}"))
    assert r.status_code == 200 and r.json()["name"] == name and r.json()["exec"]["code"] == CODE
    assert _err(ow.get(ow.ns(f"actions/{name}")), 404) == "The requested resource does not exist."
    assert _err(ow.delete(ow.ns(f"actions/{name}")), 404) == "The requested resource does not exist."


def test_zip_code_is_detected_as_binary(ow: OwSession):
    code = zip_b64({"__main__.py": CODE})
    doc = deploy(ow, unique("zip"), code)
    assert doc["exec"]["binary"] is True
    assert deploy(ow, unique("text"), "abcd")["exec"]["binary"] is True  # base64-shaped, as upstream decides


def test_blackbox_needs_an_image(ow: OwSession):
    name = unique("bb")
    r = ow.put(ow.ns(f"actions/{name}"), json={"exec": {"kind": "blackbox"}})
    assert _err(r, 400) == (
        "The request content was malformed:\n"
        "'image' must be a string defined in 'exec' for 'blackbox' actions"
    )
    body = {"exec": {"kind": "blackbox", "image": "example/img:1", "code": zip_b64({"__main__.py": CODE})}}
    doc = ow.put(ow.ns(f"actions/{name}"), json=body).json()
    assert doc["exec"]["kind"] == "blackbox" and doc["exec"]["image"] == "example/img:1"
    assert doc["exec"]["binary"] is True


def test_list_summaries_limit_skip_count(ow: OwSession):
    names = [unique("list") for _ in range(3)]
    for n in names:
        deploy(ow, n, CODE)
    listed = ow.get(ow.ns("actions?limit=3")).json()
    assert [a["name"] for a in listed] == names[::-1]  # newest first
    assert all(a["exec"] == {"binary": False} for a in listed)
    assert set(listed[0]) == {
        "namespace",
        "name",
        "version",
        "publish",
        "annotations",
        "limits",
        "exec",
        "updated",
    }
    assert [a["name"] for a in ow.get(ow.ns("actions?limit=1&skip=1")).json()] == [names[1]]
    total = ow.get(ow.ns("actions?count=true")).json()["actions"]
    assert total >= 3
    assert ow.get(ow.ns("actions?count=true&skip=1")).json() == {"actions": total - 1}
    assert len(ow.get(ow.ns("actions?limit=0")).json()) == min(total, 200)
    for _ in range(31 - total):
        deploy(ow, unique("fill"), CODE)
    assert len(ow.get(ow.ns("actions")).json()) == 30  # the default limit


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "limit=201",
            "The query parameter 'limit' was malformed:\n"
            "The value '201' is not in the range of 0 to 200 for actions.",
        ),
        (
            "limit=x",
            "The query parameter 'limit' was malformed:\nThe value 'x' is not an integer for actions.",
        ),
        (
            "skip=-1",
            "The query parameter 'skip' was malformed:\n"
            "The value '-1' is not greater than or equal to 0 for actions.",
        ),
    ],
)
def test_list_bad_paging_is_400(ow: OwSession, query, message):
    assert _err(ow.get(ow.ns(f"actions?{query}")), 400) == message


def test_package_names(ow: OwSession):
    pkg, name = unique("pkg"), unique("inpkg")
    r = ow.put(ow.ns(f"actions/{pkg}/{name}"), json={"exec": {"kind": "python:3.11", "code": CODE}})
    assert r.status_code == 200, r.text
    assert r.json()["namespace"] == f"guest/{pkg}"
    assert ow.get(ow.ns(f"actions/{pkg}/{name}")).json()["name"] == name
    assert [a["name"] for a in ow.get(ow.ns(f"actions/{pkg}/")).json()] == [name]
    assert name in [a["name"] for a in ow.get(ow.ns("actions?limit=0")).json()]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({}, 400, "exec undefined"),
        (
            {"exec": {"kind": "python:3", "code": CODE}},
            400,
            "The request content was malformed:\nThe specified runtime 'python:3' is not supported by this "
            "platform. Valid values are: 'blackbox', "
            + "".join(f"'{kind}', " for kind in node_kinds_found())  # nodejs:20 where node 20 is found
            + "'python:3.10', 'python:3.11', 'python:3.12', 'python:3.13', 'sequence'.",
        ),
        (
            {"exec": {"code": CODE}},
            400,
            "The request content was malformed:\n'kind' must be a string defined in 'exec'",
        ),
        (
            {"exec": {"kind": "python:3.11"}},
            400,
            "The request content was malformed:\n"
            "'code' must be a string or attachment object defined in 'exec' "
            "for 'python:3.11' actions",
        ),
        (
            {"exec": {"kind": "python:3.11", "code": CODE}, "limits": {"memory": 1024}},
            400,
            "memory size 1024 MB exceeds allowed threshold of 512 MB",
        ),
        (
            {"exec": {"kind": "python:3.11", "code": CODE}, "limits": {"memory": 64}},
            400,
            "memory size 64 MB below allowed threshold of 128 MB",
        ),
        (
            {"exec": {"kind": "python:3.11", "code": CODE}, "limits": {"timeout": 300001}},
            400,
            "duration 300001 milliseconds exceeds allowed threshold of 300000 milliseconds",
        ),
        (
            {"exec": {"kind": "python:3.11", "code": CODE}, "limits": {"timeout": 99}},
            400,
            "duration 99 milliseconds below allowed threshold of 100 milliseconds",
        ),
        (
            {"exec": {"kind": "python:3.11", "code": CODE}, "limits": {"logs": 11}},
            400,
            "log size 11 MB exceeds allowed threshold of 10 MB",
        ),
        (
            {"exec": {"kind": "python:3.11", "code": CODE}, "limits": {"concurrency": 2}},
            400,
            "concurrency 2 exceeds allowed threshold of 1",
        ),
        (
            {"exec": {"kind": "python:3.11", "code": CODE}, "limits": {"memory": 200.5}},
            400,
            "The request content was malformed:\nmemory limit must be whole number",
        ),
    ],
)
def test_put_validation_messages(ow: OwSession, body, status, message):
    assert _err(ow.put(ow.ns(f"actions/{unique('bad')}"), json=body), status) == message


def test_put_malformed_json_and_wrong_content_type(ow: OwSession):
    url = ow.ns(f"actions/{unique('bad')}")
    r = ow.put(url, data=b"{nope", headers={"Content-Type": "application/json"})
    assert _err(r, 400).startswith("The request content was malformed:\n")
    r = ow.put(url, data=b"{}", headers={"Content-Type": "text/plain"})
    assert (
        _err(r, 415)
        == "The request's Content-Type [text/plain] is not supported. Expected:\napplication/json"
    )


def test_code_size_is_measured_on_the_base64_string(ow: OwSession):
    limit = 50331648
    code = "A" * (limit + 4)  # base64-shaped, one quad over
    r = ow.put(ow.ns(f"actions/{unique('big')}"), json={"exec": {"kind": "python:3.11", "code": code}})
    assert _err(r, 413) == f"exec larger than allowed: {limit + 4} > {limit} bytes."


def test_parameters_over_1mb_are_413(ow: OwSession):
    params = [{"key": "p", "value": "x" * (1024 * 1024)}]
    r = ow.put(
        ow.ns(f"actions/{unique('big')}"),
        json={"exec": {"kind": "python:3.11", "code": CODE}, "parameters": params},
    )
    assert _err(r, 413).startswith("parameters larger than allowed: ")


@pytest.mark.parametrize(
    ("segment", "message"),
    [
        ("bad%21name", "The name of the entity contains illegal characters."),
        ("-leading", "The name of the entity contains illegal characters."),
        ("a" * 257, "Name segement longer than allowed: 257 > 256."),
    ],
)
def test_bad_names_are_400(ow: OwSession, segment, message):
    r = ow.put(ow.ns(f"actions/{segment}"), json={"exec": {"kind": "python:3.11", "code": CODE}})
    assert _err(r, 400) == message


def test_names_with_spaces_and_at_are_valid(ow: OwSession):
    r = ow.put(ow.ns("actions/my%20action@v1"), json={"exec": {"kind": "python:3.11", "code": CODE}})
    assert r.status_code == 200 and r.json()["name"] == "my action@v1"
