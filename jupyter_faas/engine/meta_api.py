"""Descriptive routes: ``GET /`` and ``GET /api/v1`` (no authentication), the namespace list and limits.

Shapes from upstream's ``Controller.info``, ``RestAPIs.info``, ``Namespaces`` and ``Limits`` (UserLimits).
"""

from __future__ import annotations

from typing import Any

from .. import __version__
from ..contract import (
    API_VERSION,
    DEFAULT_NODE_KIND,
    DEFAULT_PYTHON_KIND,
    KINDS,
    LIMITS,
    MAX_PAYLOAD_BYTES,
    NODE_KINDS,
)
from ..runtime.environments import available_kinds
from .base import ApiHandler

__all__ = ["ApiInfoHandler", "InfoHandler", "LimitsHandler", "NamespacesHandler"]

_MB = 1024 * 1024


def _runtimes() -> dict[str, Any]:
    """The manifest: the stock kinds, python:3.12/3.13 where this machine has their interpreter, and the
    Node.js kinds whose node it has."""
    offered = available_kinds()
    manifest: dict[str, Any] = {
        "python": [
            {
                "kind": k.name,
                "image": k.image,
                "deprecated": k.deprecated,
                "default": k.name == DEFAULT_PYTHON_KIND,
                "attached": True,
                "requireMain": False,
            }
            for k in KINDS.values()
            if k.name in offered
        ]
    }
    nodes = [k for k in NODE_KINDS.values() if k.name in offered]
    if nodes:
        manifest["nodejs"] = [
            {
                "kind": k.name,
                "image": k.image,
                "deprecated": k.deprecated,
                "default": k.name == DEFAULT_NODE_KIND,
                "attached": True,
                "requireMain": False,
            }
            for k in nodes
        ]
    return manifest


class InfoHandler(ApiHandler):
    requires_auth = False

    def get(self) -> None:
        t, m, lg = LIMITS["timeout"], LIMITS["memory"], LIMITS["logs"]
        limits = {
            "actions_per_minute": 60,  # standalone.conf (not enforced here)
            "triggers_per_minute": 60,
            "concurrent_actions": self.services.scheduler.limit,
            "sequence_length": 50,
            "default_min_action_duration": t.min,
            "default_max_action_duration": t.max,
            "default_min_action_memory": m.min * _MB,
            "default_max_action_memory": m.max * _MB,
            "default_min_action_logs": lg.min * _MB,
            "default_max_action_logs": lg.max * _MB,
            "min_action_duration": t.min,
            "max_action_duration": t.max,
            "min_action_memory": m.min * _MB,
            "max_action_memory": m.max * _MB,
            "min_action_logs": lg.min * _MB,
            "max_action_logs": lg.max * _MB,
        }
        self.reply(
            {
                "description": "OpenWhisk",
                "support": {
                    "github": "https://github.com/apache/openwhisk/issues",
                    "slack": "http://slack.openwhisk.org",
                },
                "api_paths": ["/api/v1"],
                "limits": limits,
                "runtimes": _runtimes(),
            }
        )


class ApiInfoHandler(ApiHandler):
    requires_auth = False

    def get(self) -> None:
        self.reply(
            {
                "description": "OpenWhisk API",
                "api_version": API_VERSION,
                "api_version_path": "v1",
                "build": f"jupyter-faas {__version__}",
                "buildno": __version__,
                "swagger_paths": {"ui": "/api/v1/docs", "api-docs": "/api/v1/api-docs"},
            }
        )


class NamespacesHandler(ApiHandler):
    def get(self) -> None:
        self.reply([self.user_namespace])


class LimitsHandler(ApiHandler):
    def get(self, ns: str) -> None:
        self.namespace(ns)
        limit = self.services.scheduler.limit
        self.reply(
            {
                "invocationsPerMinute": 60,  # standalone.conf (not enforced here)
                "concurrentInvocations": limit,
                "firesPerMinute": 60,
                "minActionMemory": LIMITS["memory"].min,
                "maxActionMemory": LIMITS["memory"].max,
                "minActionLogs": LIMITS["logs"].min,
                "maxActionLogs": LIMITS["logs"].max,
                "minActionTimeout": LIMITS["timeout"].min,
                "maxActionTimeout": LIMITS["timeout"].max,
                "minActionConcurrency": LIMITS["concurrency"].min,
                "maxActionConcurrency": LIMITS["concurrency"].max,
                "maxParameterSize": f"{MAX_PAYLOAD_BYTES // _MB} MB",
                "maxActionInstances": limit,
            }
        )
