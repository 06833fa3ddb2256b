"""The engine's SQLite store: actions, their code, triggers, rules and packages, activation records and
their logs, and the alarms feed's schedules.

One connection in WAL mode (``synchronous=NORMAL``) behind one lock, so the event loop and the scheduler's
worker threads share it safely; statements are cached by sqlite3. An activation is written twice: a
``pending`` row when it is accepted, and the record when it ends, so an activation in flight when the
engine dies is found and closed at the next start (``recover``). Activations, their logs and their
expiry are ``ActivationRows``' (``activation_rows.py``), on the same connection. Action documents are
cached in memory without their code (the engine is the only writer); the code (up to 48 MB an action)
stays in the ``action_code`` table and is read only by ``action_code``: a GET with code, and a
container's cold start. So the engine's memory does not grow with what is deployed.
What this module does not own: the record's shape (``records.py``) or any HTTP (``routes.py``).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

from .activation_rows import DOCS_PAGE_BYTES, ActivationRows

__all__ = ["DOCS_PAGE_BYTES", "Store"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS actions (
    path TEXT PRIMARY KEY,          -- "guest/name" or "guest/pkg/name"
    namespace TEXT NOT NULL,        -- "guest" or "guest/pkg"
    updated INTEGER NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS actions_by_ns ON actions (namespace, updated DESC);
CREATE TABLE IF NOT EXISTS activations (
    id TEXT PRIMARY KEY,
    namespace TEXT NOT NULL,
    name TEXT NOT NULL,             -- "name" or "pkg/name": what the list's name filter matches
    start INTEGER NOT NULL,
    pending INTEGER NOT NULL,       -- 1 while in flight: not visible to GET
    doc TEXT NOT NULL,              -- the record without logs (pending: what recovery needs)
    summary TEXT                    -- what the list shows (records.summary): no result to parse
);
CREATE INDEX IF NOT EXISTS activations_by_start ON activations (namespace, pending, start DESC);
CREATE TABLE IF NOT EXISTS entities (
    collection TEXT NOT NULL,       -- "triggers", "rules" or "packages"
    path TEXT NOT NULL,             -- "guest/name"
    namespace TEXT NOT NULL,
    updated INTEGER NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (collection, path)
);
CREATE INDEX IF NOT EXISTS entities_by_ns ON entities (collection, namespace, updated DESC);
CREATE TABLE IF NOT EXISTS action_code (
    path TEXT PRIMARY KEY,          -- as actions.path
    code TEXT NOT NULL              -- exec.code: source, or a base64 zip
);
CREATE TABLE IF NOT EXISTS alarms (
    trigger TEXT PRIMARY KEY,       -- "/guest/name": the trigger an alarms feed fires (alarms.py)
    doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS logs (
    id TEXT PRIMARY KEY,
    lines TEXT NOT NULL
);
"""


class Store(ActivationRows):
    """Actions and activations in ``<data_dir>/engine.db``."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(
            str(data_dir / "engine.db"), check_same_thread=False, isolation_level=None, cached_statements=64
        )
        self._lock = threading.Lock()
        self._actions: dict[str, dict[str, Any]] = {}
        self._path = data_dir / "engine.db"
        with self._lock:
            self._db.execute("PRAGMA auto_vacuum=INCREMENTAL")  # a new database: expired pages go back
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA locking_mode=EXCLUSIVE")  # one engine per data directory
            self._db.executescript(_SCHEMA)
            self._move_code_out()
            columns = {r[1] for r in self._db.execute("PRAGMA table_info(activations)")}
            if "summary" not in columns:  # a store from before the list's own column
                self._db.execute("ALTER TABLE activations ADD COLUMN summary TEXT")

    def _move_code_out(self) -> None:
        """A store written before ``action_code`` existed: move each action's code there (once)."""
        found = "SELECT path, doc FROM actions WHERE json_extract(doc, '$.exec.code') IS NOT NULL"
        rows = self._db.execute(found).fetchall()
        for path, text in rows:
            doc = json.loads(text)
            code = doc["exec"].pop("code", None)
            if code is None:
                continue
            self._db.execute("BEGIN")
            self._db.execute("INSERT OR REPLACE INTO action_code (path, code) VALUES (?, ?)", (path, code))
            self._db.execute("UPDATE actions SET doc = ? WHERE path = ?", (json.dumps(doc), path))
            self._db.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # actions ---------------------------------------------------------------------------------------------
    def get_action(self, path: str) -> dict[str, Any] | None:
        """The action's document without ``exec.code`` (``action_code`` reads it)."""
        cached = self._actions.get(path)
        if cached is not None:
            return cached
        with self._lock:
            row = self._db.execute("SELECT doc FROM actions WHERE path = ?", (path,)).fetchone()
        if row is None:
            return None
        doc: dict[str, Any] = json.loads(row[0])
        self._actions[path] = doc
        return doc

    def action_code(self, path: str) -> str:
        """The action's ``exec.code`` ("" for one without code: a sequence, an image)."""
        with self._lock:
            row = self._db.execute("SELECT code FROM action_code WHERE path = ?", (path,)).fetchone()
        return str(row[0]) if row else ""

    def put_action(self, path: str, doc: dict[str, Any], *, keep_code: bool = False) -> None:
        """Store ``doc``: its ``exec.code`` goes to ``action_code`` (``keep_code``: an update that sent no
        exec keeps the stored code); an exec without code removes any."""
        exec_ = dict(doc["exec"])
        code = exec_.pop("code", None)
        stored = {**doc, "exec": exec_}
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.execute(
                    "INSERT OR REPLACE INTO actions (path, namespace, updated, doc) VALUES (?, ?, ?, ?)",
                    (path, doc["namespace"], doc["updated"], json.dumps(stored)),
                )
                if code is not None:
                    self._db.execute(
                        "INSERT OR REPLACE INTO action_code (path, code) VALUES (?, ?)", (path, code)
                    )
                elif not keep_code:
                    self._db.execute("DELETE FROM action_code WHERE path = ?", (path,))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._actions[path] = stored

    def delete_action(self, path: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM actions WHERE path = ?", (path,))
            self._db.execute("DELETE FROM action_code WHERE path = ?", (path,))
            self._actions.pop(path, None)

    def list_actions(self, namespace: str, skip: int, limit: int) -> list[dict[str, Any]]:
        """Actions of a namespace and of its packages (``guest`` lists ``guest/pkg`` too), newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT doc FROM actions WHERE namespace = ? OR namespace LIKE ? ESCAPE '\\' "
                "ORDER BY updated DESC, rowid DESC LIMIT ? OFFSET ?",
                (namespace, _like_prefix(namespace), limit, skip),
            ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def count_actions(self, namespace: str, skip: int) -> int:
        with self._lock:
            (n,) = self._db.execute(
                "SELECT COUNT(*) FROM actions WHERE namespace = ? OR namespace LIKE ? ESCAPE '\\'",
                (namespace, _like_prefix(namespace)),
            ).fetchone()
        return max(0, int(n) - skip)

    # triggers, rules, packages -----------------------------------------------------------------------------
    def get_entity(self, collection: str, path: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT doc FROM entities WHERE collection = ? AND path = ?", (collection, path)
            ).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def put_entity(self, collection: str, path: str, doc: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO entities (collection, path, namespace, updated, doc) "
                "VALUES (?, ?, ?, ?, ?)",
                (collection, path, doc["namespace"], doc["updated"], json.dumps(doc)),
            )

    def delete_entity(self, collection: str, path: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM entities WHERE collection = ? AND path = ?", (collection, path))

    def list_entities(
        self, collection: str, namespace: str, skip: int, limit: int, *, public_only: bool = False
    ) -> list[dict[str, Any]]:
        """The entities of one collection in ``namespace``, newest first (``public_only``: published)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT doc FROM entities WHERE collection = ? AND namespace = ?"
                + _PUBLIC * public_only
                + " ORDER BY updated DESC, rowid DESC LIMIT ? OFFSET ?",
                (collection, namespace, limit, skip),
            ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def count_entities(self, collection: str, namespace: str, skip: int, *, public_only: bool = False) -> int:
        with self._lock:
            (n,) = self._db.execute(
                "SELECT COUNT(*) FROM entities WHERE collection = ? AND namespace = ?"
                + _PUBLIC * public_only,
                (collection, namespace),
            ).fetchone()
        return max(0, int(n) - skip)

    # the alarms feed's schedules (alarms.py) ---------------------------------------------------------------
    def get_alarm(self, trigger: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT doc FROM alarms WHERE trigger = ?", (trigger,)).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def put_alarm(self, trigger: str, doc: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO alarms (trigger, doc) VALUES (?, ?)", (trigger, json.dumps(doc))
            )

    def delete_alarm(self, trigger: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM alarms WHERE trigger = ?", (trigger,))

    def list_alarms(self) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute("SELECT doc FROM alarms").fetchall()
        return [json.loads(r[0]) for r in rows]


_PUBLIC = " AND json_extract(doc, '$.publish') = 1"  # JSON true reads as 1


def _like_prefix(namespace: str) -> str:
    return namespace.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "/%"
