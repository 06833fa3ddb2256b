"""The one exception tree of jupyter-faas.

Every error a user can see is a ``FaasError``: a message that says what went wrong and, where there is
one, a ``fix`` that says what to do next. Each boundary translates this tree exactly once:

* the embedded engine turns it into OpenWhisk's ``{"error": message, "code": transaction id}`` with
  ``status`` as the HTTP status (``engine/``);
* the client turns an HTTP error from any OpenWhisk back into the matching class (``openwhisk/client.py``);
* the magics turn it into an IPython ``UsageError`` (message + fix, no traceback);
* the server extension into ``{error, code, fix, steps}`` JSON, which the sidebar shows as a typed error.

A fix that names something to do next (read an activation's logs, list the actions, stop the engine) names it
as a ``Step``, not as words: ``fix="Read its logs: {0}."`` with ``steps=(Step("activation.logs", (id,)),)``.
Each front end words the steps its own way (``Wording``): the CLI as a ``jupyter-faas`` command (``COMMANDS``,
the default, also what ``str()`` shows a Python caller), the magics as a magic, the sidebar as a button.

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

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "COMMANDS",
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
    "Step",
    "Throttled",
    "UnsupportedMediaType",
    "Wording",
    "error_for_status",
]


@dataclass(frozen=True)
class Step:
    """Something a user can do next, named by a verb of ``COMMANDS`` and its arguments (an id, a name)."""

    verb: str
    args: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.verb not in COMMANDS:
            raise ValueError(f"unknown step {self.verb!r}: one of {', '.join(sorted(COMMANDS))}")

    def worded(self, wording: Wording) -> str:
        """The step in a front end's words (its own, else the CLI command), arguments appended."""
        return " ".join([wording.get(self.verb) or COMMANDS[self.verb], *self.args])


# How a front end words each step: verb -> the command (or magic, or button label) the arguments follow.
Wording = Mapping[str, str]

COMMANDS: Wording = {
    "action.list": "jupyter-faas action list",
    "action.update": "jupyter-faas action update",
    "activation.get": "jupyter-faas activation get",
    "activation.list": "jupyter-faas activation list",
    "activation.logs": "jupyter-faas activation logs",
    "build": "jupyter-faas build",
    "config": "jupyter-faas config",
    "deploy": "jupyter-faas deploy",
    "engine.start": "jupyter-faas engine",
    "engine.stop": "jupyter-faas engine --stop",
    "package.get": "jupyter-faas package get",
    "package.list": "jupyter-faas package list",
    "rule.list": "jupyter-faas rule list",
    "trigger.list": "jupyter-faas trigger list",
}

_PLACE = re.compile(r"\{(\d+)\}")


class FaasError(Exception):
    """Base of every jupyter-faas error.

    ``message`` says what went wrong, ``fix`` what to do about it. ``status`` is the HTTP status the error
    maps to at a REST boundary; ``code`` is OpenWhisk's transaction id when a server sent one;
    ``activation_id`` names the activation concerned, so a user can look at it later. ``steps`` are the
    next steps ``fix`` refers to as ``{0}``, ``{1}``...: ``fix`` words them as CLI commands,
    ``fix_in(wording)`` in a front end's words.
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
        steps: Iterable[Step] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fix_template = fix
        self.steps = tuple(steps)
        if status is not None:
            self.status = status
        self.code = code
        self.activation_id = activation_id
        self.details = details

    @property
    def fix(self) -> str | None:
        """What to do about it, its steps as ``jupyter-faas`` commands."""
        return self.fix_in(COMMANDS)

    def fix_in(self, wording: Wording) -> str | None:
        """The fix with each step in ``wording`` (in backticks): how a front end tells it."""
        if self.fix_template is None or not self.steps:
            return self.fix_template
        steps = self.steps
        return _PLACE.sub(lambda m: f"`{steps[int(m[1])].worded(wording)}`", self.fix_template)

    def text(self, wording: Wording = COMMANDS) -> str:
        """Message, activation and fix, for a reader of ``wording``'s front end."""
        text = self.message
        if self.activation_id and self.activation_id not in text:
            text += f" (activation {self.activation_id})"
        fix = self.fix_in(wording)
        if fix:
            text += f"\n{fix}"
        return text

    def __str__(self) -> str:
        return self.text()


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
