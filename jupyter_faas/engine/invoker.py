"""Starting one activation, whoever asks: an invoke (``actions_api.py``), a sequence's component
(``sequences.py``) or a rule of a fired trigger (``triggers_api.py``).

Owns resolving an action by its path, through packages and bindings, with the parameters upstream's
``resolveActionAndMergeParameters`` gives it (package < binding < action < payload), the runtime's view of
one revision (``ActionSpec``, cached), partitioning the arguments as upstream's invoker does (parameters
marked ``init: true`` leave the run's arguments on every run and become the environment of a cold start's
init), and admitting the job. Does not own waiting for the record
(``scheduler.py``) nor running sequences (``sequences.py``).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..runtime import ActionSpec, RunRequest
from .scheduler import Job
from .services import Services
from .sharing import check_visible

__all__ = ["Resolved", "action_spec", "now_ms", "resolve", "start_job"]


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class Resolved:
    """An action found by its path: the document, its store path, and its inherited parameters."""

    action: dict[str, Any]
    path: str  # "guest/name" or "guest/pkg/name" (the bound package's path when reached through a binding)
    inherited: dict[str, Any]  # package (and binding) parameters, under the action's own


def resolve(services: Services, path: str, user_ns: str | None = None) -> Resolved | None:
    """The action at ``guest/name`` or ``guest/pkg/name`` (``pkg`` may be a binding), or ``None``.

    With ``user_ns``, what that namespace may not read or activate (``sharing.py``) is 403, before it is
    looked up, so a private entity of another namespace is not told apart from a missing one."""
    store = services.store
    if user_ns is not None:
        check_visible(store, user_ns, path)
    parts = path.split("/")
    inherited: dict[str, Any] = {}
    if len(parts) == 3:
        package = store.get_entity("packages", f"{parts[0]}/{parts[1]}")
        if package is not None:
            binding = package.get("binding")
            if binding:
                path = f"{binding['namespace']}/{binding['name']}/{parts[2]}"
                if user_ns is not None:  # the bound package may have been unshared since
                    check_visible(store, user_ns, path)
                bound = store.get_entity("packages", f"{binding['namespace']}/{binding['name']}")
                inherited.update(_values(bound["parameters"]) if bound else {})
            inherited.update(_values(package["parameters"]))
    action = store.get_action(path)
    return None if action is None else Resolved(action, path, inherited)


def _values(parameters: list[dict[str, Any]]) -> dict[str, Any]:
    return {p["key"]: p["value"] for p in parameters}


_spec_cache: dict[str, ActionSpec] = {}


def action_spec(
    action: dict[str, Any], path: str, code_source: Callable[[], str] | None = None
) -> ActionSpec:
    """The runtime's view of one revision; ``updated`` in the key makes every update run cold."""
    key = f"{path}@{action['version']}#{action['updated']}"
    spec = _spec_cache.get(key)
    if spec is None:
        if len(_spec_cache) > 1024:  # old revisions: no need to keep them
            _spec_cache.clear()
        exec_ = action["exec"]
        limits = action["limits"]
        spec = _spec_cache[key] = ActionSpec(
            key=key,
            kind=exec_["kind"],
            code=exec_.get("code", ""),
            code_source=code_source,  # read at a cold start: the engine holds no code in memory
            binary=bool(exec_.get("binary")),
            main=exec_.get("main") or "main",
            image=exec_.get("image"),
            memory_mb=limits["memory"],
            timeout_ms=limits["timeout"],
            logs_mb=limits["logs"],
        )
    return spec


def start_job(
    services: Services,
    resolved: Resolved,
    payload: dict[str, Any] | None,
    user_ns: str,
    *,
    blocking: bool,
    cause: str | None = None,
    throttle: bool = True,
    activation_id: str | None = None,
) -> Job:
    """Admit one activation of an atomic action (``Throttled`` when the namespace is full)."""
    action = resolved.action
    params = (
        {**resolved.inherited, **_values(action["parameters"])}
        if resolved.inherited
        else _values(action["parameters"])
    )
    if payload:
        params.update(payload)
    init_names = [p["key"] for p in action["parameters"] if p.get("init") is True]
    init_env = {name: _env_value(params.pop(name)) for name in init_names if name in params}
    request = RunRequest(
        params=params,
        activation_id=activation_id or uuid.uuid4().hex,
        namespace=user_ns,
        action_name=f"/{resolved.path}",
        action_version=action["version"],
        api_host=services.api_host,
        api_key=services.auth if _provides_key(action) else None,
        transaction_id=uuid.uuid4().hex,  # __OW_TRANSACTION_ID, as the controller's TransactionId
        init_env=init_env,
    )
    store, path = services.store, resolved.path
    spec = action_spec(action, path, lambda: store.action_code(path))
    job = Job(action, spec, request, user_ns, now_ms())
    job.cause = cause
    services.scheduler.admit(job, blocking=blocking, throttle=throttle)
    return job


def _env_value(value: Any) -> str:
    """An init parameter as an environment value: strings kept, null empty, the rest compact JSON."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return json.dumps(value, separators=(",", ":"))


def _provides_key(action: dict[str, Any]) -> bool:
    return any(a["key"] == "provide-api-key" and a["value"] is True for a in action["annotations"])
