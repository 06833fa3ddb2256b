"""The magics' session state on one shell, and the one boundary where ``FaasError`` becomes ``UsageError``.

``Session.of(shell)`` is the single object (kept on the shell) that holds the resolved ``Config`` and its
``Client``: resolved on first use, by ``config.resolve`` (arguments of ``%faas_config`` > ``__OW_*`` >
``WSK_CONFIG_FILE`` / ``~/.wskprops``), else the embedded engine, started (or reused) and announced once.
``faas_errors`` wraps every magic: an error of the tree, or the kernel's interrupt, is shown as a
``UsageError`` (message + fix, no traceback), its next steps worded as magics (``NOTEBOOK``), with the key
masked if it ever appears.
It does not parse magic arguments (``deploy.py``, ``invoke.py``, ``config.py``) nor render (``display/``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from IPython.core.error import UsageError

from ..config import EMBEDDED, Config, mask_key, resolve
from ..errors import COMMANDS, FaasError, NotConfigured, Wording

if TYPE_CHECKING:
    from ..openwhisk import Client

__all__ = ["NOTEBOOK", "Session", "faas_errors"]

F = TypeVar("F", bound=Callable[..., Any])
_ATTRIBUTE = "_jupyter_faas_session"
# An error's next steps in a notebook's words: the magic that does it, else the command as a shell escape.
_MAGICS = {
    "action.list": "%faas_actions",
    "activation.get": "%faas_poll",
    "activation.list": "%faas_activations",
    "activation.logs": "%faas_logs",
    "config": "%faas_config",
    "deploy": "%%faas_deploy",
    "engine.start": "%faas_config --local",
}
NOTEBOOK: Wording = {verb: _MAGICS.get(verb, f"!{command}") for verb, command in COMMANDS.items()}


class Session:
    """Where the magics of one shell send their calls: one ``Config``, one ``Client``."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self.overrides: dict[str, Any] = {}  # from %faas_config --apihost/--auth/--namespace/--insecure
        self.local = False  # %faas_config --local: the embedded engine whatever else is configured
        self.engine_announced = False
        self._config: Config | None = None
        self._client: Client | None = None

    @classmethod
    def of(cls, shell: Any) -> Session:
        session = getattr(shell, _ATTRIBUTE, None)
        if session is None:
            session = cls(shell)
            setattr(shell, _ATTRIBUTE, session)
        return session

    # -- configuration ----------------------------------------------------------------------------------
    def configure(self, *, local: bool = False, **overrides: Any) -> None:
        """Replace the session's explicit settings; the next call resolves again."""
        self.close()
        self.local = local
        self.overrides = {k: v for k, v in overrides.items() if v is not None}

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = self._resolve()
        return self._config

    def _resolve(self) -> Config:
        if not self.local:
            try:
                return resolve(**self.overrides, start_engine=False)
            except NotConfigured:
                pass
        return self._embedded()

    def _embedded(self) -> Config:
        from ..engine import ensure_running

        handle = ensure_running()
        config = resolve(
            apihost=handle.apihost,
            auth=self.overrides.get("auth") or handle.auth,
            namespace=self.overrides.get("namespace"),
            insecure=self.overrides.get("insecure"),
            start_engine=False,
        )
        sources = {**config.sources, "apihost": EMBEDDED}
        if not self.overrides.get("auth"):
            sources["auth"] = EMBEDDED
        if not self.engine_announced:
            verb = "Started" if handle.started else "Using"
            print(
                f"{verb} the embedded OpenWhisk engine at {handle.apihost} (data in {handle.data_dir}). "
                "To use another OpenWhisk: %faas_config --apihost URL --auth KEY, or ~/.wskprops."
            )
            self.engine_announced = True
        return replace(config, sources=sources)

    @property
    def client(self) -> Client:
        if self._client is None:
            from ..openwhisk import Client

            self._client = Client(self.config)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        self._client = None
        self._config = None

    def scrub(self, text: str) -> str:
        """``text`` with any key this session knows replaced by its masked form."""
        keys = [self.overrides.get("auth"), self._config.auth if self._config else None]
        for key in keys:
            if key:
                text = text.replace(key, mask_key(key))
                secret = key.partition(":")[2]
                if len(secret) >= 8:
                    text = text.replace(secret, "****")
        return text


def faas_errors(method: F) -> F:
    """Turn ``FaasError`` (and the kernel's interrupt) into ``UsageError``: the message and the fix, once."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except FaasError as exc:
            raise UsageError(Session.of(self.shell).scrub(exc.text(NOTEBOOK))) from None
        except KeyboardInterrupt:
            raise UsageError("Interrupted. Nothing was left half-done; run the magic again.") from None

    return wrapper  # type: ignore[return-value]
