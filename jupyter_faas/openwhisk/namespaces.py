"""Namespaces: the namespaces a key can use, and the limits of the caller's namespace. Nothing else."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import Client

__all__ = ["Namespaces"]


class Namespaces:
    def __init__(self, client: Client) -> None:
        self.client = client

    def list(self) -> list[str]:
        """``GET /namespaces``: the namespaces the key may use (``["guest"]`` on a standalone OpenWhisk)."""
        return list(self.client.request("GET", "namespaces").body or [])

    def limits(self, namespace: str = "_") -> dict[str, Any]:
        """``GET /namespaces/{ns}/limits``: the namespace's invocation and size limits."""
        return dict(self.client.request("GET", f"namespaces/{namespace}/limits").body or {})
