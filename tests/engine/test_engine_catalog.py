"""The /whisk.system catalog over real HTTP: each utils and samples action's result shape (as upstream's
openwhisk-catalog JavaScript answers), and the sharing rule that makes published packages reachable from
every namespace while everything else of /whisk.system stays closed."""

from __future__ import annotations

import time
from typing import Any

import requests
from helpers.engine import OwSession, deploy, unique

SYSTEM = "whisk.system"


def system(ow: OwSession, path: str) -> str:
    return f"{ow.engine.url}/namespaces/{SYSTEM}/{path}"


def run(ow: OwSession, action: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Invoke ``/whisk.system/<pkg>/<action>`` blocking: its activation record."""
    r = ow.post(system(ow, f"actions/{action}?blocking=true"), json=params or {})
    assert r.status_code in (200, 502), r.text
    record: dict[str, Any] = r.json()
    return record


def result(ow: OwSession, action: str, params: dict[str, Any] | None = None) -> Any:
    record = run(ow, action, params)
    assert record["response"]["success"], record["response"]
    return record["response"]["result"]


def failure(ow: OwSession, action: str, params: dict[str, Any] | None = None) -> Any:
    record = run(ow, action, params)
    assert record["response"]["status"] == "application error", record["response"]
    return record["response"]["result"]["error"]


def test_the_published_packages_are_listed_with_their_actions_and_feeds(ow: OwSession) -> None:
    r = ow.get(system(ow, "packages"))
    assert r.status_code == 200, r.text
    assert sorted(p["name"] for p in r.json()) == ["alarms", "samples", "utils"]  # not alarmsWeb
    utils = ow.get(system(ow, "packages/utils")).json()
    names = sorted(a["name"] for a in utils["actions"])
    assert names == ["cat", "date", "echo", "head", "hosturl", "namespace", "smash", "sort", "split"]
    assert utils["publish"] is True and utils["feeds"] == []
    alarms = ow.get(system(ow, "packages/alarms")).json()
    assert sorted(f["name"] for f in alarms["feeds"]) == ["alarm", "interval", "once"]
    assert alarms["actions"] == []
    samples = ow.get(system(ow, "packages/samples")).json()
    assert sorted(a["name"] for a in samples["actions"]) == ["curl", "greeting", "helloWorld", "wordCount"]


def test_utils_cat_head_sort_split(ow: OwSession) -> None:
    # JavaScript's join: null is empty, true is "true"
    assert result(ow, "utils/cat", {"lines": ["a", 1, None, True]}) == {
        "lines": ["a", 1, None, True],
        "payload": "a\n1\n\ntrue",
    }
    assert result(ow, "utils/head", {"lines": ["a", "b", "c"], "num": 2}) == {"lines": ["a", "b"], "num": 2}
    assert result(ow, "utils/head", {"lines": ["a", "b", "c"]}) == {"lines": ["a"], "num": 1}
    # JavaScript's default sort compares as text: "10" < "9" < "B" < "a"
    assert result(ow, "utils/sort", {"lines": ["b", "B", "a", 10, 9]}) == {
        "lines": [10, 9, "B", "a", "b"],
        "length": 5,
    }
    assert result(ow, "utils/split", {"payload": "a\nb\r\nc"}) == {
        "lines": ["a", "b", "c"],
        "payload": "a\nb\r\nc",
    }
    assert result(ow, "utils/split", {"payload": "a,b", "separator": ","})["lines"] == ["a", "b"]
    assert "reading 'toString'" in failure(ow, "utils/split", {})


def test_utils_echo_smash_namespace_date(ow: OwSession) -> None:
    assert result(ow, "utils/echo", {"x": [1, {"y": None}]}) == {"x": [1, {"y": None}]}
    assert result(ow, "utils/smash", {"a": 1, "b": "c", "$fieldName": "f"}) == {"f": {"a": 1, "b": "c"}}
    assert failure(ow, "utils/smash", {"a": 1}) == "Expected an argument '$fieldName' of type 'string'."
    assert result(ow, "utils/namespace") == {"namespace": "guest"}  # the caller's, not whisk.system
    date = result(ow, "utils/date")["date"]
    assert date.endswith("Z") and len(date) == len("2026-12-02T23:09:31.289Z")
    stamp = time.mktime(time.strptime(date[:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone
    assert abs(stamp - time.time()) < 120


def test_utils_hosturl_names_the_callers_urls(ow: OwSession) -> None:
    host = ow.engine.apihost
    assert result(ow, "utils/hosturl", {"path": "x"}) == {"url": f"{host}/api/v1/namespaces/guest/actions/x"}
    assert result(ow, "utils/hosturl", {"trigger": True, "path": "t"}) == {
        "url": f"{host}/api/v1/namespaces/guest/triggers/t"
    }
    assert result(ow, "utils/hosturl", {"web": True, "path": "p/x", "ext": ".json"}) == {
        "url": f"{host}/api/v1/web/guest/p/x.json"
    }
    assert result(ow, "utils/hosturl", {"web": True, "path": "x"}) == {
        "url": f"{host}/api/v1/web/guest/default/x"
    }
    assert failure(ow, "utils/hosturl", {"trigger": True, "path": "p/x"}) == (
        "triggers are not allowed in packages."
    )
    assert failure(ow, "utils/hosturl", {"web": True, "trigger": True}) == (
        "triggers are not allowed for web actions."
    )
    assert "extension for web action must be one of" in failure(
        ow, "utils/hosturl", {"web": True, "path": "x", "ext": ".exe"}
    )


def test_samples_greeting_hello_word_count_curl(ow: OwSession) -> None:
    assert result(ow, "samples/greeting", {"name": "Ada"}) == {"payload": "Hello, Ada from somewhere!"}
    assert result(ow, "samples/greeting", {"name": "Ada", "place": "London"}) == {
        "payload": "Hello, Ada from London!"
    }
    assert result(ow, "samples/greeting") == {"payload": "Hello, stranger from somewhere!"}
    record = run(ow, "samples/helloWorld", {"payload": "you"})
    assert record["response"]["result"] == {}
    logs = ow.get(ow.ns(f"activations/{record['activationId']}/logs")).json()["logs"]
    assert [line.split(" ", 2)[2] for line in logs] == ["hello you!"]
    assert result(ow, "samples/wordCount", {"payload": "a b  c"}) == {"count": 4}  # split on single spaces
    assert "reading 'toString'" in failure(ow, "samples/wordCount", {})
    # offline, curl reaches the engine itself; a host that cannot resolve is curl's own message
    info = result(ow, "samples/curl", {"payload": ow.engine.url})["msg"]
    assert '"description":"OpenWhisk API"' in info
    missing = result(ow, "samples/curl", {"payload": "http://no-such-host.invalid"})["msg"]
    assert "Could not resolve host: no-such-host.invalid" in missing


def test_everything_else_of_whisk_system_is_closed(ow: OwSession) -> None:
    forbidden = [
        ow.get(system(ow, "actions")),  # the default package
        ow.get(system(ow, "actions/alarmsWeb/alarmWebAction")),  # a private package
        ow.get(system(ow, "packages/alarmsWeb")),
        ow.get(system(ow, "actions/no-such-package/x")),  # missing looks like private
        ow.put(system(ow, "actions/utils/mine"), json={"exec": {"kind": "python:3.11", "code": "x"}}),
        ow.delete(system(ow, "actions/utils/echo")),
        ow.put(system(ow, "packages/utils?overwrite=true"), json={}),
        ow.get(system(ow, "triggers")),
    ]
    for r in forbidden:
        assert r.status_code == 403, (r.request.method, r.url, r.text)
        assert "not authorized" in r.json()["error"].lower()
    assert ow.get(system(ow, "actions/utils/echo")).status_code == 200  # still there
    anonymous = requests.get(system(ow, "actions/utils/echo"), timeout=10)
    assert anonymous.status_code == 401


def test_bindings_sequences_and_rules_use_the_catalog(ow: OwSession) -> None:
    binding = unique("myutils")
    r = ow.put(
        ow.ns(f"packages/{binding}"),
        json={"binding": {"namespace": SYSTEM, "name": "utils"}, "parameters": [{"key": "b", "value": 2}]},
    )
    assert r.status_code == 200, r.text
    r = ow.post(ow.ns(f"actions/{binding}/echo?blocking=true&result=true"), json={"a": 1})
    assert r.json() == {"a": 1, "b": 2}
    r = ow.put(
        ow.ns(f"packages/{unique('bad')}"), json={"binding": {"namespace": SYSTEM, "name": "alarmsWeb"}}
    )
    assert r.status_code == 403, r.text

    inc = unique("inc")
    deploy(
        ow, inc, "def main(args):\n    return {'lines': [str(len(args.get('lines', [])))] + args['lines']}\n"
    )
    seq = unique("seq")
    r = ow.put(
        ow.ns(f"actions/{seq}"),
        json={"exec": {"kind": "sequence", "components": [f"/{SYSTEM}/utils/sort", f"/guest/{inc}"]}},
    )
    assert r.status_code == 200, r.text
    r = ow.post(ow.ns(f"actions/{seq}?blocking=true&result=true"), json={"lines": ["b", "a"]})
    assert r.json() == {"lines": ["2", "a", "b"]}
    hidden = ow.put(
        ow.ns(f"actions/{unique('seq')}"),
        json={"exec": {"kind": "sequence", "components": [f"/{SYSTEM}/alarmsWeb/alarmWebAction"]}},
    )
    assert hidden.status_code == 403, hidden.text

    trigger, rule = unique("t"), unique("r")
    assert ow.put(ow.ns(f"triggers/{trigger}"), json={}).status_code == 200
    r = ow.put(ow.ns(f"rules/{rule}"), json={"trigger": f"/_/{trigger}", "action": f"/{SYSTEM}/utils/echo"})
    assert r.status_code == 200, r.text
    fired = ow.post(ow.ns(f"triggers/{trigger}"), json={"hello": "rule"})
    assert fired.status_code == 202, fired.text
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        records = ow.get(ow.ns("activations?name=utils/echo&limit=20&docs=true")).json()
        echoed = [a for a in records if (a.get("response") or {}).get("result", {}).get("hello") == "rule"]
        if echoed:
            break
        time.sleep(0.2)
    assert echoed, "the rule never invoked /whisk.system/utils/echo"
    assert echoed[0]["namespace"] == "guest"  # run for the caller, as upstream does
    assert "__ow_headers" in echoed[0]["response"]["result"]  # a rule's action gets the fire's headers
