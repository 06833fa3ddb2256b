"""``/namespaces/{ns}/actions[/{pkg}]/{name}``: create/update, get, delete, list, invoke.

Thin handlers: checks live in ``validation.py``, state in ``store.py``, starting an activation in
``invoker.py`` (packages and bindings resolved there), sequences in ``sequences.py``, execution in
``scheduler.py``.
Responses follow upstream's ``Actions.scala`` (``WhiskActionsApi``), including ``doInvoke``'s status
mapping and the ``x-openwhisk-activation-id`` header.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from ..contract import BLOCKING_WAIT_MS, MAX_PAYLOAD_BYTES
from ..errors import InvalidRequest, NotFound, RequestTooLarge, Throttled
from . import messages as msg
from .base import ApiHandler, parse_bool, parse_skip_limit
from .bodies import json_object
from .conductors import is_conductor, run_composition
from .invoker import Resolved, action_spec, now_ms, resolve, start_job
from .records import public
from .sequences import check_components, run_sequence
from .services import Services
from .sharing import check_shared_package
from .store import Store
from .validation import SEQUENCE, check_name, make_action, parse_put, update_action

__all__ = ["ActionHandler", "ActionsListHandler", "action_spec", "invoke", "start_sequence"]

_STATUS = {0: 200, 1: 502, 2: 502, 3: 500}


def _summary(action: dict[str, Any]) -> dict[str, Any]:
    """The ``actions`` view of upstream's design document: no code, ``exec`` only says ``binary``."""
    return {
        "namespace": action["namespace"],
        "name": action["name"],
        "version": action["version"],
        "publish": action["publish"],
        "annotations": action["annotations"],
        "limits": action["limits"],
        "exec": {"binary": action["exec"].get("binary", False)},
        "updated": action["updated"],
    }


def _with_code(store: Store, path: str, action: dict[str, Any]) -> dict[str, Any]:
    """The document as upstream answers it, ``exec.code`` included (the store keeps code apart)."""
    code = store.action_code(path)
    if not code:
        return action
    return {**action, "exec": {**action["exec"], "code": code}}


class ActionsListHandler(ApiHandler):
    """``GET .../actions`` (and ``GET .../actions/{pkg}/``: the actions of one package)."""

    def get(self, ns: str, package: str | None = None) -> None:
        if package is None:
            namespace = self.namespace(ns)
        else:  # a shared package's actions may be listed from any namespace
            namespace = f"{self.readable_namespace(ns)}/{check_name(package)}"
            if not namespace.startswith(f"{self.user_namespace}/"):
                check_shared_package(self.services.store, namespace)
        skip, limit = parse_skip_limit(self, "actions")
        store = self.services.store
        if parse_bool(self, "count", False):
            self.reply({"actions": store.count_actions(namespace, skip)})
        else:
            self.reply([_summary(a) for a in store.list_actions(namespace, skip, limit)])


class ActionHandler(ApiHandler):
    """One action: ``PUT`` / ``GET`` / ``DELETE`` / ``POST`` (invoke)."""

    def _resolve(
        self, ns: str, first: str, second: str | None, *, read: bool = False
    ) -> tuple[str, str, str]:
        """(entity namespace, name, path) from the URL: ``{name}`` or ``{pkg}/{name}``. A ``read`` (GET,
        invoke) may name another namespace: ``_existing`` then checks it is shared (``sharing.py``)."""
        entity = first if second is None else f"{first}/{second}"
        user_ns = self.readable_namespace(ns) if read else self.namespace(ns, entity)
        check_name(first)
        if second is None:
            return user_ns, first, f"{user_ns}/{first}"
        check_name(second)
        entity_ns = f"{user_ns}/{first}"
        return entity_ns, second, f"{entity_ns}/{second}"

    def _existing(self, path: str) -> Resolved:
        resolved = resolve(self.services, path, self.user_namespace)
        if resolved is None:
            raise NotFound(msg.RESOURCE_NOT_FOUND)
        return resolved

    def _not_on_binding(self, entity_ns: str) -> None:
        """PUT and DELETE of an action in a package binding: 400 (Actions.scala innerRoutes)."""
        if "/" in entity_ns:
            package = self.services.store.get_entity("packages", entity_ns)
            if package is not None and package.get("binding"):
                raise InvalidRequest(msg.NOT_ALLOWED_ON_BINDING)

    def put(self, ns: str, first: str, second: str | None = None) -> None:
        entity_ns, name, path = self._resolve(ns, first, second)
        self._not_on_binding(entity_ns)
        self.require_json()
        put = parse_put(self.request.body)
        overwrite = parse_bool(self, "overwrite", False)
        store = self.services.store
        old = store.get_action(path)
        if put.exec is not None and put.exec["kind"] == SEQUENCE:
            user_ns = self.user_namespace
            put.exec["components"] = [
                f"/{user_ns}/{c.split('/', 2)[2]}" if c.startswith("/_/") else c
                for c in put.exec["components"]
            ]
            check_components(self.services, path, put.exec["components"])
        now = now_ms()
        doc = update_action(old, put, overwrite, now) if old else make_action(entity_ns, name, put, now)
        kept = old is not None and put.exec is None  # the stored code stays the action's code
        store.put_action(path, doc, keep_code=kept)
        self.reply(_with_code(store, path, doc) if kept else doc)

    def get(self, ns: str, first: str, second: str | None = None) -> None:
        _, _, path = self._resolve(ns, first, second, read=True)
        resolved = self._existing(path)
        action = resolved.action
        if parse_bool(self, "code", True):
            action = _with_code(self.services.store, resolved.path, action)
        self.reply(action)

    def delete(self, ns: str, first: str, second: str | None = None) -> None:
        entity_ns, _, path = self._resolve(ns, first, second)
        self._not_on_binding(entity_ns)
        store = self.services.store
        action = store.get_action(path)
        if action is None:
            raise NotFound(msg.RESOURCE_NOT_FOUND)
        action = _with_code(store, path, action)
        store.delete_action(path)
        self.reply(action)

    async def post(self, ns: str, first: str, second: str | None = None) -> None:
        _, _, path = self._resolve(ns, first, second, read=True)
        size = len(self.request.body)
        if size > MAX_PAYLOAD_BYTES:
            raise RequestTooLarge(msg.entity_too_big("Request", size, MAX_PAYLOAD_BYTES))
        blocking = parse_bool(self, "blocking", False)
        result_only = parse_bool(self, "result", False)
        wait_ms = self._timeout()
        resolved = self._existing(path)
        payload = self._payload()
        activation_id, record = await invoke(
            self.services, resolved, payload, self.user_namespace, blocking=blocking, wait_ms=wait_ms
        )
        self.set_header("x-openwhisk-activation-id", activation_id)
        if record is None:  # non-blocking, or still running after the wait: the caller polls
            self.reply({"activationId": activation_id}, 202)
            return
        result = record["response"]["result"]
        if isinstance(result, list):
            body: Any = result
        elif result_only:
            body = result
        else:  # an action's logs are not in its blocking answer; a sequence's (its components' ids) are
            composed = resolved.action["exec"]["kind"] == SEQUENCE or is_conductor(resolved.action)
            body = public(record, logs=composed)
        self.reply(body, _STATUS[record["statusCode"]])

    def _timeout(self) -> int:
        raw = self.get_query_argument("timeout", None)
        if raw is None:
            return BLOCKING_WAIT_MS
        try:
            value = int(raw)
        except ValueError:
            value = -1
        if not 0 < value <= BLOCKING_WAIT_MS:
            raise InvalidRequest(msg.malformed_query_param("timeout", msg.invalid_timeout(BLOCKING_WAIT_MS)))
        return value

    def _payload(self) -> dict[str, Any]:
        """The invoke payload: a JSON object, or nothing."""
        body = self.request.body
        if not body.strip():
            return {}
        self.require_json()
        payload: dict[str, Any] = json_object(body)
        return payload


async def invoke(
    services: Services,
    resolved: Resolved,
    payload: dict[str, Any],
    user_ns: str,
    *,
    blocking: bool,
    wait_ms: int,
) -> tuple[str, dict[str, Any] | None]:
    """Start an action or a sequence (throttled once, as a whole); (its id, its record if it ended within
    ``wait_ms`` of a blocking invoke, else ``None``). The REST invoke and web actions both come here."""
    if resolved.action["exec"]["kind"] == SEQUENCE or is_conductor(resolved.action):
        activation_id, task = start_sequence(services, resolved, payload, user_ns)
        if blocking:
            try:
                return activation_id, await asyncio.wait_for(asyncio.shield(task), wait_ms / 1000)
            except asyncio.TimeoutError:
                pass
        return activation_id, None
    job = start_job(services, resolved, payload, user_ns, blocking=blocking)
    if not blocking:
        return job.activation_id, None
    return job.activation_id, await services.scheduler.wait(job, wait_ms / 1000)


_running: set[asyncio.Task[Any]] = set()  # sequences in flight (a task needs a strong reference)


def start_sequence(
    services: Services, resolved: Resolved, payload: dict[str, Any], user_ns: str
) -> tuple[str, asyncio.Task[dict[str, Any]]]:
    """Run a sequence, or a conductor action's composition, in the background: (its activation id, the
    task whose result is its record). Throttled once, as a whole, before anything starts (``Throttled``);
    the REST invoke, web actions and rules all start one here."""
    in_flight = services.scheduler.in_flight(user_ns)
    if in_flight >= services.scheduler.limit:
        raise Throttled(msg.too_many_concurrent(in_flight, services.scheduler.limit))
    activation_id = uuid.uuid4().hex

    async def run() -> dict[str, Any]:
        if is_conductor(resolved.action):
            return await run_composition(
                services, resolved, payload, user_ns, activation_id, accepted_ms=now_ms()
            )
        record, _ = await run_sequence(
            services, resolved.action, resolved.path, user_ns, payload, activation_id, accepted_ms=now_ms()
        )
        return record

    task = asyncio.get_running_loop().create_task(run())
    _running.add(task)
    task.add_done_callback(_running.discard)
    return activation_id, task
