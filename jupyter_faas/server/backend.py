"""The sidebar's backend: what the server extension's handlers call, built once per Jupyter server.

``Backend`` holds the options (``JupyterFaas``), the server's root folder, two thread pools for blocking
work (OpenWhisk calls; build jobs apart, so a long build never stalls the lists), the build jobs, and one
``openwhisk.Client`` created on first use (resolving the configuration may start the embedded engine, so
it happens in a pool, never on the event loop). Each method is one call into the core and returns
JSON-ready data. What it does not own: HTTP (``handlers.py``), the JSON shapes (``payloads.py``), the
jobs' life (``jobs.py``).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ActivationFailed, FaasError, NotFound
from .jobs import BuildRequest, Jobs, run_job
from .notebook import list_classes, parse_notebook
from .payloads import action_json, action_path, activation_json, stats_json
from .settings import JupyterFaas

if TYPE_CHECKING:
    from ..openwhisk import Client

__all__ = ["Backend"]

_log = logging.getLogger("jupyter_faas.server")
LIST_MAX = 200  # OpenWhisk's largest page


def _record_path(record: dict[str, Any]) -> str:
    """An activation's action as a row names it: ``pkg/name`` from its ``path`` annotation
    (``ns/pkg/name``) when it has one, else its ``name``."""
    for item in record.get("annotations") or []:
        if item.get("key") == "path" and isinstance(item.get("value"), str) and "/" in item["value"]:
            return str(item["value"]).split("/", 1)[1]
    return str(record.get("name"))


class Backend:
    def __init__(self, settings: JupyterFaas, root_dir: Path, log: logging.Logger | None = None) -> None:
        self.settings = settings
        self.root_dir = Path(root_dir).expanduser().resolve()
        self.log = log or _log
        self.executor = ThreadPoolExecutor(max(1, settings.workers), thread_name_prefix="jupyter-faas")
        self.build_executor = ThreadPoolExecutor(
            max(1, settings.build_workers), thread_name_prefix="jupyter-faas-build"
        )
        self.jobs = Jobs(keep=settings.keep_jobs)
        self._client: Client | None = None
        self._client_lock = threading.Lock()

    # -- plumbing ------------------------------------------------------------------------------------------

    def client(self) -> Client:
        """The ``openwhisk.Client``, made on first use (this may start the embedded engine: blocking)."""
        with self._client_lock:
            if self._client is None:
                from ..config import resolve
                from ..openwhisk import Client

                config = resolve(
                    apihost=self.settings.apihost,
                    auth=self.settings.auth,
                    namespace=self.settings.namespace,
                    start_engine=self.settings.start_engine,
                )
                self._client = Client(config)
            return self._client

    def log_error(self, exc: BaseException) -> None:
        if isinstance(exc, FaasError):
            self.log.warning("jupyter-faas: %s", exc.message)
        else:
            self.log.error("jupyter-faas: unexpected error", exc_info=exc)

    def build_output(self, request: BuildRequest) -> Path | None:
        """The build's folder under ``build_dir`` (never outside it), or None for the default cache."""
        from ..build import BuildOptions, checked_name, output_folder

        name = checked_name(BuildOptions(request.class_name, name=request.name))
        if not self.settings.build_dir:
            return None
        return output_folder(name, Path(self.settings.build_dir))

    def shutdown(self) -> None:
        for pool in (self.executor, self.build_executor):
            pool.shutdown(wait=False, cancel_futures=True)
        if self._client is not None:
            self._client.close()

    # -- endpoints -----------------------------------------------------------------------------------------

    def config(self) -> dict[str, Any]:
        config = self.client().config
        return {
            "apihost": config.apihost,
            "auth": config.masked_auth,
            "namespace": config.namespace,
            "insecure": config.insecure,
            "source": config.source,
            "settings": [{"name": n, "value": v, "source": s} for n, v, s in config.describe()],
        }

    def classes(self, body: Any) -> dict[str, Any]:
        notebook = parse_notebook(body, self.root_dir)
        return {"path": notebook.path, "classes": list_classes(notebook.cells)}

    def start_build(self, body: Any) -> dict[str, Any]:
        notebook = parse_notebook(body, self.root_dir)
        request = BuildRequest.parse(body.get("options") if isinstance(body, dict) else None)
        job = self.jobs.create(request, notebook.path)
        self.build_executor.submit(run_job, self.jobs, job, notebook.cells, notebook.base_dir, self)
        return job.to_json()

    def build_job(self, job_id: str) -> dict[str, Any]:
        return self.jobs.get(job_id)

    def actions(self) -> dict[str, Any]:
        """The namespace's actions, newest first, each with its last activation; a sequence's row also
        lists its components (one extra GET per sequence: a summary does not carry them)."""
        client = self.client()
        actions = client.actions.list(limit=LIST_MAX)
        last: dict[str, dict[str, Any]] = {}
        for record in client.activations.list(limit=LIST_MAX):  # newest first
            last.setdefault(_record_path(record), record)
        out = []
        for summary in actions:
            row = action_json(summary, last.get(action_path(summary)), apihost=client.config.apihost)
            if row["kind"] == "sequence":
                try:
                    row["components"] = self._components(client.actions.get(row["name"], code=False))
                except NotFound:
                    continue  # deleted since the list was read
            out.append(row)
        return {"namespace": client.namespace, "actions": out}

    def action(self, name: str) -> dict[str, Any]:
        """The action's document without its code, plus ``kind`` and (for a sequence) ``components`` as in
        the list's rows."""
        doc = self.client().actions.get(name, code=False)
        kind = (doc.get("exec") or {}).get("kind")
        return {**doc, "kind": kind, "components": self._components(doc) if kind == "sequence" else None}

    @staticmethod
    def _components(doc: dict[str, Any]) -> list[str]:
        return [str(c) for c in (doc.get("exec") or {}).get("components") or []]

    def delete_action(self, name: str) -> dict[str, Any]:
        return {"deleted": self.client().actions.delete(name)}

    def invoke(self, name: str, body: Any) -> tuple[int, dict[str, Any]]:
        """Blocking: ``(200, {activationId, activation})`` even when the activation failed (the record says
        how); non-blocking: ``(202, {activationId})``."""
        if body is None:
            body = {}
        if not isinstance(body, dict):
            raise FaasError(
                "The invoke request must be a JSON object.", fix="Send {params, blocking}.", status=400
            )
        params = body.get("params") or {}
        if not isinstance(params, dict):
            raise FaasError(
                "The parameters must be a JSON object.",
                fix='Write them as an object: {"key": value}.',
                status=400,
            )
        client = self.client()
        if not body.get("blocking", True):
            handle = client.actions.invoke(name, params, blocking=False)
            return 202, {"activationId": handle.activation_id}
        try:
            record = client.actions.invoke(name, params, blocking=True)
        except ActivationFailed as exc:
            if not isinstance(exc.details, dict) or "activationId" not in exc.details:
                raise
            record = exc.details
        return 200, {"activationId": record.get("activationId"), "activation": activation_json(record)}

    def activations(self, name: str | None, limit: int, since: int | None) -> dict[str, Any]:
        records = self.client().activations.list(
            name or None, limit=min(max(limit, 1), LIST_MAX), since=since
        )
        return {"activations": [activation_json(r) for r in records]}

    def activation(self, activation_id: str) -> dict[str, Any]:
        return activation_json(self.client().activations.get(activation_id))

    def logs(self, activation_id: str) -> dict[str, Any]:
        return {"activationId": activation_id, "logs": self.client().activations.logs(activation_id)}

    def result(self, activation_id: str) -> dict[str, Any]:
        return dict(self.client().activations.result(activation_id))

    def stats(self, name: str | None, limit: int) -> dict[str, Any]:
        records = self.client().activations.list(name or None, limit=min(max(limit, 1), LIST_MAX))
        return stats_json(records)
