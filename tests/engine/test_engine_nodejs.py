"""The Node.js kind over real HTTP: this machine's node running actions as upstream's
``openwhisk/action-nodejs-v20`` does (``runner.js``, ``service.js``): ``main`` or ``exports.main`` of plain
code, a zip's ``package.json``/``index.js`` and ``file.fn`` entry points, sync and promise results, what
a throw or a rejection becomes, logs, the time limit, warm reuse; and the kind's absence said where node is
missing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from helpers.engine import OwSession, deploy, unique
from helpers.zips import zip_b64

from jupyter_faas.contract import NODE_KINDS
from jupyter_faas.runtime.node import node_kinds_found

pytestmark = pytest.mark.skipif(
    "nodejs:20" not in node_kinds_found(),
    reason="no Node.js 20 on this machine (npm needs one for make test)",
)


def invoke(ow: OwSession, name: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """A blocking invoke, then the stored record (the blocking answer carries no logs, as upstream's, and is
    the bare result when that is an array)."""
    r = ow.post(ow.ns(f"actions/{name}?blocking=true"), json=params or {})
    assert r.status_code in (200, 502), r.text
    stored = ow.get(ow.ns(f"activations/{r.headers['x-openwhisk-activation-id']}"))
    assert stored.status_code == 200, stored.text
    record: dict[str, Any] = stored.json()
    answered = r.json()
    said = record["response"]["result"] if isinstance(answered, list) else record["response"]
    assert (answered if isinstance(answered, list) else answered["response"]) == said
    return record


def node_action(ow: OwSession, code: str, **fields: Any) -> str:
    name = unique("node")
    deploy(ow, name, code, kind=fields.pop("kind", "nodejs:20"), **fields)
    return name


def test_the_manifest_lists_the_nodejs_family_and_default_resolves(ow: OwSession) -> None:
    info = ow.get(ow.engine.apihost + "/").json()
    family = info["runtimes"]["nodejs"]
    assert [k["kind"] for k in family] == node_kinds_found()
    assert [k["kind"] for k in family if k["default"]] == ["nodejs:20"]
    name = unique("node-default")
    doc = deploy(ow, name, "function main() { return {ok: true} }", kind="nodejs:default")
    assert doc["exec"]["kind"] == "nodejs:20"
    assert {"key": "exec", "value": "nodejs:20"} in doc["annotations"]
    assert invoke(ow, name)["response"]["result"] == {"ok": True}


def test_main_sync_result_logs_environment_and_warm_reuse(ow: OwSession) -> None:
    code = """
let calls = 0;
function main(params) {
  calls += 1;
  console.log('hello', params.name);
  console.error('to stderr');
  return {greeting: 'Hello ' + params.name, calls, id: process.env.__OW_ACTIVATION_ID,
          action: process.env.__OW_ACTION_NAME, ns: process.env.__OW_NAMESPACE,
          deadline: Number(process.env.__OW_DEADLINE) > Date.now(), node: process.version.split('.')[0]};
}
"""
    name = node_action(ow, code)
    first = invoke(ow, name, {"name": "Ann"})
    assert first["response"]["status"] == "success", first["response"]
    result = first["response"]["result"]
    assert result["greeting"] == "Hello Ann" and result["calls"] == 1
    assert result["id"] == first["activationId"] and result["action"].endswith("/" + name)
    assert result["ns"] == "guest" and result["deadline"] is True and result["node"] == "v20"
    assert [line.split(" ", 1)[1] for line in first["logs"]] == ["stdout: hello Ann", "stderr: to stderr"]
    keys = {a["key"] for a in first["annotations"]}
    assert "initTime" in keys  # cold
    second = invoke(ow, name, {"name": "Bo"})
    assert second["response"]["result"]["calls"] == 2  # the same process: warm
    assert "initTime" not in {a["key"] for a in second["annotations"]}


def test_exports_main_promises_and_an_alternative_entry_point(ow: OwSession) -> None:
    name = node_action(ow, "exports.main = p => new Promise(r => setTimeout(() => r({late: p.x}), 50))")
    assert invoke(ow, name, {"x": 7})["response"]["result"] == {"late": 7}
    other = node_action(ow, "function hello(p) { return {hi: p.who} }", exec_fields={"main": "hello"})
    assert invoke(ow, other, {"who": "you"})["response"]["result"] == {"hi": "you"}
    empty = node_action(ow, "function main() { return; }")
    assert invoke(ow, empty)["response"]["result"] == {}
    listed = node_action(ow, "function main() { return [1, 'two'] }")
    assert invoke(ow, listed)["response"]["result"] == [1, "two"]


def test_a_rejection_is_an_application_error_with_the_serialized_error(ow: OwSession) -> None:
    name = node_action(
        ow, "function main() { const e = new Error('no way'); e.code = 42; return Promise.reject(e) }"
    )
    record = invoke(ow, name)
    assert record["response"]["status"] == "application error"
    error = record["response"]["result"]["error"]
    assert list(error) == ["code", "name", "message", "stack"]  # serialize-error's order
    assert error["code"] == 42 and error["name"] == "Error" and error["message"] == "no way"
    assert error["stack"].startswith("Error: no way\n")
    plain = node_action(ow, "function main() { return Promise.reject() }")
    assert invoke(ow, plain)["response"]["result"] == {"error": {}}
    said = node_action(ow, "function main() { return {error: 'said so'} }")
    response = invoke(ow, said)["response"]
    assert response["status"] == "application error" and response["result"] == {"error": "said so"}


def test_a_throw_or_a_non_object_is_a_developer_error_and_the_container_goes(ow: OwSession) -> None:
    name = node_action(ow, "let n = 0; function main() { n += 1; throw new Error('boom ' + n) }")
    for _ in range(2):  # each run a new container: the first one was destroyed
        record = invoke(ow, name)
        assert record["response"]["status"] == "action developer error"
        assert record["response"]["result"] == {"error": "An error has occurred: Error: boom 1"}
        assert any("stderr: Error: boom 1" in line for line in record["logs"])
    number = node_action(ow, "function main() { return 3 }")
    record = invoke(ow, number)
    assert record["response"]["result"] == {"error": "The action did not return a dictionary."}
    assert any('Result must be of type object but has type "number": 3' in line for line in record["logs"])


def test_init_failures_say_what_upstream_says(ow: OwSession) -> None:
    missing = node_action(ow, "const x = 1")
    record = invoke(ow, missing)
    assert record["response"]["status"] == "action developer error"
    assert record["response"]["result"] == {
        "error": "Initialization has failed due to: Action entrypoint 'main' is not a function."
    }
    assert any("Error during initialization: Action entrypoint 'main'" in line for line in record["logs"])
    broken = node_action(ow, "function main( { }")
    error = invoke(ow, broken)["response"]["result"]["error"]
    assert error.startswith("Initialization has failed due to: ") and "SyntaxError" in error


def test_zips_with_package_json_index_js_and_file_dot_function(ow: OwSession) -> None:
    package = zip_b64(
        {
            "package.json": json.dumps({"name": "app", "main": "lib/app.js"}),
            "lib/app.js": "const h = require('./helper'); exports.main = p => ({v: h.v, p})",
            "lib/helper.js": "exports.v = 42",
            "node_modules/left/index.js": "module.exports = s => '<' + s",
        }
    )
    name = node_action(ow, package)
    assert invoke(ow, name, {"a": 1})["response"]["result"] == {"v": 42, "p": {"a": 1}}
    index = zip_b64(
        {
            "index.js": "const left = require('left'); exports.main = () => ({s: left('x')})",
            "node_modules/left/index.js": "module.exports = s => '<' + s",
        }
    )
    assert invoke(ow, node_action(ow, index))["response"]["result"] == {"s": "<x"}
    dotted = zip_b64({"handlers.js": "exports.greet = () => ({hi: 1})"})
    name = node_action(ow, dotted, exec_fields={"main": "handlers.greet"})
    assert invoke(ow, name)["response"]["result"] == {"hi": 1}
    bare = zip_b64({"other.js": "exports.main = () => ({})"})
    result = invoke(ow, node_action(ow, bare))["response"]["result"]
    assert result == {
        "error": "Initialization has failed due to: "
        "Zipped actions must contain either package.json or index.js at the root."
    }


def test_the_time_limit_ends_a_node_action(ow: OwSession) -> None:
    name = node_action(ow, "function main() { return new Promise(() => {}) }", limits={"timeout": 500})
    record = invoke(ow, name)
    assert record["response"]["status"] == "action developer error"
    assert "The action exceeded its time limits of 500 milliseconds." in record["response"]["result"]["error"]


def test_a_kind_whose_node_is_missing_is_refused_with_why(ow: OwSession) -> None:
    absent = [kind for kind in NODE_KINDS if kind not in node_kinds_found()]
    if not absent:
        pytest.skip("every Node.js kind of the contract has its node here")
    kind = absent[0]
    r = ow.put(
        ow.ns(f"actions/{unique('absent')}"), json={"exec": {"kind": kind, "code": "function main(){}"}}
    )
    assert r.status_code == 400
    error = r.json()["error"]
    assert f"The specified runtime '{kind}' is not supported by this platform." in error
    assert "'nodejs:20'" in error  # the kinds it has are listed
    major = NODE_KINDS[kind].major
    assert f"No Node.js {major} found" in error and f"JUPYTER_FAAS_NODE_{major}" in error


def test_the_memory_limit_ends_a_node_action(ow: OwSession) -> None:
    code = "function main() { const b = Buffer.alloc(400 * 1024 * 1024, 1); return {n: b.length} }"
    record = invoke(ow, node_action(ow, code, limits={"memory": 128}))
    assert record["response"]["status"] == "action developer error"
    assert record["response"]["result"] == {"error": "The action exhausted its memory and was aborted."}
