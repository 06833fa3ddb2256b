"""When an alarms schedule fires next, and what its parameters must be (engine/alarm_schedules.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from jupyter_faas.engine.alarm_schedules import check_config, iso, next_fire, parse_date
from jupyter_faas.errors import InvalidRequest


def ms(text: str) -> int:
    return int(dt.datetime.fromisoformat(text).timestamp() * 1000)


NOW = ms("2026-12-02T10:00:00.500+00:00")


def test_interval_fires_at_the_start_then_every_period() -> None:
    config = check_config({"isInterval": True, "minutes": 2, "startDate": NOW + 1000}, NOW)
    assert next_fire(config, NOW) == NOW + 1000
    assert next_fire(config, NOW + 1000) == NOW + 1000 + 120_000  # strictly after
    assert next_fire(config, NOW + 1000 + 250_000) == NOW + 1000 + 360_000
    default = check_config({"isInterval": True, "minutes": 1}, NOW)
    assert default["startDate"] == NOW + 30_000  # upstream's delay before an interval's first fire


def test_cron_five_and_six_fields_and_timezones() -> None:
    minute = check_config({"cron": "*/5 * * * *"}, NOW)
    assert next_fire(minute, NOW) == ms("2026-12-02T10:05:00+00:00")
    seconds = check_config({"cron": "*/2 * * * * *"}, NOW)  # six fields: seconds first, as node's cron
    assert next_fire(seconds, NOW) == ms("2026-12-02T10:00:02+00:00")
    paris = check_config({"cron": "0 12 * * *", "timezone": "Europe/Paris"}, NOW)
    assert next_fire(paris, NOW) == ms("2026-12-02T11:00:00+00:00")  # noon in Paris is 11:00 UTC in winter
    late = check_config({"cron": "* * * * *", "startDate": NOW + 3_600_000}, NOW)
    assert next_fire(late, NOW) == ms("2026-12-02T11:01:00+00:00")  # nothing before the start date


def test_a_stop_date_ends_the_schedule() -> None:
    config = check_config({"cron": "*/10 * * * *", "stopDate": NOW + 900_000}, NOW)
    assert next_fire(config, NOW) == ms("2026-12-02T10:10:00+00:00")
    assert next_fire(config, ms("2026-12-02T10:10:00+00:00")) is None
    with pytest.raises(InvalidRequest, match="first scheduled trigger fire is not until after the stop date"):
        check_config({"cron": "0 0 1 1 *", "stopDate": NOW + 60_000}, NOW)


def test_once_keeps_its_date_and_delete_after_fire() -> None:
    config = check_config({"fireOnce": True, "date": iso(NOW + 5000), "deleteAfterFire": "true"}, NOW)
    assert config["date"] == NOW + 5000 and config["deleteAfterFire"] is True
    assert next_fire(config, NOW + 10_000) == NOW + 5000  # missed while stopped: fires at once


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"cron": "61 * * * *"}, "cron pattern '61 * * * *' is not valid"),
        ({"cron": "* * * * *", "maxTriggers": 3, "stopDate": NOW + 10**9}, "maxTriggers is not allowed"),
        (
            {"cron": "* * * * *", "startDate": NOW + 2000, "stopDate": NOW + 1000},
            "must be greater than the startDate parameter",
        ),
        ({"isInterval": True, "minutes": 1, "maxTriggers": 2}, "maxTriggers is not supported"),
        ({"isInterval": True, "minutes": "1"}, "the minutes parameter must be an integer"),
        ({"fireOnce": True, "date": "2026-02-30"}, "date parameter '2026-02-30' is not a valid Date"),
    ],
)
def test_bad_parameters(params: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidRequest, match=message.replace("*", r"\*")):
        check_config(params, NOW)


def test_an_update_does_not_check_the_dates_it_keeps() -> None:
    config = check_config({"isInterval": True, "minutes": 1, "startDate": NOW + 1000}, NOW)
    later = NOW + 600_000  # the start date has passed
    updated = check_config(
        {"isInterval": True, "minutes": 5, "startDate": config["startDate"]}, later, config
    )
    assert updated["minutes"] == 5 and updated["startDate"] == NOW + 1000
    with pytest.raises(InvalidRequest, match="must be in the future"):
        check_config({"isInterval": True, "minutes": 5, "startDate": NOW + 2000}, later, config)


def test_dates_are_read_as_javascript_reads_them() -> None:
    assert parse_date("d", 1796253244223) == 1796253244223
    assert parse_date("d", "2026-12-02T10:00:00.500Z") == NOW
    assert parse_date("d", "2026-12-02") == ms("2026-12-02T00:00:00+00:00")  # a date alone is UTC
    assert iso(NOW) == "2026-12-02T10:00:00.500Z"
