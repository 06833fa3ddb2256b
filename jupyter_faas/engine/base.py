"""The engine's base request handler: authentication, namespaces, query parsing, JSON, and the one place
where a ``FaasError`` (or a tornado ``HTTPError``) becomes OpenWhisk's ``{"error", "code"}`` body.

Handlers subclass ``ApiHandler`` (``EntityHandler`` for triggers, rules and packages: name -> path, lookup,
list) and stay thin: parse with the helpers here, call a service, ``reply``.
Owns nothing about actions or activations themselves.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
import uuid
from typing import Any

from tornado.web import HTTPError, RequestHandler

from ..errors import (
    AuthenticationFailed,
    FaasError,
    Forbidden,
    InvalidRequest,
    NotFound,
    UnsupportedMediaType,
)
from . import messages as msg
from .services import Services
from .validation import check_name

__all__ = [
    "LONG_MAX",
    "LONG_MIN",
    "ApiHandler",
    "EntityHandler",
    "NotFoundHandler",
    "parse_bool",
    "parse_skip_limit",
]

log = logging.getLogger("jupyter_faas.engine")
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}
LONG_MIN, LONG_MAX = -(2**63), 2**63 - 1  # what upstream's query parameters parse into (Scala Int/Long)
MAX_LIST_LIMIT = 200
DEFAULT_LIST_LIMIT = 30


def parse_bool(handler: RequestHandler, name: str, default: bool) -> bool:
    """pekko's Boolean query unmarshaller: true/yes/on/1, false/no/off/0, anything else is malformed."""
    raw = handler.get_query_argument(name, None)
    if raw is None:
        return default
    value = raw.lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InvalidRequest(msg.malformed_query_param(name, f"'{raw}' is not a valid Boolean value"))


def parse_skip_limit(handler: RequestHandler, collection: str) -> tuple[int, int]:
    """RestApiCommons.stringToListSkip/stringToListLimit: limit 0 means 200, above 200 is refused."""
    skip = _int_arg(handler, "skip", collection, 0)
    if skip < 0:
        raise InvalidRequest(msg.malformed_query_param("skip", msg.list_skip_out_of_range(collection, skip)))
    limit = _int_arg(handler, "limit", collection, DEFAULT_LIST_LIMIT)
    if limit == 0:
        limit = MAX_LIST_LIMIT
    elif not 0 < limit <= MAX_LIST_LIMIT:
        raise InvalidRequest(
            msg.malformed_query_param("limit", msg.list_limit_out_of_range(collection, limit, MAX_LIST_LIMIT))
        )
    return skip, limit


def _int_arg(handler: RequestHandler, name: str, collection: str, default: int) -> int:
    raw = handler.get_query_argument(name, None)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not LONG_MIN <= value <= LONG_MAX:
        raise InvalidRequest(msg.malformed_query_param(name, msg.argument_not_integer(collection, raw)))
    return value


class ApiHandler(RequestHandler):
    """Authenticated JSON handler over the engine's services, behind the browser guard."""

    requires_auth = True
    # Web actions set this: public by design (any Origin, no key), as upstream serves them (Host is checked)
    browser_public = False
    services: Services
    user_namespace: str

    def initialize(self, services: Services) -> None:
        self.services = services

    def set_default_headers(self) -> None:
        self.set_header("Content-Type", "application/json")

    def prepare(self) -> None:
        self.check_browser()
        if self.requires_auth and self.request.method != "OPTIONS":
            self.user_namespace = self._authenticate()

    def check_browser(self) -> None:
        """Refuse a foreign Host or Origin (403); echo an allowed Origin in the CORS headers."""
        guard = self.services.guard
        guard.check_host(self.request.headers)
        if self.browser_public:
            return  # web actions: any Origin (their own CORS headers are the web handler's)
        origin = guard.check_origin(self.request.headers)
        if origin is not None:
            self.set_header("Access-Control-Allow-Origin", origin)
            self.set_header("Vary", "Origin")
            self.set_header(
                "Access-Control-Allow-Headers",
                "Authorization, Origin, X-Requested-With, Content-Type, Accept, User-Agent",
            )
            self.set_header("Access-Control-Allow-Methods", "GET, DELETE, POST, PUT, HEAD")

    def options(self, *args: str) -> None:
        """A CORS preflight from an allowed Origin (``prepare`` refused any other); no key is needed."""
        self.set_status(200)
        self.finish()

    def _authenticate(self) -> str:
        header = self.request.headers.get("Authorization", "")
        if not header.isascii():  # tornado decodes headers as latin-1; compare_digest takes ASCII only
            raise AuthenticationFailed(msg.AUTH_INVALID)
        if self.services.accepted_header and hmac.compare_digest(header, self.services.accepted_header):
            return self.services.namespace  # the warm path: the very header accepted before
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "basic" or not token:
            raise AuthenticationFailed(msg.AUTH_MISSING)
        try:
            supplied = base64.b64decode(token.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise AuthenticationFailed(msg.AUTH_INVALID) from None
        if not hmac.compare_digest(supplied.encode(), self.services.auth.encode()):
            raise AuthenticationFailed(msg.AUTH_INVALID)
        self.services.accepted_header = header
        return self.services.namespace

    def namespace(self, ns: str, entity: str | None = None) -> str:
        """``_`` is the caller's namespace; any other namespace but the caller's is 403."""
        if ns == "_" or ns == self.user_namespace:
            return self.user_namespace
        check_name(ns, field="Namespace")
        raise Forbidden(msg.not_authorized(ns if entity is None else f"{ns}/{entity}"))

    def readable_namespace(self, ns: str) -> str:
        """``_`` is the caller's namespace; another (well-formed) one is returned as it is, for a read whose
        entity is then checked to be shared (``sharing.py``)."""
        if ns == "_" or ns == self.user_namespace:
            return self.user_namespace
        return check_name(ns, field="Namespace")

    def require_json(self) -> None:
        """A body must be sent as application/json (415 otherwise), as spray-json's unmarshaller wants."""
        ctype = self.request.headers.get("Content-Type", "application/octet-stream")
        if ctype.split(";", 1)[0].strip().lower() != "application/json":
            raise UnsupportedMediaType(msg.unsupported_content_type(ctype))

    def reply(self, body: Any, status: int = 200) -> None:
        self.set_status(status)
        self.finish(json.dumps(body, separators=(",", ":")))

    # errors ----------------------------------------------------------------------------------------------
    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, FaasError):
            status, message = exc.status, exc.message
        elif isinstance(exc, HTTPError) and exc.status_code == 405:
            status, message = (
                405,
                msg.method_not_allowed([m for m in ("GET", "PUT", "POST", "DELETE") if self._implements(m)]),
            )
        elif isinstance(exc, HTTPError):
            status, message = exc.status_code, exc.log_message or self._reason
        else:
            status, message = 500, "There was an internal server error."
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        if status == 401:
            self.set_header("WWW-Authenticate", msg.AUTH_REALM)
        code = uuid.uuid4().hex
        self.finish(json.dumps({"error": message, "code": code}))

    def _implements(self, method: str) -> bool:
        return getattr(type(self), method.lower()) is not getattr(RequestHandler, method.lower())

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if isinstance(value, (FaasError, HTTPError)):
            return  # an answer, not a failure of the engine
        super().log_exception(typ, value, tb)


class NotFoundHandler(ApiHandler):
    """Any path the route table does not know (after authentication, as upstream's routes do)."""

    def prepare(self) -> None:
        if self.request.path.rstrip("/") in ("", "/api/v1"):
            self.check_browser()
        else:
            super().prepare()
        raise HTTPError(404, msg.ROUTE_NOT_FOUND)


class EntityHandler(ApiHandler):
    """What trigger, rule and package handlers share: name -> path, lookup, list."""

    collection = ""

    def _path(self, ns: str, name: str) -> tuple[str, str]:
        user_ns = self.namespace(ns, name)
        return user_ns, f"{user_ns}/{check_name(name)}"

    def _existing(self, path: str) -> dict[str, Any]:
        doc = self.services.store.get_entity(self.collection, path)
        if doc is None:
            raise NotFound(msg.RESOURCE_NOT_FOUND)
        return doc

    def _list(self, ns: str, view: Any, *, shared: bool = False) -> None:
        """List a collection; ``shared`` (packages) lets another namespace's published entities be listed."""
        namespace = self.readable_namespace(ns) if shared else self.namespace(ns)
        public = namespace != self.user_namespace
        skip, limit = parse_skip_limit(self, self.collection)
        store = self.services.store
        if parse_bool(self, "count", False):
            count = store.count_entities(self.collection, namespace, skip, public_only=public)
            self.reply({self.collection: count})
        else:
            docs = store.list_entities(self.collection, namespace, skip, limit, public_only=public)
            self.reply([view(d) for d in docs])
