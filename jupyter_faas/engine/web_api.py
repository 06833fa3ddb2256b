"""``/api/v1/web/{namespace}/{package|default}/{action}[.ext][/rest]``: web actions, public by design.

The one deliberate exception to the engine's browser defences (``browser.py``): no key, any ``Origin``,
upstream's default CORS headers. The order of checks is upstream's (``WebActions.scala``; contract part 2,
1.3): lookups and ``web-export`` (404), request size (413), CORS / OPTIONS, ``require-whisk-auth`` (401),
the argument object (400), a blocking invoke for the owner (up to 60 s, else 202), then the result through
the extension's transcoder (``web_responses.py``). Building the arguments is ``web_requests.py``'s.
"""

from __future__ import annotations

from typing import Any

from ..contract import BLOCKING_WAIT_MS, MAX_PAYLOAD_BYTES
from ..errors import AuthenticationFailed, FaasError, InvalidRequest, NotFound, RequestTooLarge
from . import messages as msg
from .actions_api import invoke
from .base import ApiHandler, NotFoundHandler
from .invoker import Resolved, resolve
from .validation import check_name
from .web_requests import WebRequest, annotation, build_arguments, check_whisk_auth, split_extension
from .web_responses import WebResponse, negotiate, transcode

__all__ = ["WebActionHandler", "WebNotFoundHandler", "web_url"]

PROCESSING_ERROR = "There was an error processing your request."
NOT_READY = "Response not yet ready."
CORS_METHODS = "OPTIONS, GET, DELETE, POST, PUT, HEAD, PATCH"
CORS_HEADERS = "Authorization, Origin, X-Requested-With, Content-Type, Accept, User-Agent"


def web_url(api_host: str, namespace: str, path: str, ext: str = "") -> str:
    """The public URL of the action at ``path`` (``name`` or ``pkg/name``), as ``wsk action get --url``."""
    package, _, name = path.rpartition("/")
    return f"{api_host.rstrip('/')}/api/v1/web/{namespace}/{package or 'default'}/{name}{ext}"


class WebActionHandler(ApiHandler):
    """Every method upstream's web route takes; each reply carries what ``_kept`` holds (CORS, activation id)
    even when it is an error."""

    requires_auth = False
    browser_public = True
    SUPPORTED_METHODS = ("GET", "DELETE", "POST", "PUT", "HEAD", "OPTIONS", "PATCH")

    def set_default_headers(self) -> None:
        pass  # no JSON Content-Type by default: the transcoder sets each reply's

    def prepare(self) -> None:
        self._kept: list[tuple[str, str]] = []
        super().prepare()

    def compute_etag(self) -> None:
        return None  # upstream sends no ETag and never answers 304 by itself

    def _keep(self, name: str, value: str) -> None:
        self._kept.append((name, value))
        self.set_header(name, value)

    async def get(self, ns: str, package: str, segment: str, rest: str | None = None) -> None:
        await self._serve(ns, package, segment, rest or "")

    post = put = delete = patch = head = get
    options = get  # type: ignore[assignment]  # ApiHandler's is the REST API's preflight; this is the route's

    def _lookup(self, ns: str, package: str, name: str) -> Resolved:
        try:
            for part in (ns, name) if package == "default" else (ns, package, name):
                check_name(part)
        except FaasError:
            raise NotFound(msg.RESOURCE_NOT_FOUND) from None
        if ns != self.services.namespace:
            raise NotFound(msg.RESOURCE_NOT_FOUND)
        path = f"{ns}/{name}" if package == "default" else f"{ns}/{package}/{name}"
        resolved = resolve(self.services, path)
        if resolved is None or annotation(resolved.action, "web-export") is not True:
            raise NotFound(msg.RESOURCE_NOT_FOUND)
        return resolved

    def _caller(self) -> str | None:
        """The caller's namespace when it sent valid credentials; anonymous otherwise, as upstream retries."""
        if "Authorization" not in self.request.headers:
            return None
        try:
            return self._authenticate()
        except AuthenticationFailed:
            return None

    def _request(self, rest: str, user: str | None) -> WebRequest:
        headers: dict[str, str] = {}
        for name, value in self.request.headers.get_all():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        return WebRequest(
            method=self.request.method or "GET",
            headers=headers,
            path=rest,
            query=self.request.query,
            body=self.request.body,
            content_type=self.request.headers.get("Content-Type"),
            user=user,
        )

    async def _serve(self, ns: str, package: str, segment: str, rest: str) -> None:
        name, ext = split_extension(segment)
        resolved = self._lookup(ns, package, name)
        action = resolved.action
        size = int(self.request.headers.get("Content-Length", len(self.request.body)) or 0)
        if size > MAX_PAYLOAD_BYTES:
            raise RequestTooLarge(msg.entity_too_big("Request", size, MAX_PAYLOAD_BYTES))
        custom_options = annotation(action, "web-custom-options") is True
        method = self.request.method
        if not custom_options:
            self._keep("Access-Control-Allow-Origin", "*")
            self._keep("Access-Control-Allow-Methods", CORS_METHODS)
            asked = self.request.headers.get("Access-Control-Request-Headers")
            self._keep("Access-Control-Allow-Headers", asked if asked is not None else CORS_HEADERS)
            if method == "OPTIONS":
                self.set_status(200)
                self.finish()
                return
        user = self._caller()
        if method != "OPTIONS":
            check_whisk_auth(action, self.request.headers.get("X-Require-Whisk-Auth"), user is not None)
        args = build_arguments(self._request(rest, user), action, resolved.inherited)
        owner = self.services.namespace
        activation_id, record = await invoke(
            self.services, resolved, args, owner, blocking=True, wait_ms=BLOCKING_WAIT_MS
        )
        self._keep("x-openwhisk-activation-id", activation_id)
        if record is None:
            raise FaasError(NOT_READY, status=202)
        status = record["statusCode"]
        result = record["response"]["result"]
        if status >= 2:
            raise InvalidRequest(PROCESSING_ERROR)
        value = result.get("error") if status == 1 and isinstance(result, dict) else result
        response = transcode(ext, value)
        negotiate(self.request.headers.get("Accept"), response)
        self._send(response)

    def _send(self, response: WebResponse) -> None:
        self.set_status(response.status)
        seen: set[str] = set()
        for name, value in response.headers:
            key = name.lower()
            if key in seen:
                self.add_header(name, value)
            else:  # the action's own value of a CORS header wins over the default
                self.set_header(name, value)
                seen.add(key)
        if response.content_type is not None:
            self.set_header("Content-Type", response.content_type)
        else:
            self.clear_header("Content-Type")
        self.finish(response.body or None)  # 204 and 304 must not carry even an empty chunk

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        for name, value in self._kept:  # send_error cleared them
            self.set_header(name, value)
        super().write_error(status_code, **kwargs)


class WebNotFoundHandler(NotFoundHandler):
    """``/api/v1/web`` paths without namespace, package and action: no route, 404, no key asked."""

    requires_auth = False
    browser_public = True
