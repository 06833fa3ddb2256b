"""Conductor actions on a real engine (issue 14, part 1), as the contract's part 2, section 2 and
upstream's ``ConductorsApiTests`` have them: the protocol loop with ``params`` and ``state``, the step limit
and its message, errors fed back to the conductor, name resolution failures, and the records (the
primary's ``logs`` listing the derived ids, every derived record caused by it)."""

from __future__ import annotations

import pytest
from helpers.engine import OwSession, annotations, deploy, invoke, poll, unique

# Runs the component named in "$action" "steps" times on "value", then ends with the value.
CONDUCTOR = """
def main(a):
    step = a.pop("$step", 0)
    steps = a.pop("$steps", a.pop("steps", 0))
    target = a.pop("$action", a.pop("action", "incr"))
    if "error" in a:
        return {"params": {"stopped": a["error"], "at": step}}
    if step < steps:
        return {"action": target, "params": {"value": a.get("value", 0)},
                "state": {"$step": step + 1, "$steps": steps, "$action": target}}
    return {"params": {"value": a.get("value", 0)}}
"""
INCR = "def main(a):\n    return {'value': a.get('value', 0) + 1}\n"
FAIL = "def main(a):\n    return {'error': 'component said no'}\n"


@pytest.fixture(scope="module")
def names(engine) -> dict[str, str]:
    ow = OwSession(engine)
    names = {k: unique(k) for k in ("conductor", "incr", "fail")}
    deploy(ow, names["incr"], INCR)
    deploy(ow, names["fail"], FAIL)
    deploy(ow, names["conductor"], CONDUCTOR, annotations=[{"key": "conductor", "value": True}])
    return names


def test_a_composition_runs_its_components_and_records_every_step(ow: OwSession, names) -> None:
    r = invoke(ow, names["conductor"], {"steps": 3, "action": names["incr"], "value": 10})
    assert r.status_code == 200, r.text
    primary = r.json()
    assert primary["response"]["result"] == {"value": 13}
    notes = annotations(primary)
    assert (notes["kind"], notes["conductor"], notes["topmost"]) == ("sequence", True, True)
    assert len(primary["logs"]) == 7  # conductor (component conductor) x 3
    derived = [poll(ow, aid) for aid in primary["logs"]]
    assert [d["name"] for d in derived] == [names["conductor"], names["incr"]] * 3 + [names["conductor"]]
    assert all(d["cause"] == primary["activationId"] for d in derived)
    assert all(annotations(d)["causedBy"] == "sequence" for d in derived)
    assert primary["duration"] == sum(d["duration"] for d in derived)


def test_exactly_the_limit_succeeds_and_one_more_is_too_many(ow: OwSession, names) -> None:
    ok = invoke(ow, names["conductor"], {"steps": 50, "action": names["incr"]}).json()
    assert ok["response"]["result"] == {"value": 50}
    over = invoke(ow, names["conductor"], {"steps": 51, "action": names["incr"]}).json()
    # the 51st component is refused: the conductor receives the error and ends with it
    assert over["response"]["result"] == {"stopped": "Too many actions in the composition.", "at": 51}


def test_a_components_error_is_fed_back_and_the_composition_goes_on(ow: OwSession, names) -> None:
    r = invoke(ow, names["conductor"], {"steps": 2, "action": names["fail"]}).json()
    assert r["response"]["result"] == {"stopped": "component said no", "at": 1}
    assert r["response"]["status"] == "success"


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (42, "Failed to parse action name from json value 42 during composition."),
        ("a/b/c", 'Failed to parse action name from json value "a/b/c" during composition.'),
        ("no-such-action", "Failed to resolve action with name '/guest/no-such-action' during composition."),
        ("/someone/x", "Failed entitlement check for action with name '/someone/x' during composition."),
    ],
)
def test_a_name_that_cannot_be_used_comes_back_as_an_error(ow: OwSession, names, action, message) -> None:
    r = invoke(ow, names["conductor"], {"steps": 1, "action": action}).json()
    assert r["response"]["result"] == {"stopped": message, "at": 1}


def test_a_conductor_result_with_an_error_ends_the_composition_as_an_application_error(ow: OwSession) -> None:
    name = unique("failing-conductor")
    deploy(
        ow,
        name,
        "def main(a):\n    return {'error': 'cannot compose'}\n",
        annotations=[{"key": "conductor", "value": "false"}],
    )  # "false" is a non-empty string: truthy
    r = invoke(ow, name)
    assert r.status_code == 502
    response = r.json()["response"]
    assert (response["status"], response["success"]) == ("application error", False)
    assert response["result"] == {"error": "cannot compose"}


def test_a_non_blocking_invoke_answers_the_primary_id(ow: OwSession, names) -> None:
    q = f"actions/{names['conductor']}"
    accepted = ow.post(ow.ns(q), json={"steps": 1, "action": names["incr"]})
    assert accepted.status_code == 202
    record = poll(ow, accepted.json()["activationId"])
    assert record["response"]["result"] == {"value": 1} and annotations(record)["conductor"] is True
