"""Concurrency on a real engine: 200 invocations at once, each stored once; a small limit gives 429."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from helpers.engine import GATED, OwSession, deploy, poll, unique


def test_200_concurrent_invocations_each_stored_exactly_once(start_engine):
    engine = start_engine(concurrency_limit=250, workers=16)  # more admitted than workers: work queues
    name = unique("many")
    with OwSession(engine) as ow:
        deploy(ow, name, "def main(a):\n    return {'i': a['i']}\n")

    def call(i: int) -> tuple[int, str, object]:
        with OwSession(engine) as s:
            blocking = "true" if i % 2 else "false"
            r = s.post(s.ns(f"actions/{name}?blocking={blocking}"), json={"i": i})
            return r.status_code, r.headers["x-openwhisk-activation-id"], r.json()

    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(call, range(200)))
    assert {status for status, _, _ in answers} <= {200, 202}
    ids = [aid for _, aid, _ in answers]
    assert len(set(ids)) == 200
    with OwSession(engine) as ow:
        for aid in ids:
            poll(ow, aid)
        listed = ow.get(ow.ns(f"activations?name={name}&limit=200&docs=true")).json()
        assert sorted(a["activationId"] for a in listed) == sorted(ids)
        assert sorted(a["response"]["result"]["i"] for a in listed) == list(range(200))
        assert ow.get(ow.ns(f"activations?name={name}&count=true")).json() == {"activations": 200}


def test_beyond_the_namespace_limit_is_429(start_engine, tmp_path):
    engine = start_engine(concurrency_limit=2)
    name = unique("gate")
    gate = tmp_path / "gate"
    code = GATED
    with OwSession(engine) as ow:
        deploy(ow, name, code)
        url = ow.ns(f"actions/{name}")
        first = [ow.post(url, json={"gate": str(gate)}) for _ in range(2)]
        assert [r.status_code for r in first] == [202, 202]
        r = ow.post(url, json={"gate": str(gate)})
        assert r.status_code == 429
        assert r.json()["error"] == "Too many concurrent requests in flight (count: 2, allowed: 2)."
        gate.touch()
        for r in first:
            assert poll(ow, r.json()["activationId"])["response"]["success"] is True
        assert ow.post(url + "?blocking=true", json={"gate": str(gate)}).status_code == 200  # slots released
