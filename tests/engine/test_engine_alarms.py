"""The /whisk.system/alarms feeds over real HTTP, driven the way OpenWhisk's clients drive a feed: create
the trigger, invoke the feed action with ``lifecycleEvent``, ``triggerName`` and ``authKey``; then watch
the trigger fire through a rule (cron, interval, once), and keep firing after the engine restarts."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
import requests
from helpers.engine import OwSession, deploy, unique

from jupyter_faas.engine import EngineHandle

RECORD = "def main(args):\n    return {'tick': args.get('tick'), 'at': args.get('at', 0)}\n"


def feed(ow: OwSession, kind: str, event: str, trigger: str, **params: Any) -> requests.Response:
    body = {"lifecycleEvent": event, "triggerName": f"/_/{trigger}", "authKey": ow.engine.auth, **params}
    url = f"{ow.engine.url}/namespaces/whisk.system/actions/alarms/{kind}?blocking=true"
    return ow.post(url, json=body, timeout=60)


def wired(ow: OwSession) -> tuple[str, str]:
    """A trigger with a rule to an action of its own: (trigger, action)."""
    trigger, rule, action = unique("alarm"), unique("rule"), unique("tick")
    deploy(ow, action, RECORD)
    assert ow.put(ow.ns(f"triggers/{trigger}"), json={}).status_code == 200
    r = ow.put(ow.ns(f"rules/{rule}"), json={"trigger": f"/_/{trigger}", "action": f"/_/{action}"})
    assert r.status_code == 200, r.text
    return trigger, action


def fires(ow: OwSession, trigger: str) -> list[dict[str, Any]]:
    """The trigger's activations, oldest first."""
    r = ow.get(ow.ns(f"activations?name={trigger}&limit=200&docs=true"))
    assert r.status_code == 200, r.text
    return sorted(r.json(), key=lambda a: a["start"])


def until(check: Callable[[], Any], timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout} s")


def error(r: requests.Response) -> Any:
    record = r.json()
    assert record["response"]["status"] == "application error", record["response"]
    return record["response"]["result"]["error"]


def test_cron_with_seconds_fires_the_rule_with_the_payload_until_deleted(ow: OwSession) -> None:
    trigger, action = wired(ow)
    r = feed(ow, "alarm", "CREATE", trigger, cron="*/2 * * * * *", trigger_payload={"tick": "cron"})
    assert r.status_code == 200, r.text
    assert r.json()["response"]["result"] == {"status": "success"}
    ticks = until(lambda: len(got := fires(ow, trigger)) >= 2 and got, timeout=20)
    assert all(a["response"]["result"] == {"tick": "cron"} for a in ticks)
    assert ticks[1]["start"] - ticks[0]["start"] >= 1500  # every two seconds, not a burst
    runs = until(lambda: ow.get(ow.ns(f"activations?name={action}&docs=true")).json())
    assert runs[0]["response"]["result"]["tick"] == "cron"  # through the rule to the action

    read = feed(ow, "alarm", "READ", trigger).json()["response"]["result"]
    assert read["config"]["cron"] == "*/2 * * * * *" and read["config"]["name"] == trigger
    assert read["status"]["active"] is True

    assert feed(ow, "alarm", "DELETE", trigger).status_code == 200
    count = len(fires(ow, trigger))
    time.sleep(3)
    assert len(fires(ow, trigger)) == count  # no more fires
    assert "could not find trigger" in str(error(feed(ow, "alarm", "READ", trigger)))


def test_interval_fires_at_its_start_date_and_update_changes_it(ow: OwSession) -> None:
    trigger, _ = wired(ow)
    feed(ow, "interval", "READ", trigger)  # a warm container: a cold start must not outlast the start date
    start = int(time.time() * 1000) + 4000
    r = feed(ow, "interval", "CREATE", trigger, minutes=1, startDate=start, trigger_payload="hi")
    assert r.status_code == 200, r.text
    first = until(lambda: fires(ow, trigger), timeout=20)
    assert first[0]["start"] >= start - 50
    assert first[0]["response"]["result"] == {"payload": "hi"}  # a text payload is wrapped, as upstream's
    r = feed(ow, "interval", "UPDATE", trigger, minutes=5)
    assert r.status_code == 200, r.text
    read = feed(ow, "interval", "READ", trigger).json()["response"]["result"]
    assert read["config"]["minutes"] == 5 and read["config"]["startDate"] == start
    assert read["config"]["payload"] == {"payload": "hi"}  # the package's default "" did not replace it
    assert "no updatable parameters" in str(error(feed(ow, "interval", "UPDATE", trigger)))
    assert feed(ow, "interval", "DELETE", trigger).status_code == 200


def test_once_with_delete_after_fire_rules_removes_the_trigger_and_its_rules(ow: OwSession) -> None:
    trigger, _ = wired(ow)
    rules_before = [r["name"] for r in ow.get(ow.ns("rules?limit=200")).json()]
    date = int(time.time() * 1000) + 2000
    r = feed(ow, "once", "CREATE", trigger, date=date, deleteAfterFire="rules")
    assert r.status_code == 200, r.text
    until(lambda: fires(ow, trigger), timeout=20)
    until(lambda: ow.get(ow.ns(f"triggers/{trigger}")).status_code == 404)
    rules_after = [r["name"] for r in ow.get(ow.ns("rules?limit=200")).json()]
    assert len(rules_after) == len(rules_before) - 1
    assert len(fires(ow, trigger)) == 1


@pytest.mark.parametrize(
    ("kind", "params", "message"),
    [
        ("alarm", {}, "alarms trigger feed is missing the cron parameter"),
        ("alarm", {"cron": "not a cron"}, "cron pattern 'not a cron' is not valid"),
        ("alarm", {"cron": "* * * * *", "timezone": "Mars/Olympus"}, "Invalid timezone."),
        ("interval", {}, "interval trigger feed is missing the minutes parameter"),
        ("interval", {"minutes": 0}, "the minutes parameter must be an integer greater than zero"),
        ("interval", {"minutes": 1.5}, "the minutes parameter must be an integer"),
        (
            "interval",
            {"minutes": 1, "startDate": "yesterday"},
            "startDate parameter 'yesterday' is not a valid Date",
        ),
        ("interval", {"minutes": 1, "startDate": 1000}, "startDate parameter '1000' must be in the future"),
        ("once", {}, "alarms once trigger feed is missing the date parameter"),
        (
            "once",
            {"date": 4102444800000, "deleteAfterFire": "all"},
            "deleteAfterFire parameter must be one of",
        ),
    ],
)
def test_bad_parameters_get_upstreams_message(
    ow: OwSession, kind: str, params: dict[str, Any], message: str
) -> None:
    trigger, _ = wired(ow)
    r = feed(ow, kind, "CREATE", trigger, **params)
    assert r.status_code == 502, r.text
    assert message in error(r)["error"]
    assert "could not find trigger" in str(error(feed(ow, kind, "READ", trigger)))  # nothing was kept


def test_the_provider_checks_the_key_and_the_trigger(ow: OwSession) -> None:
    trigger, _ = wired(ow)
    wrong = {
        "lifecycleEvent": "CREATE",
        "triggerName": f"/_/{trigger}",
        "authKey": "guest:wrong",
        "cron": "* * * * *",
    }
    url = f"{ow.engine.url}/namespaces/whisk.system/actions/alarms/alarm?blocking=true"
    r = ow.post(url, json=wrong)
    assert error(r) == {"error": "Trigger authentication request failed."}
    missing = feed(ow, "alarm", "CREATE", unique("missing"), cron="* * * * *")
    assert error(missing) == {"error": "Trigger authentication request failed."}
    assert feed(ow, "alarm", "CREATE", trigger, cron="0 0 1 1 *").status_code == 200
    again = feed(ow, "alarm", "CREATE", trigger, cron="0 0 1 1 *")
    assert "already exists" in error(again)["error"]
    # the provider's web action, called directly with no key at all: 400, and no engine key asked for
    direct = requests.post(
        f"{ow.engine.apihost}/api/v1/web/whisk.system/alarmsWeb/alarmWebAction.http",
        json={"triggerName": f"/_/{trigger}", "cron": "* * * * *"},
        timeout=10,
    )
    assert direct.status_code == 401 and direct.json() == {"error": "Trigger authentication request failed."}
    assert feed(ow, "alarm", "DELETE", trigger).status_code == 200


def test_schedules_resume_after_a_restart(start_engine: Callable[..., EngineHandle], tmp_path: Any) -> None:
    data = tmp_path / "engine"
    first = start_engine(data_dir=data)
    with OwSession(first) as ow:
        trigger, _ = wired(ow)
        assert feed(ow, "alarm", "CREATE", trigger, cron="*/2 * * * * *").status_code == 200
        until(lambda: fires(ow, trigger), timeout=20)
    first.stop()
    stopped = time.time() * 1000
    second = start_engine(data_dir=data)
    with OwSession(second) as ow:
        after = until(lambda: [a for a in fires(ow, trigger) if a["start"] > stopped], timeout=20)
        assert after[0]["response"]["result"] == {}
        assert feed(ow, "alarm", "READ", trigger).json()["response"]["result"]["status"]["active"] is True
        assert feed(ow, "alarm", "DELETE", trigger).status_code == 200
