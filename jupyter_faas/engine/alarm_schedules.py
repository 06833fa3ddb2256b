"""What an alarms feed's parameters mean: their checks, in upstream's words, and when a trigger fires next
(openwhisk-package-alarms ``action/alarmWebAction.js``, ``provider/lib/{cronAlarm,intervalAlarm,dateAlarm}``).

Three kinds of schedule, told apart by the parameters their feed action binds:
- ``alarm`` (``cron``: 5 fields, or 6 with seconds first, as node's ``cron`` reads them; ``timezone``,
  ``startDate``, ``stopDate``, the deprecated ``maxTriggers``);
- ``interval`` (``isInterval``; ``minutes``, ``startDate`` (now + 30 s by default), ``stopDate``);
- ``once`` (``fireOnce``; ``date``, ``deleteAfterFire``: false, true or rules).
Dates are what JavaScript's ``new Date()`` takes here: epoch milliseconds, or an ISO 8601 text. Pure
functions over a config dictionary; the provider that keeps and fires them is ``alarms.py``.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

from ..errors import InvalidRequest

__all__ = ["UPDATABLE", "check_config", "iso", "next_fire", "parse_date"]

INTERVAL_DELAY_MS = 30_000  # an interval's default startDate: now + 30 s
UPDATABLE = (
    "cron",
    "timezone",
    "startDate",
    "stopDate",
    "minutes",
    "date",
    "deleteAfterFire",
    "trigger_payload",
)


def iso(ms: float) -> str:
    """JavaScript's ``Date.toISOString``."""
    moment = dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_date(name: str, value: Any) -> int:
    """A date parameter as epoch milliseconds, or 400 ``<name> parameter '<value>' is not a valid Date``."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            moment = None
        if moment is not None:
            if moment.tzinfo is None:  # JavaScript: a date alone is UTC, a date and time is local time
                moment = moment.replace(tzinfo=dt.timezone.utc) if len(text) <= 10 else moment.astimezone()
            return int(moment.timestamp() * 1000)
    raise InvalidRequest(f"{name} parameter '{value}' is not a valid Date")


def _future(name: str, value: Any, now_ms: int, kept: dict[str, Any] | None) -> int:
    """``value`` as a date after ``now_ms``; a date an update keeps from ``kept`` (the stored config) is
    not checked again, as upstream checks only the parameters an update gives."""
    ms = parse_date(name, value)
    if kept is not None and kept.get(name) == ms:
        return ms
    if ms <= now_ms:
        raise InvalidRequest(f"{name} parameter '{value}' must be in the future")
    return ms


def _cron(expression: Any, timezone: Any) -> None:
    if not isinstance(expression, str) or not croniter.is_valid(
        expression, second_at_beginning=_six(expression)
    ):
        raise InvalidRequest(f"cron pattern '{expression}' is not valid")
    if timezone is not None:
        _zone(timezone)


def _six(expression: str) -> bool:
    return len(expression.split()) == 6


def _zone(timezone: Any) -> dt.tzinfo:
    try:
        return ZoneInfo(str(timezone))
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidRequest("Invalid timezone.") from None


def check_config(params: dict[str, Any], now_ms: int, kept: dict[str, Any] | None = None) -> dict[str, Any]:
    """A new schedule from a CREATE's parameters (an UPDATE's merged over ``kept``, the stored config):
    the config to store, or 400 with upstream's message."""
    kind = "once" if params.get("fireOnce") else "interval" if params.get("isInterval") else "alarm"
    payload = params.get("trigger_payload")
    config: dict[str, Any] = {
        "type": kind,
        # JavaScript's `trigger_payload || {}`: the package's default "" is no payload
        "payload": {"payload": payload} if isinstance(payload, str) and payload else payload or {},
        "maxTriggers": -1,
    }
    if kind == "once":
        if params.get("date") is None:
            raise InvalidRequest("alarms once trigger feed is missing the date parameter")
        config["date"] = _future("date", params["date"], now_ms, kept)
        after = params.get("deleteAfterFire", False)
        if after not in (False, True, "rules", "false", "true"):
            raise InvalidRequest("deleteAfterFire parameter must be one of [false, true, rules].")
        config["deleteAfterFire"] = {"false": False, "true": True}.get(after, after)
        return config
    start, stop = (
        _future(name, params[name], now_ms, kept) if params.get(name) is not None else None
        for name in ("startDate", "stopDate")
    )
    if start is not None and stop is not None and stop <= start:
        raise InvalidRequest(
            f"stopDate parameter '{params['stopDate']}' must be greater than the startDate parameter "
            f"'{params['startDate']}'"
        )
    if kind == "interval":
        minutes = params.get("minutes")
        if minutes is None:
            raise InvalidRequest("interval trigger feed is missing the minutes parameter")
        if isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or minutes != int(minutes):
            raise InvalidRequest("the minutes parameter must be an integer")
        if minutes <= 0:
            raise InvalidRequest("the minutes parameter must be an integer greater than zero")
        if params.get("maxTriggers") is not None:
            raise InvalidRequest("maxTriggers is not supported for the interval trigger feed")
        config.update(minutes=int(minutes), startDate=start or now_ms + INTERVAL_DELAY_MS, stopDate=stop)
        return config
    if params.get("cron") is None:
        raise InvalidRequest("alarms trigger feed is missing the cron parameter")
    _cron(params["cron"], params.get("timezone"))
    if params.get("maxTriggers") is not None and stop is not None:
        raise InvalidRequest("maxTriggers is not allowed when the stopDate parameter is specified")
    config.update(
        cron=params["cron"], timezone=params.get("timezone"), startDate=start, stopDate=stop,
        strict=params.get("strict") in (True, "true"),
    )  # fmt: skip
    if params.get("maxTriggers") is not None:
        config["maxTriggers"] = int(params["maxTriggers"])
    first = next_fire(config, now_ms)
    if stop is not None and (first is None or first >= stop):
        raise InvalidRequest("the first scheduled trigger fire is not until after the stop date")
    return config


def next_fire(config: dict[str, Any], after_ms: int) -> int | None:
    """When the schedule fires next after ``after_ms`` (epoch ms), or ``None`` when it never will."""
    kind, stop = config["type"], config.get("stopDate")
    if kind == "once":
        return int(config["date"])  # a fire missed while the engine was stopped happens at once
    start = config.get("startDate")
    if kind == "interval":
        start, period = int(config["startDate"]), config["minutes"] * 60_000
        when = start if after_ms < start else start + (math.floor((after_ms - start) / period) + 1) * period
    else:
        zone = _zone(config["timezone"]) if config.get("timezone") else dt.timezone.utc
        base = max(after_ms, start - 1) if start is not None else after_ms
        moment = dt.datetime.fromtimestamp(base / 1000, zone)
        it = croniter(config["cron"], moment, second_at_beginning=_six(config["cron"]))
        when = int(it.get_next(dt.datetime).timestamp() * 1000)
    return None if stop is not None and when >= stop else when
