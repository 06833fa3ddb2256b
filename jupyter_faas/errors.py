"""The one exception tree of jupyter-faas.

Every error a user can see is a ``FaasError``: a message that says what went wrong and, where there is
one, a ``fix`` that says what to do next. Each boundary translates this tree exactly once:

* the embedded engine turns it into OpenWhisk's ``{"error": message, "code": transaction id}`` with
  ``status`` as the HTTP status (``engine/``);
* the client turns an HTTP error from any OpenWhisk back into the matching class (``openwhisk/client.py``);
* the magics turn it into an IPython ``UsageError`` (message + fix, no traceback);
* the server extension into ``{error, code}`` JSON, which the sidebar shows as a typed error.

::

    FaasError
    ├── ConfigError                 bad or missing configuration (.wskprops, apihost, auth)
    │   └── NotConfigured           no OpenWhisk configured at all (the embedded engine would be used)
    ├── CaptureError                a class cannot be captured from the notebook
    ├── BuildError                  a package cannot be built (missing module, pip failure)
    │   └── PackageTooLarge         over the code limit under every plan
    ├── EngineError                 the embedded engine cannot start or be reached
    ├── ActionError                 a local run of an action failed (local test)
    └── OpenWhiskError              an OpenWhisk API answered with an error (or not at all)
        ├── ConnectionFailed        unknown host, refused connection, TLS failure
        ├── InvalidRequest          400
        ├── AuthenticationFailed    401
        ├── Forbidden               403
        ├── NotFound                404
        ├── MethodNotAllowed        405
        ├── Conflict                409
        ├── RequestTooLarge         413
        ├── UnsupportedMediaType    415
        ├── Throttled               429
        ├── ActivationFailed        502: the activation ran and failed (application or developer error)
        ├── ActivationTimeout       the activation did not finish within the caller's wait
        └── ServerError             500, 503 and any other status
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ActionError",
    "ActivationFailed",
    "ActivationTimeout",
    "AuthenticationFailed",
    "BuildError",
    "CaptureError",
    "CompositionError",
    "ConfigError",
    "Conflict",
    "ConnectionFailed",
    "EngineError",
    "FaasError",
    "FeedError",
    "Forbidden",
    "InvalidRequest",
    "MethodNotAllowed",
    "NotConfigured",
    "NotFound",
    "OpenWhiskError",
    "PackageTooLarge",
    "RequestTooLarge",
    "ServerError",
    "Throttled",
    "UnsupportedMediaType",
    "error_for_status",
]


class FaasError(Exception):
    """Base of every jupyter-faas error.

    ``message`` says what went wrong, ``fix`` what to do about it. ``status`` is the HTTP status the error
    maps to at a REST boundary; ``code`` is OpenWhisk's transaction id when a server sent one;
    ``activation_id`` names the activation concerned, so a user can look at it later.
    """

    status: int = 500

    def __init__(
        self,
        message: str,
        *,
        fix: str | None = None,
        status: int | None = None,
        code: str | None = None,
        activation_id: str | None = None,
        details: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
        if status is not None:
            self.status = status
        self.code = code
        self.activation_id = activation_id
        self.details = details

    def __str__(self) -> str:
        text = self.message
        if self.activation_id and self.activation_id not in text:
            text += f" (activation {self.activation_id})"
        if self.fix:
            text += f"\n{self.fix}"
        return text


class ConfigError(FaasError):
    status = 400


class NotConfigured(ConfigError):
    """No apihost anywhere: the caller may fall back to the embedded engine."""


class CaptureError(FaasError):
    status = 400


class BuildError(FaasError):
    status = 400


class PackageTooLarge(BuildError):
    status = 413


class EngineError(FaasError):
    status = 500


class CompositionError(FaasError):
    """A composition that cannot be built (a combinator given something it cannot take)."""

    status = 400


class ActionError(FaasError):
    """A local run of an action (the local test) did not succeed."""

    status = 502


class OpenWhiskError(FaasError):
    """An OpenWhisk API answered with an error status, or could not be reached."""


class ConnectionFailed(OpenWhiskError):
    status = 503


class InvalidRequest(OpenWhiskError):
    status = 400


class AuthenticationFailed(OpenWhiskError):
    status = 401


class Forbidden(OpenWhiskError):
    status = 403


class NotFound(OpenWhiskError):
    status = 404


class MethodNotAllowed(OpenWhiskError):
    status = 405


class Conflict(OpenWhiskError):
    status = 409


class RequestTooLarge(OpenWhiskError):
    status = 413


class UnsupportedMediaType(OpenWhiskError):
    status = 415


class Throttled(OpenWhiskError):
    status = 429


class ActivationFailed(OpenWhiskError):
    """The activation ran and did not succeed; ``details`` holds the activation record (or result)."""

    status = 502


class FeedError(ActivationFailed):
    """A feed action (``lifecycleEvent`` CREATE/READ/UPDATE/DELETE) failed: ``details`` is its record."""


class ActivationTimeout(OpenWhiskError):
    status = 504


class ServerError(OpenWhiskError):
    status = 500


_BY_STATUS: dict[int, type[OpenWhiskError]] = {
    400: InvalidRequest,
    401: AuthenticationFailed,
    403: Forbidden,
    404: NotFound,
    405: MethodNotAllowed,
    409: Conflict,
    413: RequestTooLarge,
    415: UnsupportedMediaType,
    429: Throttled,
    502: ActivationFailed,
}


def error_for_status(status: int) -> type[OpenWhiskError]:
    """The class of ``OpenWhiskError`` that an HTTP ``status`` from an OpenWhisk API maps to."""
    return _BY_STATUS.get(status, ServerError)
