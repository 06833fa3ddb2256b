"""Invoking actions on a real engine that runs them in real processes: every row of the contract's invoke
table and of the activation record's status mapping."""

from __future__ import annotations

import pytest
from helpers.engine import GATED, OwSession, annotations, deploy, invoke, poll, unique
from helpers.zips import zip_b64

MB = 1024 * 1024
BAD_TIMEOUT = (
    "The query parameter 'timeout' was malformed:\nTimeout must be number of milliseconds up to 60000."
)


@pytest.fixture(scope="module")
def echo(engine) -> str:
    with OwSession(engine) as ow:
        name = unique("echo")
        code = (
            "import os\n"
            "def main(args):\n"
            "    print('hello from', args.get('who', 'nobody'))\n"
            "    return {'args': args, 'id': os.environ.get('__OW_ACTIVATION_ID'),\n"
            "            'key': os.environ.get('__OW_API_KEY'), 'name': os.environ.get('__OW_ACTION_NAME')}\n"
        )
        deploy(ow, name, code, parameters=[{"key": "a", "value": 1}, {"key": "b", "value": 2}])
        return name


def test_blocking_success_record(ow: OwSession, echo):
    r = invoke(ow, echo, {"b": 3, "who": "test"})
    assert r.status_code == 200, r.text
    record = r.json()
    aid = record["activationId"]
    assert r.headers["x-openwhisk-activation-id"] == aid and len(aid) == 32 and aid == aid.lower()
    int(aid, 16)
    assert record["response"]["status"] == "success" and record["response"]["success"] is True
    result = record["response"]["result"]
    assert result["args"] == {"a": 1, "b": 3, "who": "test"}  # payload over defaults
    assert result["id"] == aid and result["name"] == f"/guest/{echo}"
    assert result["key"] is None  # provide-api-key is false on create
    assert record["logs"] == []  # a blocking response never carries logs
    assert record["namespace"] == "guest" and record["subject"] == "guest" and record["name"] == echo
    assert record["version"] == "0.0.1" and record["publish"] is False
    assert record["duration"] == record["end"] - record["start"]
    keys = [a["key"] for a in record["annotations"]]
    assert keys[:4] == ["limits", "path", "kind", "timeout"] and keys[-1] == "waitTime"
    ann = annotations(record)
    assert ann["path"] == f"guest/{echo}" and ann["kind"] == "python:3.11" and ann["timeout"] is False
    stored = poll(ow, aid)
    assert any(line.endswith(" stdout: hello from test") for line in stored["logs"]), stored["logs"]
    assert ow.get(ow.ns(f"activations/{aid}/logs")).json() == {"logs": stored["logs"]}


def test_cold_then_warm_reuses_globals(ow: OwSession):
    name = unique("warm")
    deploy(
        ow,
        name,
        "COUNT = 0\ndef main(args):\n    global COUNT\n    COUNT += 1\n    return {'count': COUNT}\n",
    )
    first, second = invoke(ow, name).json(), invoke(ow, name).json()
    assert "initTime" in annotations(first) and "initTime" not in annotations(second)
    assert (first["response"]["result"]["count"], second["response"]["result"]["count"]) == (1, 2)
    deploy(ow, name, "def main(args):\n    return {'count': 'new'}\n")  # an update makes the next run cold
    third = invoke(ow, name).json()
    assert "initTime" in annotations(third) and third["response"]["result"] == {"count": "new"}


def test_result_true_returns_only_the_result(ow: OwSession, echo):
    r = invoke(ow, echo, {"x": 1}, result="true")
    assert r.status_code == 200 and r.json()["args"]["x"] == 1 and "activationId" not in r.json()
    assert len(r.headers["x-openwhisk-activation-id"]) == 32


def test_non_blocking_is_202_then_stored(ow: OwSession, echo):
    r = ow.post(ow.ns(f"actions/{echo}"), json={"who": "nb"})
    assert r.status_code == 202
    aid = r.json()["activationId"]
    assert r.json() == {"activationId": aid} and r.headers["x-openwhisk-activation-id"] == aid
    record = poll(ow, aid)
    assert record["response"]["result"]["args"]["who"] == "nb"
    assert ow.get(ow.ns(f"activations/{aid}/result")).json() == record["response"]


@pytest.mark.parametrize("value", ["0", "60001", "-5", "soon"])
def test_bad_wait_timeout_is_400(ow: OwSession, echo, value):
    r = invoke(ow, echo, timeout=value)
    assert r.status_code == 400 and r.json()["error"] == BAD_TIMEOUT


def test_payload_over_1mb_is_413(ow: OwSession, echo):
    body = b'{"x":"' + b"a" * MB + b'"}'
    r = ow.post(
        ow.ns(f"actions/{echo}?blocking=true"), data=body, headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 413
    assert r.json()["error"] == f"Request larger than allowed: {len(body)} > 1048576 bytes."


def test_missing_action_is_404(ow: OwSession):
    r = invoke(ow, unique("missing"))
    assert r.status_code == 404 and r.json()["error"] == "The requested resource does not exist."


def test_provide_api_key_passes_the_key(ow: OwSession, engine):
    name = unique("key")
    code = (
        "import os\n"
        "def main(a):\n"
        "    return {'key': os.environ.get('__OW_API_KEY'), 'host': os.environ['__OW_API_HOST']}\n"
    )
    deploy(ow, name, code, annotations=[{"key": "provide-api-key", "value": True}])
    result = invoke(ow, name, result="true").json()
    assert result == {"key": engine.auth, "host": engine.apihost}


@pytest.mark.parametrize(
    ("code", "status", "statuscode", "error"),
    [
        ("def main(a):\n    return {'error': 'boom'}\n", 502, "application error", "boom"),
        ("def main(a):\n    raise ValueError('bad input')\n", 502, "application error", "bad input"),
        (
            "def main(a):\n    return 42\n",
            502,
            "action developer error",
            "The action did not return a dictionary or array.",
        ),
        (
            "import os\nos._exit(3)\ndef main(a):\n    return {}\n",
            502,
            "action developer error",
            "The action did not initialize and exited unexpectedly.",
        ),
        (
            "import os\ndef main(a):\n    os._exit(3)\n",
            502,
            "action developer error",
            "The action did not produce a valid response and exited unexpectedly.",
        ),
    ],
    ids=["returns-error", "raises", "not-a-dict", "crash-at-init", "crash-at-run"],
)
def test_failures_map_to_status_and_502(ow: OwSession, code, status, statuscode, error):
    name = unique("fail")
    deploy(ow, name, code)
    r = invoke(ow, name)
    assert r.status_code == status, r.text
    record = r.json()
    assert record["response"]["status"] == statuscode and record["response"]["success"] is False
    assert error in record["response"]["result"]["error"]
    r = invoke(ow, name, result="true")
    assert r.status_code == status and error in r.json()["error"]


def test_array_result_is_returned_as_is(ow: OwSession):
    name = unique("array")
    deploy(ow, name, "def main(a):\n    return [1, {'two': 2}]\n")
    r = invoke(ow, name)
    assert r.status_code == 200 and r.json() == [1, {"two": 2}]
    aid = r.headers["x-openwhisk-activation-id"]
    assert poll(ow, aid)["response"]["result"] == [1, {"two": 2}]


def test_time_limit(ow: OwSession):
    name = unique("slow")
    deploy(ow, name, "import time\ndef main(a):\n    time.sleep(5)\n    return {}\n", limits={"timeout": 300})
    r = invoke(ow, name)
    assert r.status_code == 502
    record = r.json()
    assert record["response"]["status"] == "action developer error"
    assert record["response"]["result"]["error"] == "The action exceeded its time limits of 300 milliseconds."
    assert annotations(record)["timeout"] is True


def test_memory_limit(ow: OwSession):
    name = unique("hog")
    code = "def main(a):\n    block = bytearray(400 * 1024 * 1024)\n    return {'n': len(block)}\n"
    deploy(ow, name, code, limits={"memory": 128})
    r = invoke(ow, name)
    assert r.status_code == 502, r.text
    record = r.json()
    assert record["response"]["status"] == "action developer error"
    assert record["response"]["result"]["error"] == "The action exhausted its memory and was aborted."


def test_result_over_1mb_is_an_application_error(ow: OwSession):
    name = unique("huge")
    deploy(ow, name, "def main(a):\n    return {'x': 'a' * (1024 * 1024)}\n")
    r = invoke(ow, name)
    assert r.status_code == 502
    record = r.json()
    assert record["response"]["status"] == "application error"
    assert record["response"]["result"]["error"].startswith(
        "The action produced a response that exceeded the allowed length: "
    )
    assert "> 1048576 bytes." in record["response"]["result"]["error"]


def test_result_just_under_1mb_succeeds(ow: OwSession):
    name = unique("big")
    deploy(ow, name, "def main(a):\n    return {'x': 'a' * (1024 * 1024 - 100)}\n")
    r = invoke(ow, name)
    assert r.status_code == 200 and len(r.json()["response"]["result"]["x"]) == MB - 100


def test_zip_action_with_helper_module_and_data_file(ow: OwSession):
    name = unique("zip")
    code = zip_b64(
        {
            "__main__.py": "from helper import greet\n"
            "def main(a):\n    return {'msg': greet(a.get('name', 'x')), 'data': open('data.txt').read()}\n",
            "helper.py": "def greet(n):\n    return 'hello ' + n\n",
            "data.txt": "payload",
        }
    )
    assert deploy(ow, name, code)["exec"]["binary"] is True
    r = invoke(ow, name, {"name": "zip"}, result="true")
    assert r.status_code == 200 and r.json() == {"msg": "hello zip", "data": "payload"}


def test_zip_slip_is_rejected(ow: OwSession, tmp_path):
    name = unique("slip")
    target = f"../../../../../../../../tmp/{unique('slipped')}.py"
    code = zip_b64({"__main__.py": "def main(a):\n    return {}\n", target: "x = 1\n"})
    deploy(ow, name, code)
    r = invoke(ow, name)
    assert r.status_code == 502, r.text
    assert r.json()["response"]["status"] == "action developer error"
    import pathlib

    assert not pathlib.Path("/tmp", pathlib.Path(target).name).exists()


def test_blocking_wait_runs_out_then_the_activation_is_stored(ow: OwSession, tmp_path):
    name = unique("demote")
    code = GATED
    deploy(ow, name, code)
    gate = tmp_path / "gate"
    r = invoke(ow, name, {"gate": str(gate)}, timeout="500")  # the action waits for the gate: 500 ms run out
    assert r.status_code == 202, r.text
    aid = r.json()["activationId"]
    assert r.json() == {"activationId": aid} and r.headers["x-openwhisk-activation-id"] == aid
    assert ow.get(ow.ns(f"activations/{aid}")).status_code == 404  # not stored until it ends
    gate.touch()
    record = poll(ow, aid)
    assert record["response"]["result"] == {"done": True}


def test_python_310_kind_runs_on_python_310(ow: OwSession):
    name = unique("py310")
    deploy(
        ow,
        name,
        "import sys\ndef main(a):\n    return {'v': list(sys.version_info[:2])}\n",
        kind="python:default",
    )
    r = invoke(ow, name)
    assert r.status_code == 200 and r.json()["response"]["result"] == {"v": [3, 10]}
    assert annotations(r.json())["kind"] == "python:3.10"


def test_logs_over_the_limit_are_truncated_with_upstreams_line(ow: OwSession):
    name = unique("logs")
    deploy(ow, name, "def main(a):\n    print('x' * 2000)\n    return {}\n", limits={"logs": 0})
    aid = invoke(ow, name).headers["x-openwhisk-activation-id"]
    logs = poll(ow, aid)["logs"]
    assert logs[-1].endswith(
        "Logs were truncated because the total bytes size exceeds the limit of 0 bytes."
    ), logs


def test_blackbox_with_an_unknown_image_is_a_developer_error(ow: OwSession):
    name = unique("noimage")
    body = {
        "exec": {
            "kind": "blackbox",
            "image": "example/nothing-here:1",
            "code": "def main(a):\n    return {}\n",
        }
    }
    assert ow.put(ow.ns(f"actions/{name}"), json=body).status_code == 200
    r = invoke(ow, name)
    assert r.status_code == 502
    assert r.json()["response"]["status"] == "action developer error"
    assert (
        r.json()["response"]["result"]["error"] == "Failed to pull container image 'example/nothing-here:1'."
    )
