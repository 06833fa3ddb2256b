"""Actions: ``create``/``update``/``get``/``delete``/``list`` and ``invoke`` (blocking or not), plus ``map``.

Bodies follow the REST contract: ``exec{kind, code, main, image}``, ``limits{timeout, memory, logs}``,
``parameters``/``annotations`` as ``[{key, value}]``. Sizes are checked before anything is sent: a payload
or parameters over 1 MB, or code over 48 MB as base64, fail here with the numbers. A blocking invoke that
the server demotes to 202 keeps going by polling the activation (``invocation.py``).
What this module does not own: HTTP (``client.py``), what every resource shares (``resources.py``),
waiting for records (``activations.py``), many invocations at once (``mapping.py``).
"""

from __future__ import annotations

import base64
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..contract import BLOCKING_WAIT_MS, MAX_CODE_BYTES, base64_size
from ..errors import ActivationFailed, ActivationTimeout, InvalidRequest, NotFound, RequestTooLarge, Step
from .activations import DEFAULT_WAIT_S
from .invocation import Invocation, check_record
from .names import QualifiedName
from .resources import Collection, check_payload, entity_fields
from .web import is_web, web_annotations, web_url

if TYPE_CHECKING:
    from .mapping import MapResult

__all__ = ["Actions"]

_MB = 1024 * 1024


class Actions(Collection):
    collection = "actions"
    singular = "action"
    in_packages = True  # "pkg/name"

    def get(self, name: str | QualifiedName, *, code: bool = True) -> dict[str, Any]:
        qn = self._name(name)
        params = None if code else {"code": False}
        return dict(self.client.request("GET", self._path(qn), params=params, what=f"action {qn}").body)

    def delete(self, name: str | QualifiedName) -> dict[str, Any]:
        qn = self._name(name)
        deleted = dict(self.client.request("DELETE", self._path(qn), what=f"action {qn}").body)
        self.client.activations.forget(qn.name)
        return deleted

    def create(
        self,
        name: str | QualifiedName,
        code: str | bytes | None = None,
        *,
        kind: str | None = "python:default",
        main: str | None = None,
        image: str | None = None,
        memory: int | None = None,
        timeout: int | None = None,
        logs: int | None = None,
        limits: Mapping[str, int] | None = None,
        parameters: Mapping[str, Any] | None = None,
        annotations: Mapping[str, Any] | None = None,
        components: Iterable[str | QualifiedName] | None = None,
        overwrite: bool = False,
        web: bool | str | None = None,
        web_secure: bool | str | None = None,
    ) -> dict[str, Any]:
        """PUT an action: ``code`` is source or zip bytes (sent as base64); ``image`` means ``blackbox``;
        ``components`` (action names, in order) makes a sequence. ``web`` (``True``, ``"raw"``, ``False``)
        and ``web_secure`` set the web-action annotations as ``wsk --web``/``--web-secure`` do, keeping an
        updated action's other annotations.

        ``timeout`` is in ms, ``memory`` and ``logs`` in MB, as in the REST API. With ``overwrite`` this is
        an update: fields left ``None`` keep their values on the server.
        """
        qn = self._name(name)
        body: dict[str, Any] = {}
        exec_: dict[str, Any] = {}
        if components is not None:
            exec_.update(kind="sequence", components=[str(self._name(c)) for c in components])
        elif image:
            exec_.update(kind="blackbox", image=image)
        elif kind and (code is not None or not overwrite):
            exec_["kind"] = kind
        if code is not None and components is None:
            exec_["code"] = self._encode(code)
        if main:
            exec_["main"] = main
        if exec_:
            if "kind" not in exec_:
                exec_["kind"] = kind or "python:default"
            body["exec"] = exec_
        merged = {
            **(limits or {}),
            **{k: v for k, v in (("memory", memory), ("timeout", timeout), ("logs", logs))},
        }
        merged = {k: v for k, v in merged.items() if v is not None}
        if merged:
            body["limits"] = merged
        if web is not None or web_secure is not None:
            existing = self._annotations(qn) if overwrite and annotations is None else None
            annotations = web_annotations(existing, annotations, web, web_secure)
        body.update(entity_fields(parameters, annotations))
        doc = self._put(qn, body, overwrite)
        self.client.activations.forget(qn.name)
        return doc

    def _annotations(self, qn: QualifiedName) -> Sequence[dict[str, Any]]:
        """An existing action's annotations (none when it does not exist yet)."""
        try:
            return tuple(self.get(qn, code=False).get("annotations", []))
        except NotFound:
            return []

    def url(self, name: str | QualifiedName, ext: str = "") -> str:
        """The public URL of the web action ``name`` (``wsk action get --url``); ``ext`` such as ``.json``.
        Raises ``InvalidRequest`` when the action is not web-exported."""
        action = self.get(name, code=False)
        if not is_web(action):
            raise InvalidRequest(
                f"The action {action['name']} is not a web action, so it has no public URL.",
                fix="Make it one: {0} (or deploy it again with --web).",
                steps=(Step("action.update", (action["name"], "--web", "true")),),
            )
        return web_url(self.client.config.apihost, action, ext)

    def update(
        self, name: str | QualifiedName, code: str | bytes | None = None, **options: Any
    ) -> dict[str, Any]:
        """``create(..., overwrite=True)``: creates or updates; absent fields keep their values."""
        return self.create(name, code, overwrite=True, **options)

    def sequence(
        self, name: str | QualifiedName, components: Iterable[str | QualifiedName], **options: Any
    ) -> dict[str, Any]:
        """Create or update the sequence ``name`` of ``components`` (each one's result the next one's
        parameters; an error stops it); ``get(name)["exec"]["components"]`` lists them."""
        return self.create(name, components=list(components), overwrite=True, **options)

    @staticmethod
    def _encode(code: str | bytes) -> str:
        if isinstance(code, bytes):
            size = base64_size(len(code))
            if size > MAX_CODE_BYTES:
                raise RequestTooLarge(
                    f"The zip is {len(code)} bytes ({len(code) / _MB:.1f} MB), {size} bytes "
                    f"({size / _MB:.1f} MB) as base64: over OpenWhisk's code limit of {MAX_CODE_BYTES} bytes "
                    f"(48 MB of base64), by {size - MAX_CODE_BYTES} bytes; nothing was sent.",
                    fix="Run the build's size plan: it says which dependencies to move into a blackbox image "
                    "(kind blackbox, --docker IMAGE) so that the zip keeps only code and model files.",
                    status=413,
                )
            return base64.b64encode(code).decode("ascii")
        size = len(code.encode("utf-8"))
        if size > MAX_CODE_BYTES:
            raise RequestTooLarge(
                f"The code is {size} bytes, over OpenWhisk's limit of {MAX_CODE_BYTES}; nothing was sent.",
                fix="Ship it as a zip built by the build's size plan.",
                status=413,
            )
        return code

    # -- invoking ----------------------------------------------------------------------------------------

    def invoke(
        self,
        name: str | QualifiedName,
        params: Mapping[str, Any] | None = None,
        *,
        blocking: bool = False,
        result: bool = False,
        timeout: float | None = DEFAULT_WAIT_S,
        wait: float | None = None,
    ) -> Any:
        """Invoke ``name`` with ``params``.

        Non-blocking: an ``Invocation`` handle at once. Blocking: the activation record (or, with
        ``result``, only ``response.result``); if the server answers 202 because the action outlived its
        blocking wait (``wait`` seconds, at most 60), the activation is polled by id until done or until
        ``timeout`` seconds have passed (``ActivationTimeout`` with the id). A failed activation raises
        ``ActivationFailed`` carrying the record and its id.
        """
        qn = self._name(name)
        payload = dict(params or {})
        check_payload(payload, "invoke payload")
        started = time.monotonic()
        path = self._path(qn)
        what = f"action {qn}"
        if not blocking:
            reply = self.client.request("POST", path, params={"blocking": False}, json=payload, what=what)
            activation_id = (reply.body or {}).get("activationId") or reply.activation_id
            return Invocation(self.client, qn, str(activation_id), started=started)
        wait_ms = BLOCKING_WAIT_MS if wait is None else int(max(1, min(wait * 1000, BLOCKING_WAIT_MS)))
        if timeout is not None:
            wait_ms = int(max(1, min(wait_ms, timeout * 1000)))
        query = {
            "blocking": True,
            "result": result or None,
            "timeout": wait_ms if wait_ms < BLOCKING_WAIT_MS else None,
        }
        try:
            reply = self.client.request(
                "POST", path, params=query, json=payload, what=what, timeout=wait_ms / 1000 + 15
            )
        except ActivationFailed as exc:
            if exc.details is not None and not result and isinstance(exc.details, dict):
                self.client.activations.remember(exc.details)
            raise
        if reply.status == 200:
            if not result:
                self.client.activations.remember(reply.body)
            return reply.body
        # 202: the server stopped waiting; the activation goes on. Follow it by id.
        activation_id = str((reply.body or {}).get("activationId") or reply.activation_id)
        handle = Invocation(self.client, qn, activation_id, started=started)
        remaining = None if timeout is None else timeout - (time.monotonic() - started)
        if remaining is not None and remaining <= 0:
            raise ActivationTimeout(
                f"Activation {activation_id} of {qn} did not finish within {timeout:g} s.",
                fix="It may still be running: see {0} later.",
                steps=(Step("activation.get", (activation_id,)),),
                activation_id=activation_id,
            )
        record = handle.wait(timeout, check=False)
        check_record(record)
        return record["response"]["result"] if result else record

    def map(
        self,
        name: str | QualifiedName,
        inputs: Iterable[Mapping[str, Any]],
        *,
        concurrency: int = 8,
        progress: bool = True,
        timeout: float | None = DEFAULT_WAIT_S,
    ) -> MapResult:
        """Invoke ``name`` once per input, ``concurrency`` at a time; results in input order."""
        from .mapping import run_map

        return run_map(
            self, self._name(name), inputs, concurrency=concurrency, progress=progress, timeout=timeout
        )
