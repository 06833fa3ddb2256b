"""Restarts: everything persists in the data directory; an activation in flight when the engine is killed
(kill -9) is recorded as a whisk internal error at the next start."""

from __future__ import annotations

from conftest import OwSession, deploy, unique
from test_engine_invoke import GATED, poll


def test_restart_keeps_actions_and_activations_and_closes_lost_ones(start_engine, tmp_path):
    data = tmp_path / "data"
    gate = tmp_path / "gate"
    first = start_engine(data_dir=data)
    name, stuck = unique("keep"), unique("stuck")
    try:
        with OwSession(first) as ow:
            deploy(ow, name, "def main(a):\n    print('ran')\n    return {'ok': a['v']}\n")
            code = GATED
            deploy(ow, stuck, code)
            done = ow.post(ow.ns(f"actions/{name}?blocking=true"), json={"v": 1}).json()
            lost_id = ow.post(ow.ns(f"actions/{stuck}"), json={"gate": str(gate)}).json()["activationId"]
            assert ow.get(ow.ns(f"activations/{lost_id}")).status_code == 404
        first.kill()
    finally:
        gate.touch()  # lets the orphaned action process end

    second = start_engine(data_dir=data)
    with OwSession(second) as ow:
        assert ow.get(ow.ns(f"actions/{name}")).json()["exec"]["code"].startswith("def main")
        kept = poll(ow, done["activationId"], bound_s=10)
        assert kept["response"]["result"] == {"ok": 1}
        assert any(line.endswith("stdout: ran") for line in kept["logs"])
        lost = poll(ow, lost_id, bound_s=10)
        assert lost["response"]["status"] == "whisk internal error" and lost["response"]["success"] is False
        assert "engine stopped" in lost["response"]["result"]["error"]
        summaries = ow.get(ow.ns(f"activations?name={stuck}")).json()
        assert [(a["activationId"], a["statusCode"]) for a in summaries] == [(lost_id, 3)]
        again = ow.post(ow.ns(f"actions/{name}?blocking=true"), json={"v": 2})
        assert again.status_code == 200 and again.json()["response"]["result"] == {"ok": 2}
        assert ow.get(ow.ns(f"activations?name={name}&count=true")).json() == {"activations": 2}
