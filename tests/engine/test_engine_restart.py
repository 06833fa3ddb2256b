"""Restarts: everything persists in the data directory; an activation in flight when the engine is killed
(kill -9) or stopped (SIGTERM) is recorded as a whisk internal error at the next start."""

from __future__ import annotations

import contextlib
import threading

import pytest
import requests
from helpers.engine import STUCK, OwSession, deploy, poll, unique, wait_for


@pytest.mark.parametrize("end", ["kill -9", "SIGTERM"])
def test_restart_keeps_actions_and_activations_and_closes_lost_ones(start_engine, tmp_path, end):
    data = tmp_path / "data"
    gate = tmp_path / "gate"
    first = start_engine(data_dir=data)
    name, stuck = unique("keep"), unique("stuck")
    try:
        with OwSession(first) as ow:
            deploy(ow, name, "def main(a):\n    print('ran')\n    return {'ok': a['v']}\n")
            deploy(ow, stuck, STUCK)
            done = ow.post(ow.ns(f"actions/{name}?blocking=true"), json={"v": 1}).json()
            params = {"gate": str(gate), "started": str(tmp_path / "started-1")}
            lost_id = ow.post(ow.ns(f"actions/{stuck}"), json=params).json()["activationId"]
            assert ow.get(ow.ns(f"activations/{lost_id}")).status_code == 404
            wait_for(tmp_path / "started-1")
            # a blocking invoke in flight too: its caller never learns the id, the record exists anyway
            params = {"gate": str(gate), "started": str(tmp_path / "started-2")}
            caller = threading.Thread(target=_swallow, args=(first, f"actions/{stuck}?blocking=true", params))
            caller.start()
            wait_for(tmp_path / "started-2")
        if end == "kill -9":
            first.kill()
        else:
            first.stop()  # a clean stop leaves what it interrupts to the next engine, as a crash does
        caller.join()
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
        assert len(summaries) == 2 and lost_id in [a["activationId"] for a in summaries]
        assert [a["statusCode"] for a in summaries] == [3, 3]
        again = ow.post(ow.ns(f"actions/{name}?blocking=true"), json={"v": 2})
        assert again.status_code == 200 and again.json()["response"]["result"] == {"ok": 2}
        assert ow.get(ow.ns(f"activations?name={name}&count=true")).json() == {"activations": 2}


def _swallow(engine, path: str, params: dict) -> None:
    """POST on a session of its own; the engine dies under it, so a connection error is the expected end."""
    with OwSession(engine) as ow, contextlib.suppress(requests.ConnectionError):
        ow.post(ow.ns(path), json=params)
