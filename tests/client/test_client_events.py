"""The client's sequences, triggers, rules, packages and the trace of a firing, against a real engine."""

from __future__ import annotations

import time

import pytest
from helpers.engine import unique

from jupyter_faas.errors import ActivationFailed, Conflict, FeedError, InvalidRequest, NotFound
from jupyter_faas.openwhisk import Client

INC = "def main(args):\n    return {'n': args.get('n', 0) + 1}\n"
GATE = "def main(args):\n    return {'error': 'too small'} if args.get('n', 0) < 3 else args\n"


def test_sequence_create_get_invoke(client: Client) -> None:
    inc, gate, seq = unique("inc"), unique("gate"), unique("seq")
    client.actions.create(inc, INC, kind="python:3.11")
    client.actions.create(gate, GATE, kind="python:3.11")
    doc = client.actions.sequence(seq, [inc, gate, inc])
    assert doc["exec"]["components"] == [f"/guest/{inc}", f"/guest/{gate}", f"/guest/{inc}"]
    assert client.actions.get(seq)["exec"]["components"] == doc["exec"]["components"]
    assert client.actions.invoke(seq, {"n": 5}, blocking=True, result=True) == {"n": 7}
    with pytest.raises(ActivationFailed) as info:
        client.actions.invoke(seq, {"n": 0}, blocking=True)
    assert "too small" in str(info.value)
    record = client.activations.wait(info.value.activation_id or "")
    assert len(record["logs"]) == 2  # stopped at the gate
    with pytest.raises(InvalidRequest) as bad:
        client.actions.sequence(unique("seq"), [inc, "missing-one"])
    assert "Sequence component does not exist." in str(bad.value)


def test_trigger_rule_fire_and_trace(client: Client) -> None:
    inc, seq, trigger, rule, rule2 = unique("inc"), unique("seq"), unique("t"), unique("r"), unique("r")
    client.actions.create(inc, INC, kind="python:3.11")
    client.actions.sequence(seq, [inc, inc])
    client.triggers.create(trigger, parameters={"n": 10})
    with pytest.raises(Conflict):
        client.triggers.create(trigger)
    assert client.triggers.fire(trigger) is None  # no rule yet: 204
    client.rules.create(rule, trigger, seq)
    client.rules.create(rule2, trigger, inc)
    assert client.rules.get(rule)["status"] == "active"
    activation_id = client.triggers.fire(trigger, {"n": 1})
    assert activation_id is not None
    trace = client.triggers.trace(activation_id)
    assert trace.trigger == trigger
    by_rule = {f.rule: f for f in trace.firings}
    seq_firing, inc_firing = by_rule[f"guest/{rule}"], by_rule[f"guest/{rule2}"]
    assert seq_firing.record is not None and seq_firing.record["response"]["result"] == {"n": 3}
    assert [c["name"] for c in seq_firing.components] == [inc, inc]
    assert [c["response"]["result"]["n"] for c in seq_firing.components] == [2, 3]
    assert inc_firing.record is not None and inc_firing.record["response"]["result"] == {"n": 2}
    assert set(trace.activation_ids()) == {
        seq_firing.activation_id,
        inc_firing.activation_id,
        *(c["activationId"] for c in seq_firing.components),
    }
    client.rules.disable(rule2)
    trace = client.triggers.trace(client.triggers.fire(trigger) or "")
    off = {f.rule: f for f in trace.firings}[f"guest/{rule2}"]
    assert off.activation_id is None and "is inactive" in (off.error or "")
    client.rules.enable(rule2)
    client.rules.delete(rule)
    client.rules.delete(rule2)
    assert client.triggers.fire(trigger) is None
    client.triggers.delete(trigger)
    with pytest.raises(NotFound):
        client.triggers.get(trigger)


def test_packages(client: Client) -> None:
    pkg, binding = unique("pkg"), unique("bind")
    client.packages.create(pkg, parameters={"n": 100})
    client.actions.create(f"{pkg}/inc", INC, kind="python:3.11")
    client.packages.create(binding, binding=pkg, parameters={"n": 1000})
    assert client.actions.invoke(f"{pkg}/inc", blocking=True, result=True) == {"n": 101}
    assert client.actions.invoke(f"{binding}/inc", blocking=True, result=True) == {"n": 1001}
    assert [a["name"] for a in client.packages.get(binding)["actions"]] == ["inc"]
    with pytest.raises(Conflict):
        client.packages.delete(pkg)
    client.packages.delete(pkg, force=True)
    assert pkg not in [p["name"] for p in client.packages.list()]


def test_a_trigger_with_a_feed_is_created_fired_updated_and_deleted_as_wsk_does(client: Client) -> None:
    inc, trigger, rule = unique("inc"), unique("t"), unique("r")
    client.actions.create(inc, INC, kind="python:3.11")
    doc = client.triggers.create(
        trigger,
        feed="/whisk.system/alarms/alarm",
        feed_parameters={"cron": "*/2 * * * * *", "trigger_payload": {"n": 40}},
    )
    assert {"key": "feed", "value": "/whisk.system/alarms/alarm"} in doc["annotations"]
    client.rules.create(rule, trigger, inc)
    deadline = time.monotonic() + 20
    runs: list[dict[str, object]] = []
    while not runs and time.monotonic() < deadline:
        runs = client.activations.list(name=inc, docs=True)
        time.sleep(0.2)
    assert runs and runs[0]["response"]["result"] == {"n": 41}  # type: ignore[index]

    client.triggers.update(trigger, feed="/whisk.system/alarms/alarm", feed_parameters={"cron": "0 0 1 1 *"})
    read = client.feeds.get("/whisk.system/alarms/alarm", trigger)["response"]["result"]
    assert read["config"]["cron"] == "0 0 1 1 *" and read["config"]["payload"] == {"n": 40}  # an UPDATE

    client.rules.delete(rule)
    client.triggers.delete(trigger)
    with pytest.raises(NotFound):
        client.triggers.get(trigger)
    client.triggers.create(trigger)  # the same name again, with no feed: its old schedule is gone
    with pytest.raises(FeedError, match="could not find trigger"):
        client.feeds.get("/whisk.system/alarms/alarm", trigger)


def test_a_feed_that_refuses_leaves_no_trigger_and_says_why(client: Client) -> None:
    trigger = unique("t")
    with pytest.raises(FeedError) as info:
        client.triggers.create(trigger, feed="/whisk.system/alarms/interval", feed_parameters={"minutes": 0})
    assert str(info.value).startswith("Unable to configure feed '/whisk.system/alarms/interval': ")
    assert "the minutes parameter must be an integer greater than zero" in str(info.value)
    with pytest.raises(NotFound):
        client.triggers.get(trigger)
