"""``/namespaces/{ns}/rules[/{name}]``, per upstream's ``Rules.scala``.

A rule's status lives in its trigger, as upstream keeps it (``rules: {"guest/r": {action, status}}``), and
is read from there (``inactive`` when the trigger is gone); creating, re-pointing and deleting a rule keeps
that entry in step. Enabling or disabling answers ``OK`` as text, as pekko-http's ``complete(OK)`` does.
What this module does not own: firing a trigger's rules (``triggers_api.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import Conflict, InvalidRequest, NotFound
from . import messages as msg
from .base import EntityHandler, parse_bool
from .entities import fqn_json, fqn_string, make_rule, parse_body, rule_refs, rule_response, update_rule
from .invoker import now_ms, resolve

if TYPE_CHECKING:
    from .services import Services

__all__ = ["RuleHandler", "RulesListHandler"]


def _status(services: Services, rule: dict[str, Any]) -> str:
    trigger = services.store.get_entity("triggers", fqn_string(rule["trigger"]))
    link = ((trigger or {}).get("rules") or {}).get(f"{rule['namespace']}/{rule['name']}")
    return str(link["status"]) if link else "inactive"


def _link(services: Services, trigger_path: str, rule_name: str, link: dict[str, Any] | None) -> None:
    """Add (or, with ``None``, remove) the rule's entry in its trigger, if the trigger exists."""
    store = services.store
    trigger = store.get_entity("triggers", trigger_path)
    if trigger is None:
        return
    rules = dict(trigger.get("rules") or {})
    rules.pop(rule_name, None)
    if link is not None:
        rules[rule_name] = link
    trigger["rules"] = rules
    store.put_entity("triggers", trigger_path, trigger)


class RulesListHandler(EntityHandler):
    collection = "rules"

    def get(self, ns: str) -> None:
        self._list(ns, lambda r: r)


class RuleHandler(EntityHandler):
    collection = "rules"

    def put(self, ns: str, name: str) -> None:
        user_ns, path = self._path(ns, name)
        self.require_json()
        body = parse_body(self.request.body)
        overwrite = parse_bool(self, "overwrite", False)
        trigger, action = rule_refs(body, user_ns)
        services = self.services
        old = services.store.get_entity("rules", path)
        if old is not None and not overwrite:
            raise Conflict(msg.RESOURCE_EXISTS)
        if old is None and (trigger is None or action is None):
            raise InvalidRequest(msg.RULE_NEEDS_TRIGGER_AND_ACTION)
        if old is not None:
            trigger = trigger or (old["trigger"]["path"], old["trigger"]["name"])
            action = action or (old["action"]["path"], old["action"]["name"])
        assert trigger is not None and action is not None
        t_path, a_path = "/".join(trigger), "/".join(action)
        if services.store.get_entity("triggers", t_path) is None:
            raise InvalidRequest(f"trigger /{t_path} does not exist")
        if resolve(services, a_path, user_ns) is None:
            raise InvalidRequest(f"action /{a_path} does not exist")
        status = "active" if old is None else _status(services, old)
        now = now_ms()
        doc = make_rule(user_ns, name, body, trigger, action, now) if old is None else None
        if old is not None:
            doc = update_rule(old, body, trigger, action, now)
            if fqn_string(old["trigger"]) != t_path:
                _link(services, fqn_string(old["trigger"]), path, None)
        assert doc is not None
        _link(services, t_path, path, {"action": fqn_json(*action), "status": status})
        services.store.put_entity("rules", path, doc)
        self.reply(rule_response(doc, status))

    def get(self, ns: str, name: str) -> None:
        rule = self._existing(self._path(ns, name)[1])
        self.reply(rule_response(rule, _status(self.services, rule)))

    def delete(self, ns: str, name: str) -> None:
        path = self._path(ns, name)[1]
        rule = self._existing(path)
        _link(self.services, fqn_string(rule["trigger"]), path, None)
        self.services.store.delete_entity("rules", path)
        self.reply(rule_response(rule, "inactive"))

    def post(self, ns: str, name: str) -> None:
        """Enable or disable: ``{"status": "active" | "inactive"}``."""
        path = self._path(ns, name)[1]
        self.require_json()
        body = parse_body(self.request.body)
        wanted = body.get("status")
        if not isinstance(wanted, str):
            raise InvalidRequest(msg.malformed_content("Object is missing required member 'status'"))
        if wanted not in ("active", "inactive"):
            raise InvalidRequest(msg.malformed_content(msg.rule_state_unknown(wanted)))
        rule = self._existing(path)
        t_path = fqn_string(rule["trigger"])
        if self.services.store.get_entity("triggers", t_path) is None:
            raise NotFound(msg.RULE_TRIGGER_MISSING)
        if _status(self.services, rule) != wanted:
            _link(self.services, t_path, path, {"action": rule["action"], "status": wanted})
        self.set_status(200)  # pekko-http complete(OK): the status's text, no JSON
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.finish("OK")
