"""Sequences in the sidebar's actions list (issue 8), against a real engine: two actions and a package
action made with the client, a sequence of them, then ``GET /jupyter-faas/actions`` and ``actions/<name>``
through the Jupyter server. A sequence's row says ``kind: "sequence"`` and lists its components fully
qualified and in order; other rows have ``components: null``; invoking the sequence from the sidebar's
route runs the components in order.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from jupyter_faas.config import resolve
from jupyter_faas.engine import EngineHandle
from jupyter_faas.openwhisk import Client

ADD = "def main(params):\n    return {'n': params.get('n', 0) + 1, 'seen': params.get('seen', []) + ['add']}"
DOUBLE = "def main(params):\n    return {'n': params['n'] * 2, 'seen': params['seen'] + ['double']}\n"


@pytest.fixture
def client(engine: EngineHandle) -> Iterator[Client]:
    c = Client(resolve(apihost=engine.apihost, auth=engine.auth, start_engine=False))
    c.actions.update("seq-add", ADD, kind="python:3.11")
    c.packages.update("seqpkg")
    c.actions.update("seqpkg/double", DOUBLE, kind="python:3.11")
    c.actions.sequence("seq-pipeline", ["seq-add", "seqpkg/double", "seq-add"])
    yield c
    for name in ("seq-pipeline", "seqpkg/double", "seq-add"):
        c.actions.delete(name)
    c.packages.delete("seqpkg")
    c.close()


async def test_a_sequence_lists_its_components_in_order(api: Any, client: Client) -> None:
    status, listing = await api("GET", "actions")
    assert status == 200, listing
    rows = {row["name"]: row for row in listing["actions"]}
    pipeline = rows["seq-pipeline"]
    assert pipeline["kind"] == "sequence"
    assert pipeline["components"] == ["/guest/seq-add", "/guest/seqpkg/double", "/guest/seq-add"]
    assert rows["seq-add"]["kind"] == "python:3.11" and rows["seq-add"]["components"] is None
    # an action in a package is listed by the name it is invoked by, so a component's row can be found
    double = rows["seqpkg/double"]
    assert double["namespace"] == "guest/seqpkg" and double["components"] is None

    status, action = await api("GET", "actions", "seq-pipeline")
    assert status == 200, action
    assert action["kind"] == "sequence" and action["components"] == pipeline["components"]
    status, action = await api("GET", "actions", "seq-add")
    assert action["kind"] == "python:3.11" and action["components"] is None


async def test_a_sequence_is_invoked_like_any_action(api: Any, client: Client) -> None:
    status, reply = await api("POST", "actions", "seq-pipeline", "invoke", body={"params": {"n": 1}})
    assert status == 200, reply
    activation = reply["activation"]
    assert activation["success"] is True and activation["kind"] == "sequence"
    assert activation["response"]["result"] == {"n": 5, "seen": ["add", "double", "add"]}

    # the packaged component's run shows as its row's last activation, as the top-level one's does
    status, listing = await api("GET", "actions")
    rows = {row["name"]: row for row in listing["actions"]}
    assert rows["seq-pipeline"]["lastActivation"]["activationId"] == reply["activationId"]
    assert rows["seqpkg/double"]["lastActivation"]["name"] == "double"
    assert rows["seq-add"]["lastActivation"]["name"] == "seq-add"
