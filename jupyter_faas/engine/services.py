"""The services one engine process builds once and every handler reaches (``self.services``).

Owns nothing but their wiring: the store, the scheduler, the key and namespace the engine accepts, the
browser guard (``Host`` / ``Origin``), the alarms provider, and the address actions are told
(``__OW_API_HOST``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..contract import GUEST_NAMESPACE
from .browser import BrowserGuard
from .scheduler import Scheduler
from .store import Store

if TYPE_CHECKING:
    from .alarms import Provider

__all__ = ["Services"]


@dataclass
class Services:
    store: Store
    scheduler: Scheduler
    auth: str  # "uuid:key", compared with what Basic authentication supplies; never logged
    guard: BrowserGuard = field(default_factory=lambda: BrowserGuard.for_address("127.0.0.1"))
    namespace: str = GUEST_NAMESPACE
    api_host: str = ""
    alarms: Provider | None = None  # the alarms feed's provider (alarms.py), armed once the loop runs
    accepted_header: str = ""  # the last Authorization header that carried ``auth`` (a fast path)
