"""Waiting for activations against a real engine: the 202 demotion of a blocking invoke, 404 until the
record is stored, the caller's timeout (with the id), poll(), and an engine that restarts mid-wait."""

from __future__ import annotations

import math
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from helpers.engine import unique

from jupyter_faas.config import Config
from jupyter_faas.engine import EngineHandle, start
from jupyter_faas.errors import ActivationTimeout, NotFound
from jupyter_faas.openwhisk import Client, PollSchedule

SLEEPY = (
    "import time\n"
    "def main(args):\n"
    "    time.sleep(args.get('s', 1.0))\n"
    "    return {'slept': args.get('s', 1.0)}\n"
)
QUICK = "def main(args):\n    return {'n': args.get('n')}\n"


def make_client(engine: EngineHandle, **options: Any) -> Client:
    return Client(Config(apihost=engine.apihost, auth=engine.auth), **options)


@pytest.fixture
def client(engine: EngineHandle) -> Iterator[Client]:
    with make_client(engine) as c:
        yield c


def test_blocking_invoke_outliving_the_blocking_wait_is_followed_by_id(
    client: Client, engine: EngineHandle
) -> None:
    name = unique("slow")
    client.actions.create(name, SLEEPY, kind="python:3.11")
    # The premise: with a 300 ms blocking wait the server answers 202 for a 1.5 s action.
    user, _, key = engine.auth.partition(":")
    raw = requests.post(
        f"{engine.url}/namespaces/_/actions/{name}?blocking=true&timeout=300",
        json={"s": 1.5},
        auth=(user, key),
    )
    assert raw.status_code == 202 and len(raw.json()["activationId"]) == 32
    before = client.requests_issued
    record = client.actions.invoke(name, {"s": 1.5}, blocking=True, wait=0.3)
    assert record["response"]["result"] == {"slept": 1.5}
    assert record["duration"] >= 1500
    assert client.requests_issued - before >= 2  # the POST answered 202, then GETs by id
    assert client.actions.invoke(name, {"s": 1.0}, blocking=True, result=True, wait=0.2) == {"slept": 1.0}


def test_activation_is_404_until_stored_then_the_handle_gets_it(client: Client) -> None:
    name = unique("stored")
    client.actions.create(name, SLEEPY, kind="python:3.11")
    handle = client.actions.invoke(name, {"s": 1.0})
    with pytest.raises(NotFound) as info:
        client.activations.get(handle.activation_id)
    assert handle.activation_id in str(info.value)
    assert not handle.done()
    assert handle.result() == {"slept": 1.0}
    assert handle.done()


def test_the_callers_timeout_ends_with_the_id_and_the_record_can_be_read_later(client: Client) -> None:
    name = unique("late")
    client.actions.create(name, SLEEPY, kind="python:3.11")
    with pytest.raises(ActivationTimeout) as info:
        client.actions.invoke(name, {"s": 2.0}, blocking=True, wait=0.2, timeout=0.6)
    activation_id = info.value.activation_id
    assert activation_id and activation_id in str(info.value)
    assert f"jupyter-faas activation get {activation_id}" in str(info.value)
    record = client.activations.wait(activation_id, timeout=30)
    assert record["response"]["result"] == {"slept": 2.0}


def test_an_activation_that_never_appears_times_out_with_its_id(client: Client) -> None:
    ghost = "0123456789abcdef0123456789abcdef"
    with pytest.raises(ActivationTimeout) as info:
        client.activations.wait(ghost, timeout=0.5)
    assert info.value.activation_id == ghost and ghost in str(info.value)


def test_poll_streams_new_activations_once_each(client: Client, engine: EngineHandle) -> None:
    name = unique("polled")
    client.actions.create(name, QUICK, kind="python:3.11")
    stop = threading.Event()
    seen: list[str] = []
    ready = threading.Event()

    def consume() -> None:
        with make_client(engine) as watcher:
            ready.set()
            for record in watcher.activations.poll(name, interval=0.1, stop=stop, since=0):
                seen.append(record["activationId"])
                if len(seen) == 3:
                    stop.set()

    thread = threading.Thread(target=consume)
    thread.start()
    ready.wait(10)
    ids = [client.actions.invoke(name, {"n": i}, blocking=True)["activationId"] for i in range(3)]
    thread.join(30)
    stop.set()
    assert not thread.is_alive()
    assert seen == ids  # oldest first, each once, although every look lists them all again


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def own_engine(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """An engine this test may stop and restart on the same port and data directory."""
    state: dict[str, Any] = {"port": _free_port(), "data": tmp_path / "engine"}
    state["handle"] = start(port=state["port"], data_dir=state["data"])
    yield state
    state["handle"].stop()


def test_wait_survives_an_engine_restart(own_engine: dict[str, Any]) -> None:
    engine = own_engine["handle"]
    with make_client(engine, retries=1) as client:
        name = unique("restart")
        client.actions.create(name, QUICK, kind="python:3.11")
        activation_id = client.actions.invoke(name, {"n": 7}, blocking=True)["activationId"]
        engine.stop()
        result: dict[str, Any] = {}

        def waiter() -> None:
            try:
                result["record"] = client.activations.wait(activation_id, timeout=60)
            except Exception as exc:  # reported below
                result["error"] = exc

        thread = threading.Thread(target=waiter)
        thread.start()
        thread.join(1.0)  # the engine is down: the waiter keeps trying
        assert thread.is_alive() and not result
        own_engine["handle"] = start(port=own_engine["port"], data_dir=own_engine["data"])
        thread.join(60)
        assert "error" not in result, result.get("error")
        assert result["record"]["response"]["result"] == {"n": 7}


def test_poll_survives_an_engine_restart(own_engine: dict[str, Any]) -> None:
    engine = own_engine["handle"]
    with make_client(engine, retries=0) as client, make_client(engine, retries=0) as watcher:
        name = unique("repoll")
        client.actions.create(name, QUICK, kind="python:3.11")
        stop = threading.Event()
        seen: list[str] = []
        errors: list[BaseException] = []
        arrived = threading.Condition()

        def consume() -> None:
            try:
                for record in watcher.activations.poll(name, interval=0.05, stop=stop, since=0):
                    with arrived:
                        seen.append(record["activationId"])
                        arrived.notify_all()
            except BaseException as exc:  # reported below
                errors.append(exc)

        thread = threading.Thread(target=consume)
        thread.start()
        try:
            first = client.actions.invoke(name, {"n": 1}, blocking=True)["activationId"]
            with arrived:
                assert arrived.wait_for(lambda: first in seen, 30)
            engine.stop()
            stop.wait(0.5)  # the poller looks several times while nothing answers
            assert thread.is_alive() and not errors
            own_engine["handle"] = start(port=own_engine["port"], data_dir=own_engine["data"])
            second = client.actions.invoke(name, {"n": 2}, blocking=True)["activationId"]
            with arrived:
                assert arrived.wait_for(lambda: second in seen, 30)
        finally:
            stop.set()
            thread.join(30)
        assert not errors and seen == [first, second]


def _looks(schedule: PollSchedule, end: float) -> list[float]:
    """The times at which ``schedule`` looks, until the first look at or after ``end``."""
    t, looks = 0.0, []
    while not looks or looks[-1] < end:
        t += schedule.next_delay(t)
        looks.append(t)
    return looks


def test_poll_schedule_without_history_doubles_within_log2_looks() -> None:
    for duration in (0.2, 2.0, 20.0):
        looks = _looks(PollSchedule(), duration)
        assert len(looks) <= math.log2(duration / 0.01) + 2
        assert looks[-1] <= 2 * duration + 0.01  # noticed within 2x the duration at worst


def test_poll_schedule_with_history_looks_at_the_expected_end() -> None:
    for duration in (0.2, 2.0, 20.0):
        looks = _looks(PollSchedule(expected=duration), duration)
        assert len(looks) == 1 and duration <= looks[0] <= duration * 1.05
        slower = _looks(PollSchedule(expected=duration), duration * 1.1)  # 10% slower than its history
        assert len(slower) <= 5 and slower[-1] <= duration * 1.2
        much_slower = _looks(PollSchedule(expected=duration), duration * 3)
        assert much_slower[-1] <= duration * 3 * 1.25 + 0.02  # a quarter late at worst
        assert len(much_slower) <= 14
