"""Triggers, rules and packages against a real engine over HTTP: CRUD with upstream's shapes and messages,
firing (204 without an active rule; 202 and one log line per rule in the trigger's record), parameters
merged (trigger < payload), a disabled rule, a deleted action under a rule, a rule whose trigger is gone,
package parameters and bindings, and 100 fires of one trigger with every caused activation recorded once."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import requests
from helpers.engine import OwSession, deploy, unique

from jupyter_faas.engine import EngineHandle

ECHO = "def main(args):\n    return {'got': {k: v for k, v in args.items() if k != '__ow_headers'}}\n"


def get_record(ow: requests.Session, url: str) -> dict[str, Any]:
    for _ in range(500):
        r = ow.get(url)
        if r.status_code == 200:
            record: dict[str, Any] = r.json()
            return record
        assert r.status_code == 404, r.text
        time.sleep(0.02)
    raise AssertionError(f"no record at {url}")


def rule_lines(ow: OwSession, activation_id: str) -> list[dict[str, Any]]:
    record = get_record(ow, ow.ns(f"activations/{activation_id}"))
    return [json.loads(line) for line in record["logs"]]


def put(ow: OwSession, path: str, body: dict[str, Any], overwrite: bool = False) -> requests.Response:
    return ow.put(ow.ns(path + ("?overwrite=true" if overwrite else "")), json=body)


def test_trigger_crud(ow: OwSession) -> None:
    name = unique("t")
    r = put(ow, f"triggers/{name}", {"parameters": [{"key": "a", "value": 1}]})
    assert r.status_code == 200
    doc = r.json()
    assert list(doc) == ["namespace", "name", "parameters", "limits", "version", "publish", "annotations",
                         "updated"]  # fmt: skip
    assert (doc["namespace"], doc["version"], doc["limits"]) == ("guest", "0.0.1", {})
    r = put(ow, f"triggers/{name}", {})
    assert (r.status_code, r.json()["error"]) == (409, "resource already exists")
    r = put(ow, f"triggers/{name}", {"annotations": [{"key": "x", "value": "y"}]}, overwrite=True)
    assert r.json()["version"] == "0.0.2" and r.json()["parameters"] == [{"key": "a", "value": 1}]
    assert name in [t["name"] for t in ow.get(ow.ns("triggers")).json()]
    assert ow.get(ow.ns("triggers?count=true")).json()["triggers"] >= 1
    assert ow.delete(ow.ns(f"triggers/{name}")).json()["name"] == name
    r = ow.get(ow.ns(f"triggers/{name}"))
    assert (r.status_code, r.json()["error"]) == (404, "The requested resource does not exist.")
    assert ow.post(ow.ns(f"triggers/{name}"), json={}).status_code == 404


def test_fire_without_rule_is_204(ow: OwSession) -> None:
    name = unique("t")
    assert put(ow, f"triggers/{name}", {}).status_code == 200
    r = ow.post(ow.ns(f"triggers/{name}"), json={"x": 1})
    assert (r.status_code, r.content) == (204, b"")


def test_rule_lifecycle_and_fire(ow: OwSession) -> None:
    trigger, action, rule = unique("t"), unique("a"), unique("r")
    put(ow, f"triggers/{trigger}", {"parameters": [{"key": "a", "value": 1}, {"key": "b", "value": 2}]})
    deploy(ow, action, ECHO)
    r = put(ow, f"rules/{rule}", {"trigger": f"/_/{trigger}", "action": f"/_/{action}"})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["status"] == "active"
    assert doc["trigger"] == {"path": "guest", "name": trigger}
    assert doc["action"] == {"path": "guest", "name": action}
    t = ow.get(ow.ns(f"triggers/{trigger}")).json()
    assert t["rules"] == {f"guest/{rule}": {"action": {"path": "guest", "name": action}, "status": "active"}}

    r = ow.post(ow.ns(f"triggers/{trigger}"), json={"b": 20, "c": 3})
    assert r.status_code == 202
    tid = r.json()["activationId"]
    assert r.headers["x-openwhisk-activation-id"] == tid
    trigger_record = get_record(ow, ow.ns(f"activations/{tid}"))
    assert trigger_record["name"] == trigger
    assert trigger_record["response"]["result"] == {"b": 20, "c": 3}
    assert "end" not in trigger_record and "duration" not in trigger_record
    (line,) = [json.loads(x) for x in trigger_record["logs"]]
    assert list(line) == ["statusCode", "success", "activationId", "rule", "action"]
    assert (line["statusCode"], line["success"]) == (0, True)
    assert (line["rule"], line["action"]) == (f"guest/{rule}", f"guest/{action}")
    caused = get_record(ow, ow.ns(f"activations/{line['activationId']}"))
    assert caused["response"]["result"] == {"got": {"a": 1, "b": 20, "c": 3}}

    # disable: the only rule is inactive, so nothing fires
    r = ow.post(ow.ns(f"rules/{rule}"), json={"status": "inactive"})
    assert r.status_code == 200
    assert ow.get(ow.ns(f"rules/{rule}")).json()["status"] == "inactive"
    assert ow.post(ow.ns(f"triggers/{trigger}"), json={}).status_code == 204
    assert ow.post(ow.ns(f"rules/{rule}"), json={"status": "inactive"}).status_code == 200  # no change
    r = ow.post(ow.ns(f"rules/{rule}"), json={"status": "paused"})
    assert r.status_code == 400
    assert r.json()["error"] == (
        "The request content was malformed:\n'paused' is not a recognized rule state, must be one of "
        "['active', 'inactive']"
    )
    assert ow.post(ow.ns(f"rules/{rule}"), json={"status": "active"}).status_code == 200
    assert ow.get(ow.ns(f"rules/{rule}")).json()["status"] == "active"

    # delete: the trigger forgets the rule
    r = ow.delete(ow.ns(f"rules/{rule}"))
    assert (r.status_code, r.json()["status"]) == (200, "inactive")
    assert ow.get(ow.ns(f"triggers/{trigger}")).json()["rules"] == {}
    assert ow.post(ow.ns(f"triggers/{trigger}"), json={}).status_code == 204


def test_rule_errors(ow: OwSession) -> None:
    trigger, action, rule = unique("t"), unique("a"), unique("r")
    put(ow, f"triggers/{trigger}", {})
    deploy(ow, action, ECHO)
    r = put(ow, f"rules/{rule}", {"trigger": "/_/nope", "action": f"/_/{action}"})
    assert (r.status_code, r.json()["error"]) == (400, "trigger /guest/nope does not exist")
    r = put(ow, f"rules/{rule}", {"trigger": f"/_/{trigger}", "action": "/_/nope"})
    assert (r.status_code, r.json()["error"]) == (400, "action /guest/nope does not exist")
    r = put(ow, f"rules/{rule}", {"trigger": f"/_/{trigger}"})
    assert (r.status_code, r.json()["error"]) == (400, "rule requires a valid trigger and a valid action")
    assert put(ow, f"rules/{rule}", {"trigger": f"/_/{trigger}", "action": f"/_/{action}"}).status_code == 200
    r = put(ow, f"rules/{rule}", {"trigger": f"/_/{trigger}", "action": f"/_/{action}"})
    assert (r.status_code, r.json()["error"]) == (409, "resource already exists")
    # the trigger is deleted: the rule is inactive and cannot be enabled
    ow.delete(ow.ns(f"triggers/{trigger}"))
    assert ow.get(ow.ns(f"rules/{rule}")).json()["status"] == "inactive"
    r = ow.post(ow.ns(f"rules/{rule}"), json={"status": "active"})
    assert (r.status_code, r.json()["error"]) == (404, "Only rules with existing triggers can be activated")
    assert rule in [x["name"] for x in ow.get(ow.ns("rules")).json()]


def test_inactive_rule_beside_an_active_one_and_a_deleted_action(ow: OwSession) -> None:
    trigger, kept, gone = unique("t"), unique("kept"), unique("gone")
    put(ow, f"triggers/{trigger}", {})
    deploy(ow, kept, ECHO)
    deploy(ow, gone, ECHO)
    r_kept, r_off, r_gone = unique("r"), unique("r"), unique("r")
    for rule, action in ((r_kept, kept), (r_off, kept), (r_gone, gone)):
        assert (
            put(ow, f"rules/{rule}", {"trigger": f"/_/{trigger}", "action": f"/_/{action}"}).status_code
            == 200
        )
    ow.post(ow.ns(f"rules/{r_off}"), json={"status": "inactive"})
    ow.delete(ow.ns(f"actions/{gone}"))
    r = ow.post(ow.ns(f"triggers/{trigger}"), json={"k": 1})
    assert r.status_code == 202
    lines = {x["rule"]: x for x in rule_lines(ow, r.json()["activationId"])}
    assert lines[f"guest/{r_kept}"]["success"] is True
    assert lines[f"guest/{r_off}"] == {
        "statusCode": 1,
        "success": False,
        "error": f"Rule 'guest/{r_off}' is inactive, action 'guest/{kept}' was not activated.",
        "rule": f"guest/{r_off}",
        "action": f"guest/{kept}",
    }
    assert lines[f"guest/{r_gone}"] == {
        "statusCode": 1,
        "success": False,
        "error": "The requested resource does not exist.",
        "rule": f"guest/{r_gone}",
        "action": f"guest/{gone}",
    }
    record = get_record(ow, ow.ns(f"activations/{lines[f'guest/{r_kept}']['activationId']}"))
    assert record["response"]["result"]["got"] == {"k": 1}


def test_a_rule_fires_a_sequence(ow: OwSession) -> None:
    trigger, action, seq, rule = unique("t"), unique("a"), unique("s"), unique("r")
    put(ow, f"triggers/{trigger}", {})
    deploy(ow, action, "def main(args):\n    return {'n': args.get('n', 0) + 1}\n")
    ow.put(ow.ns(f"actions/{seq}"), json={"exec": {"kind": "sequence", "components": [f"/_/{action}"] * 2}})
    put(ow, f"rules/{rule}", {"trigger": f"/_/{trigger}", "action": f"/_/{seq}"})
    r = ow.post(ow.ns(f"triggers/{trigger}"), json={"n": 5})
    (line,) = rule_lines(ow, r.json()["activationId"])
    record = get_record(ow, ow.ns(f"activations/{line['activationId']}"))
    assert record["name"] == seq and record["response"]["result"] == {"n": 7}
    assert len(record["logs"]) == 2


def test_packages_parameters_and_bindings(ow: OwSession) -> None:
    pkg, binding = unique("p"), unique("b")
    r = put(ow, f"packages/{pkg}", {"parameters": [{"key": "who", "value": "pkg"}, {"key": "x", "value": 1}]})
    assert r.status_code == 200 and r.json()["binding"] == {}
    deploy(ow, f"{pkg}/echo", ECHO, parameters=[{"key": "own", "value": True}])
    r = ow.post(ow.ns(f"actions/{pkg}/echo?blocking=true&result=true"), json={"x": 2})
    assert r.json() == {"got": {"who": "pkg", "x": 2, "own": True}}
    r = put(ow, f"packages/{binding}", {"binding": {"namespace": "_", "name": pkg},
                                        "parameters": [{"key": "who", "value": "binding"}]})  # fmt: skip
    assert r.status_code == 200
    assert {"key": "binding", "value": {"namespace": "guest", "name": pkg}} in r.json()["annotations"]
    r = ow.post(ow.ns(f"actions/{binding}/echo?blocking=true&result=true"), json={})
    assert r.json() == {"got": {"who": "binding", "x": 1, "own": True}}
    got = ow.get(ow.ns(f"packages/{binding}")).json()
    assert [a["name"] for a in got["actions"]] == ["echo"]
    r = ow.put(ow.ns(f"actions/{binding}/other"), json={"exec": {"kind": "python:3.11", "code": ECHO}})
    assert (r.status_code, r.json()["error"]) == (400, "Operation not permitted on package binding.")
    r = put(ow, f"packages/{unique('b')}", {"binding": {"namespace": "_", "name": binding}})
    assert (r.status_code, r.json()["error"]) == (400, "Cannot bind to another package binding.")
    r = put(ow, f"packages/{unique('b')}", {"binding": {"namespace": "_", "name": "nope"}})
    assert (r.status_code, r.json()["error"]) == (400, "Binding references a package that does not exist.")
    r = ow.delete(ow.ns(f"packages/{pkg}"))
    assert r.status_code == 409
    assert (
        r.json()["error"]
        == "Package not empty (contains 1 entity). Set force param or delete package contents."
    )
    assert ow.delete(ow.ns(f"packages/{pkg}?force=true")).status_code == 200
    assert ow.get(ow.ns(f"actions/{pkg}/echo")).status_code == 404


def test_hundred_fires_each_caused_activation_recorded_once(
    start_engine: Callable[..., EngineHandle],
) -> None:
    engine = start_engine(concurrency_limit=200)
    with OwSession(engine) as ow:
        trigger, action, rule = unique("t"), unique("a"), unique("r")
        put(ow, f"triggers/{trigger}", {})
        deploy(ow, action, "def main(args):\n    return {'i': args['i']}\n")
        put(ow, f"rules/{rule}", {"trigger": f"/_/{trigger}", "action": f"/_/{action}"})
        fired = []
        for i in range(100):
            r = ow.post(ow.ns(f"triggers/{trigger}"), json={"i": i})
            assert r.status_code == 202, r.text
            fired.append(r.json()["activationId"])
        assert len(set(fired)) == 100
        caused: dict[str, int] = {}
        for i, tid in enumerate(fired):
            (line,) = rule_lines(ow, tid)
            assert line["success"] is True
            caused[line["activationId"]] = i
        assert len(caused) == 100
        for aid, i in caused.items():
            assert get_record(ow, ow.ns(f"activations/{aid}"))["response"]["result"] == {"i": i}
        listed = ow.get(ow.ns(f"activations?name={action}&limit=200")).json()
        ids = [a["activationId"] for a in listed]
        assert sorted(ids) == sorted(caused)  # each recorded once, nothing else
        triggers = ow.get(ow.ns(f"activations?name={trigger}&limit=200")).json()
        assert sorted(a["activationId"] for a in triggers) == sorted(fired)


# -- divergences the official clients found (issue 13's list) ---------------------------------------------


def test_an_existing_rule_is_updated_with_overwrite(ow: OwSession) -> None:
    trigger, other, action, rule = unique("t"), unique("t2"), unique("a"), unique("r")
    deploy(ow, action, ECHO)
    for t in (trigger, other):
        assert put(ow, f"triggers/{t}", {}).ok
    assert put(ow, f"rules/{rule}", {"trigger": f"/_/{trigger}", "action": f"/_/{action}"}).ok
    r = put(ow, f"rules/{rule}", {"trigger": f"/_/{other}", "action": f"/_/{action}"}, overwrite=True)
    assert r.status_code == 200, r.text
    assert r.json()["trigger"]["name"] == other and r.json()["version"] == "0.0.2"


def test_a_plain_package_is_listed_with_binding_false_and_a_binding_with_its_package(ow: OwSession) -> None:
    pkg, binding = unique("p"), unique("b")
    assert put(ow, f"packages/{pkg}", {}).ok
    assert put(ow, f"packages/{binding}", {"binding": {"namespace": "_", "name": pkg}}).ok
    listed = {p["name"]: p["binding"] for p in ow.get(ow.ns("packages?limit=200")).json()}
    assert listed[pkg] is False
    assert listed[binding] == {"namespace": "guest", "name": pkg}
    assert ow.get(ow.ns(f"packages/{pkg}")).json()["binding"] == {}  # GET keeps upstream's {}


def test_an_action_sees_a_transaction_id(ow: OwSession) -> None:
    name = unique("txid")
    deploy(
        ow, name, "import os\n\ndef main(a):\n    return {'t': os.environ.get('__OW_TRANSACTION_ID', '')}\n"
    )
    ids = [ow.post(ow.ns(f"actions/{name}?blocking=true&result=true"), json={}).json()["t"] for _ in range(2)]
    assert all(len(t) == 32 for t in ids) and ids[0] != ids[1]
