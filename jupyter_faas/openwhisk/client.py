"""The one ``request()`` of the OpenWhisk client: URL, auth, timeouts, TLS, retries and error translation.

``Client(config)`` owns one ``requests.Session`` (connection reuse: a warm invoke on the embedded engine
takes 1-2 ms, a new TCP connection per call would double it) and exposes one object per resource:
``.actions``, ``.activations``, ``.namespaces``, ``.triggers``, ``.rules``, ``.packages``, as
openwhisk-client-js does.

Retries: idempotent calls (GET, PUT, DELETE) are retried on connection errors, 429 and 503; an invoke
(POST) only when it surely did not start (the connection was never made, or 429: OpenWhisk throttles
before it creates an activation). Backoff doubles from ``backoff`` up to ``max_backoff`` (or honours
``Retry-After``), at most ``retries`` times. Errors become the ``errors.py`` tree with the server's message,
status, transaction id (``code``) and activation id header. The key appears only masked.
What this module does not own: resource paths and bodies (``actions.py``, ``activations.py``, ...).
"""

from __future__ import annotations

import itertools
import logging
import random
import re
import threading
import time
from dataclasses import dataclass
from typing import Any

import requests
import urllib3.exceptions

from .. import __version__
from ..config import EMBEDDED, Config, resolve
from ..errors import ConnectionFailed, OpenWhiskError, Step, error_for_status

__all__ = ["ACTIVATION_ID_HEADER", "PERMANENT", "Client", "Reply"]

ACTIVATION_ID_HEADER = "x-openwhisk-activation-id"
_log = logging.getLogger(__name__)
# ``details`` of a ConnectionFailed that waiting cannot cure (unknown host, TLS): pollers give up at once.
PERMANENT = {"permanent": True}
_IDEMPOTENT = {"GET", "HEAD", "PUT", "DELETE", "OPTIONS"}
_RETRY_STATUSES = {429, 503}


@dataclass
class Reply:
    """A successful answer: HTTP status, parsed JSON body, and the activation id header if any."""

    status: int
    body: Any
    activation_id: str | None = None


class Client:
    """An OpenWhisk REST client. ``Client()`` resolves the configuration (``config.resolve``)."""

    def __init__(
        self,
        config: Config | None = None,
        *,
        retries: int = 5,
        backoff: float = 0.1,
        max_backoff: float = 2.0,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        pool_size: int = 32,
    ) -> None:
        from .actions import Actions
        from .activations import Activations
        from .feeds import Feeds
        from .namespaces import Namespaces
        from .packages import Packages
        from .rules import Rules
        from .triggers import Triggers

        self.config = config if config is not None else resolve()
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.session = requests.Session()
        adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=pool_size)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        user, _, password = self.config.auth.partition(":")
        self.session.auth = (user, password)
        self.session.verify = not self.config.insecure
        if self.config.insecure:
            # The user asked for it (--insecure / __OW_IGNORE_CERTS); say it once, not on every request.
            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
            _log.warning("TLS certificates of %s are not verified (insecure)", self.config.apihost)
        self.session.headers["User-Agent"] = f"jupyter-faas/{__version__}"
        self._issued_lock = threading.Lock()
        self._count = 0
        self.actions = Actions(self)
        self.activations = Activations(self)
        self.namespaces = Namespaces(self)
        self.triggers = Triggers(self)
        self.rules = Rules(self)
        self.packages = Packages(self)
        self.feeds = Feeds(self)

    def __repr__(self) -> str:
        return f"Client({self.config!r})"

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.session.close()

    @property
    def requests_issued(self) -> int:
        """How many HTTP requests this client has sent (retries included): what bench/client.py counts."""
        return self._count

    @property
    def namespace(self) -> str:
        return self.config.namespace

    def url(self, path: str) -> str:
        return f"{self.config.apihost}/api/v1/{path.lstrip('/')}"

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        timeout: float | None = None,
        what: str | None = None,
        retries: int | None = None,
    ) -> Reply:
        """Send one API call (with retries) and return its ``Reply``, or raise the matching error.

        ``what`` names the entity for messages (``action /guest/hello``); ``timeout`` is the read timeout.
        """
        method = method.upper()
        idempotent = method in _IDEMPOTENT
        budget = self.retries if retries is None else retries
        query = {k: _query_value(v) for k, v in (params or {}).items() if v is not None}
        for attempt in itertools.count():
            delay: float | None = None
            try:
                self._bump()
                response = self.session.request(
                    method,
                    self.url(path),
                    params=query,
                    json=json,
                    timeout=(self.connect_timeout, timeout or self.read_timeout),
                    verify=self.session.verify,  # else REQUESTS_CA_BUNDLE would override --insecure
                )
            except requests.exceptions.RequestException as exc:
                error = self._connection_error(exc, method, path, timeout or self.read_timeout)
                if attempt < budget and _retryable_exception(exc, idempotent):
                    delay = self._delay(attempt, None)
                else:
                    raise error from None
            else:
                if response.status_code < 400:
                    return Reply(
                        response.status_code, _body(response), response.headers.get(ACTIVATION_ID_HEADER)
                    )
                retry_ok = response.status_code in _RETRY_STATUSES and (
                    idempotent or response.status_code == 429
                )
                if attempt < budget and retry_ok:
                    delay = self._delay(attempt, response.headers.get("Retry-After"))
                    response.close()
                else:
                    raise self._http_error(response, method, path, what)
            time.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _bump(self) -> None:
        with self._issued_lock:
            self._count += 1

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        if retry_after:
            try:
                return min(float(retry_after), self.max_backoff * 4)
            except ValueError:
                pass
        base = min(self.max_backoff, self.backoff * (2.0**attempt))
        return base * random.uniform(1.0, 1.25)

    def _where(self) -> str:
        return f"apihost {self.config.apihost} (from {self.config.source})"

    def _connection_error(
        self, exc: requests.exceptions.RequestException, method: str, path: str, timeout: float
    ) -> ConnectionFailed:
        host = self.config.apihost.split("://", 1)[1].rsplit(":", 1)[0]
        fix = (
            "Check APIHOST in the properties file, __OW_API_HOST, or --apihost."
            if self.config.source != EMBEDDED
            else "Start the embedded engine with {0}, or configure an OpenWhisk."
        )
        steps = () if self.config.source != EMBEDDED else (Step("engine.start"),)
        if isinstance(exc, requests.exceptions.SSLError):
            return ConnectionFailed(
                f"The TLS certificate of {self._where()} could not be verified: {_reason(exc)}",
                details=PERMANENT,
                fix="If you trust this host (for example a self-signed certificate of a local OpenWhisk), "
                "pass --insecure or set __OW_IGNORE_CERTS=true.",
            )
        if _caused_by(exc, urllib3.exceptions.NameResolutionError) or "resolve" in str(exc).lower():
            return ConnectionFailed(
                f"Unknown host {host!r}: cannot resolve {self._where()}.",
                fix=fix,
                steps=steps,
                details=PERMANENT,
            )
        if isinstance(exc, requests.exceptions.ReadTimeout):
            return ConnectionFailed(
                f"{self._where()} did not answer {method} {path} within {timeout:g} s.",
                fix="The server may be overloaded; retry, or raise the timeout.",
            )
        if "refused" in str(exc).lower():
            return ConnectionFailed(f"Connection refused by {self._where()}.", fix=fix, steps=steps)
        return ConnectionFailed(f"Cannot reach {self._where()}: {_reason(exc)}", fix=fix, steps=steps)

    def _http_error(
        self, response: requests.Response, method: str, path: str, what: str | None
    ) -> OpenWhiskError:
        status = response.status_code
        body = _body(response)
        server = body.get("error") if isinstance(body, dict) else None
        message = (
            server if isinstance(server, str) else _result_error(body) or response.reason or f"HTTP {status}"
        )
        cls = error_for_status(status)
        if status == 404 and what:
            message = f"{what} does not exist: {message}"
        elif status == 502:
            message = f"The activation failed: {message}"
        elif what and status in (409, 400, 413):
            message = f"{what}: {message}"
        code = body.get("code") if isinstance(body, dict) and isinstance(body.get("code"), str) else None
        activation_id = response.headers.get(ACTIVATION_ID_HEADER) or (
            body.get("activationId") if isinstance(body, dict) else None
        )
        fix, steps = self._fix(status, what, activation_id)
        return cls(
            message,
            fix=fix,
            steps=steps,
            status=status,
            code=code,
            activation_id=activation_id,
            details=body,
        )

    def _fix(
        self, status: int, what: str | None, activation_id: str | None
    ) -> tuple[str | None, tuple[Step, ...]]:
        """What to do about an error status, and the next steps it names."""
        auth = f"the key {self.config.masked_auth} (from {self.config.sources.get('auth', 'argument')})"
        if status == 404:
            return _list_fix(what)
        if status == 409:
            return "It already exists: update it instead ({0}, or overwrite=True).", (Step("action.update"),)
        if status == 502 and activation_id:
            return "Read the activation's logs: {0}.", (Step("activation.logs", (activation_id,)),)
        if status == 502:
            return "Find the activation in {0} and read its logs.", (Step("activation.list"),)
        if status >= 500:
            return "The OpenWhisk server failed; retry later, or look at its logs.", ()
        fixes = {
            401: f"{self._where()} does not accept {auth}. Check AUTH (properties file) or __OW_API_KEY.",
            403: f"{auth} cannot act in that namespace: use `_` (your own) or that namespace's key.",
            413: "Keep payloads and parameters under 1 MB: pass large inputs by URL.",
            429: "Too many invocations at once: lower the concurrency, or retry later.",
        }
        return fixes.get(status), ()


def _list_fix(what: str | None) -> tuple[str, tuple[Step, ...]]:
    """The 404 fix: the list of what was asked for (``what`` starts with its noun: ``trigger /_/t``)."""
    noun = (what or "").split(" ", 1)[0]
    if noun in ("action", "trigger", "rule", "package", "activation"):
        return "List what exists with {0}.", (Step(f"{noun}.list"),)
    return "List what exists with {0} or {1}.", (Step("action.list"), Step("activation.list"))


def _query_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _body(response: requests.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return {"error": response.text[:500]}


def _result_error(body: Any) -> str | None:
    """The error inside an activation record or result (a 502 carries the record), as client.js reads it."""
    if not isinstance(body, dict):
        return None
    result = body.get("response", {}).get("result") if isinstance(body.get("response"), dict) else body
    if isinstance(result, dict):
        error = result.get("error")
        if isinstance(error, str):
            return error
        if isinstance(error, dict) and isinstance(error.get("error"), str):
            return str(error["error"])
    return None


def _caused_by(exc: BaseException, cls: type[BaseException]) -> bool:
    seen: set[int] = set()
    stack: list[Any] = [exc]
    while stack:
        item = stack.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, cls):
            return True
        if isinstance(item, BaseException):
            stack.extend([item.__cause__, item.__context__, getattr(item, "reason", None), *item.args])
    return False


def _reason(exc: BaseException) -> str:
    """The useful part of a urllib3 error (``certificate verify failed: self-signed certificate``)."""
    text = str(exc)
    inner = re.search(r"\[SSL: [A-Z_]+\] ([^(]+?)\s*\(_ssl", text) or re.search(
        r"Caused by \w+\((.+)\)\)?$", text
    )
    if inner:
        text = inner.group(1)
    return text if len(text) < 300 else text[:300] + "..."


def _retryable_exception(exc: requests.exceptions.RequestException, idempotent: bool) -> bool:
    if isinstance(exc, requests.exceptions.SSLError) or _caused_by(
        exc, urllib3.exceptions.NameResolutionError
    ):
        return False  # permanent: retrying cannot help
    if idempotent:
        return isinstance(exc, requests.exceptions.ConnectionError | requests.exceptions.Timeout)
    # POST: only when the request surely never reached the server
    return isinstance(exc, requests.exceptions.ConnectTimeout) or _caused_by(
        exc, urllib3.exceptions.NewConnectionError
    )
