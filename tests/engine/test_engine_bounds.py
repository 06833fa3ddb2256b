"""Bounded and malformed inputs (issue 11, points 4 and 8): a 413 or a 400 with upstream's words, never a
500, never stored, never echoed back as invalid JSON."""

from __future__ import annotations

import base64
import json

import pytest
import requests
from helpers.engine import OwSession, deploy, unique

from jupyter_faas.contract import MAX_PAYLOAD_BYTES

BIG = "x" * (MAX_PAYLOAD_BYTES + 10)
ECHO = "def main(args):\n    return {'got': args}\n"


def _json(r: requests.Response) -> dict:
    return json.loads(r.text)  # the strict way a browser would: fails on NaN or Infinity


def test_a_trigger_fire_over_1_mb_is_413_and_fires_nothing(ow: OwSession):
    trigger = unique("t")
    assert ow.put(ow.ns(f"triggers/{trigger}"), json={}).ok
    before = ow.get(ow.ns("activations?limit=200")).json()
    r = ow.post(ow.ns(f"triggers/{trigger}"), json={"blob": BIG})
    assert r.status_code == 413
    assert _json(r)["error"].startswith("Request larger than allowed:")
    assert ow.get(ow.ns("activations?limit=200")).json() == before


@pytest.mark.parametrize("collection", ["packages", "rules", "triggers"])
def test_entity_bodies_over_the_limit_are_413_and_not_stored(ow: OwSession, collection: str):
    name = unique(collection[:1])
    r = ow.put(ow.ns(f"{collection}/{name}"), json={"junk": "y" * (3 * MAX_PAYLOAD_BYTES + 1)})
    assert r.status_code == 413, r.text
    assert "larger than allowed" in _json(r)["error"]
    r = ow.put(ow.ns(f"{collection}/{name}"), json={"parameters": [{"key": "p", "value": BIG}]})
    assert r.status_code == 413 if collection != "rules" else r.status_code in (400, 413), r.text
    assert ow.get(ow.ns(f"{collection}/{name}")).status_code == 404


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
@pytest.mark.parametrize("where", ["invoke", "action", "trigger", "fire"])
def test_nan_and_infinity_anywhere_in_a_body_are_400(ow: OwSession, token: str, where: str):
    name = unique("nan")
    deploy(ow, name, ECHO)
    trigger = unique("t")
    assert ow.put(ow.ns(f"triggers/{trigger}"), json={}).ok
    body = '{"a": {"b": [1, TOKEN]}}'.replace("TOKEN", token)
    target = {
        "invoke": ("POST", f"actions/{name}?blocking=true"),
        "action": ("PUT", f"actions/{name}?overwrite=true"),
        "trigger": ("PUT", f"triggers/{trigger}?overwrite=true"),
        "fire": ("POST", f"triggers/{trigger}"),
    }[where]
    if where in ("action", "trigger"):
        body = '{"exec": {"kind": "python:3.11", "code": "x"}, "parameters": [{"key": "k", "value": TOKEN}]}'
        body = body.replace("TOKEN", token)
    r = ow.request(target[0], ow.ns(target[1]), data=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    assert token.lstrip("-") in _json(r)["error"]


def test_an_action_answering_nan_gets_upstreams_error_and_a_valid_record(ow: OwSession):
    name = unique("nanres")
    deploy(ow, name, "def main(args):\n    return {'x': float('nan')}\n")
    r = ow.post(ow.ns(f"actions/{name}?blocking=true"), json={})
    record = _json(r)
    assert record["response"]["status"] == "action developer error"
    assert record["response"]["result"] == {"error": "The action did not return a dictionary or array."}
    assert _json(ow.get(ow.ns(f"activations/{record['activationId']}")))["activationId"]


def test_very_deep_nesting_is_400_not_500(ow: OwSession):
    name = unique("deep")
    deploy(ow, name, ECHO)
    body = '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}"
    r = ow.post(ow.ns(f"actions/{name}"), data=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    assert "nested too deeply" in _json(r)["error"]


@pytest.mark.parametrize("param", ["limit", "skip", "since", "upto"])
@pytest.mark.parametrize("value", [str(2**64), str(-(2**70)), "9" * 40])
def test_integers_beyond_64_bits_in_query_parameters_are_400(ow: OwSession, param: str, value: str):
    r = ow.get(ow.ns(f"activations?{param}={value}"))
    assert r.status_code == 400, r.text
    assert _json(r)["error"].startswith(f"The request has a malformed query parameter '{param}'") or (
        param in _json(r)["error"]
    )
    if param in ("limit", "skip"):
        assert ow.get(ow.ns(f"actions?{param}={value}")).status_code == 400


def test_a_non_ascii_authorization_header_is_refused_not_a_500(engine):
    for header in (b"Basic \xe9\xe9\xe9", b"Basic " + base64.b64encode("é:é".encode())):
        r = requests.get(engine.url + "/namespaces/_/actions", headers={"Authorization": header}, timeout=10)
        assert r.status_code == 401, r.text
        assert _json(r)["error"] == "The supplied authentication is invalid"


def test_a_sequence_looping_back_through_a_package_binding_stops_cleanly(ow: OwSession):
    """seq -> binding/s1; the binding is then re-pointed at a package whose s1 is a sequence of seq."""
    p1, p2, binding, seq = unique("p1"), unique("p2"), unique("b"), unique("loop")
    for pkg in (p1, p2):
        assert ow.put(ow.ns(f"packages/{pkg}"), json={}).ok
    deploy(ow, f"{p1}/s1", ECHO)
    assert ow.put(ow.ns(f"packages/{binding}"), json={"binding": {"namespace": "_", "name": p1}}).ok
    deploy(ow, seq, "", kind="sequence", exec_fields={"components": [f"/_/{binding}/s1"]})
    deploy(ow, f"{p2}/s1", "", kind="sequence", exec_fields={"components": [f"/_/{seq}"]})
    assert ow.delete(ow.ns(f"packages/{binding}")).ok
    assert ow.put(ow.ns(f"packages/{binding}"), json={"binding": {"namespace": "_", "name": p2}}).ok
    r = ow.post(ow.ns(f"actions/{seq}?blocking=true"), json={}, timeout=120)
    record = _json(r)
    assert record["response"]["result"] == {"error": "Too many actions in the sequence."}, record
    log = (ow.engine.data_dir / "engine.log").read_text()
    assert "Traceback" not in log and "RecursionError" not in log


def test_a_docs_listing_is_bounded_in_bytes(ow: OwSession):
    name = unique("fat")
    deploy(ow, name, "def main(args):\n    return {'blob': 'z' * 1_000_000}\n")
    for _ in range(20):
        assert ow.post(ow.ns(f"actions/{name}?blocking=true"), json={}).ok
    page = ow.get(ow.ns(f"activations?docs=true&limit=200&name={name}"))
    records = page.json()
    assert 10 <= len(records) < 20  # cut at 16 MB, not 20 MB
    assert len(page.content) < 17 * 1024 * 1024
    rest = ow.get(ow.ns(f"activations?docs=true&limit=200&name={name}&skip={len(records)}")).json()
    assert len(records) + len(rest) == 20  # paging on gets the others
    assert len(ow.get(ow.ns(f"activations?limit=200&name={name}")).json()) == 20  # summaries: all
