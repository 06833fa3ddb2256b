"""Browser defences of the engine: which ``Host`` and ``Origin`` headers a request may carry.

The engine runs code as its user, so a web page the user visits must not be able to drive it, whether
through DNS rebinding (a foreign name resolving to 127.0.0.1: refused by the ``Host`` check) or a
cross-site request (refused by the ``Origin`` check; plain clients such as ``wsk``, requests and the
official JS client on Node send no ``Origin``). Jupyter's server holds the same line (``allow_remote_access``,
``allow_origin``). Allowed:

* ``Host``: the bound address, ``localhost``, ``127.0.0.1``, ``[::1]``, and names given with
  ``--allow-host``; when the engine is bound to every interface on purpose, any IP literal too;
* ``Origin``: none, or one given with ``--allow-origin`` (then echoed in ``Access-Control-Allow-Origin``).

Form and text bodies are refused elsewhere (``ApiHandler.require_json``: 415). Web actions are the one
deliberate exception: their handlers set ``browser_public`` and skip the ``Origin`` check, as upstream serves
them to any origin with ``Access-Control-Allow-Origin: *`` and no key; the ``Host`` check still holds for
them (a rebinding page gains nothing CORS does not give, and a foreign name stays a foreign name).
What this module does not own: authentication (``base.py``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..errors import Forbidden

__all__ = ["LOCAL_NAMES", "BrowserGuard", "host_name"]

LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
_WILDCARDS = {"0.0.0.0", "::", ""}


def host_name(header: str) -> str:
    """The host part of a ``Host`` header, lowercased: ``[::1]:3233`` -> ``::1``, ``a.b:80`` -> ``a.b``."""
    text = header.strip().lower()
    if text.startswith("["):
        end = text.find("]")
        return text[1:end] if end > 0 else text
    if text.count(":") == 1:
        return text.split(":", 1)[0]
    return text


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class BrowserGuard:
    hosts: frozenset[str]
    origins: frozenset[str]
    any_ip: bool = False  # bound to every interface: other machines reach it by IP

    @classmethod
    def for_address(
        cls, bound: str, extra_hosts: Iterable[str] = (), origins: Iterable[str] = ()
    ) -> BrowserGuard:
        bound = host_name(bound) if bound.startswith("[") else bound.strip().lower()
        hosts = set(LOCAL_NAMES) | {host_name(h) for h in extra_hosts if h.strip()}
        if bound not in _WILDCARDS:
            hosts.add(bound)
        return cls(
            frozenset(hosts),
            frozenset(o.strip().rstrip("/").lower() for o in origins if o.strip()),
            any_ip=bound in _WILDCARDS,
        )

    def check(self, headers: Mapping[str, str]) -> str | None:
        """Raise ``Forbidden`` for a foreign Host or Origin; return the Origin to echo (allowed), or None."""
        self.check_host(headers)
        return self.check_origin(headers)

    def check_host(self, headers: Mapping[str, str]) -> None:
        """Raise ``Forbidden`` for a ``Host`` that is not an address of this engine (DNS rebinding)."""
        host = headers.get("Host")
        if host is not None:
            name = host_name(host)
            if name not in self.hosts and not (self.any_ip and _is_ip(name)):
                raise Forbidden(
                    f"Request refused: the Host header {host[:100]!r} is not an address of this engine "
                    "(protection against DNS rebinding). "
                    "Call the engine as http://127.0.0.1:PORT or http://localhost:PORT, or start it "
                    "with --allow-host NAME to accept that name.",
                )

    def check_origin(self, headers: Mapping[str, str]) -> str | None:
        """Raise ``Forbidden`` for an ``Origin`` not allowed; return the one to echo, or None."""
        origin = headers.get("Origin")
        if origin is None:
            return None
        if origin.strip().rstrip("/").lower() in self.origins:
            return origin
        raise Forbidden(
            f"Request refused: browser requests from the origin {origin[:100]!r} are not allowed. "
            "Call the engine from a program (no Origin header), or start it with "
            "--allow-origin ORIGIN to let that page use it.",
        )
