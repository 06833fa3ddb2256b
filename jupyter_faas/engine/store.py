"""The engine's SQLite store: actions (with their code), triggers, rules and packages, activation records and
their logs.

One connection in WAL mode (``synchronous=NORMAL``) behind one lock, so the event loop and the scheduler's
worker threads share it safely; statements are cached by sqlite3. An activation is written twice: a
``pending`` row when it is accepted, and the record when it ends, so an activation in flight when the
engine dies is found and closed at the next start (``recover``). Action documents are cached in memory
(the engine is the only writer). What this module does not own: the record's shape (``records.py``) or
any HTTP (``routes.py``).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

# The most a docs=true page of activations holds (records and their logs, as stored).
DOCS_PAGE_BYTES = 16 * 1024 * 1024

__all__ = ["DOCS_PAGE_BYTES", "Store"]

# The most a docs=true page of activations holds (records and their logs, as stored).
DOCS_PAGE_BYTES = 16 * 1024 * 1024

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
    doc TEXT NOT NULL               -- the record without logs (pending: what recovery needs)
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
CREATE TABLE IF NOT EXISTS logs (
    id TEXT PRIMARY KEY,
    lines TEXT NOT NULL
);
"""


class Store:
    """Actions and activations in ``<data_dir>/engine.db``."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(
            str(data_dir / "engine.db"), check_same_thread=False, isolation_level=None, cached_statements=64
        )
        self._lock = threading.Lock()
        self._actions: dict[str, dict[str, Any]] = {}
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA locking_mode=EXCLUSIVE")  # one engine per data directory
            self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # actions ---------------------------------------------------------------------------------------------
    def get_action(self, path: str) -> dict[str, Any] | None:
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

    def put_action(self, path: str, doc: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO actions (path, namespace, updated, doc) VALUES (?, ?, ?, ?)",
                (path, doc["namespace"], doc["updated"], json.dumps(doc)),
            )
            self._actions[path] = doc

    def delete_action(self, path: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM actions WHERE path = ?", (path,))
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

    def list_entities(self, collection: str, namespace: str, skip: int, limit: int) -> list[dict[str, Any]]:
        """The entities of one collection in ``namespace``, newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT doc FROM entities WHERE collection = ? AND namespace = ? "
                "ORDER BY updated DESC, rowid DESC LIMIT ? OFFSET ?",
                (collection, namespace, limit, skip),
            ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def count_entities(self, collection: str, namespace: str, skip: int) -> int:
        with self._lock:
            (n,) = self._db.execute(
                "SELECT COUNT(*) FROM entities WHERE collection = ? AND namespace = ?",
                (collection, namespace),
            ).fetchone()
        return max(0, int(n) - skip)

    # activations -----------------------------------------------------------------------------------------
    def add_pending(
        self, activation_id: str, namespace: str, name: str, start: int, doc: dict[str, Any]
    ) -> None:
        """Mark an activation in flight (a no-op when its record, or its mark, is already there)."""
        with self._lock:
            self._db.execute(
                "INSERT OR IGNORE INTO activations (id, namespace, name, start, pending, doc) "
                "VALUES (?, ?, ?, ?, 1, ?)",
                (activation_id, namespace, name, start, json.dumps(doc)),
            )

    def finish(self, record: dict[str, Any], logs: list[str], name: str) -> None:
        """Store the record (over its pending mark, if written yet) and its logs, in one transaction.

        ``name`` is what the list's name filter matches (``name`` or ``pkg/name``). The mark is updated in
        place (a REPLACE would delete and re-insert the row and its index entries); no logs need no row
        (an activation is finished once, and readers take a missing row as no logs).
        """
        doc = json.dumps({k: v for k, v in record.items() if k != "logs"})
        aid = record["activationId"]
        row = (record["namespace"], name, record["start"], doc, aid)
        with self._lock:
            self._db.execute("BEGIN")
            try:
                updated = self._db.execute(
                    "UPDATE activations SET namespace = ?, name = ?, start = ?, pending = 0, doc = ? "
                    "WHERE id = ?",
                    row,
                ).rowcount
                if not updated:
                    self._db.execute(
                        "INSERT INTO activations (namespace, name, start, pending, doc, id) "
                        "VALUES (?, ?, ?, 0, ?, ?)",
                        row,
                    )
                if logs:
                    self._db.execute(
                        "INSERT OR REPLACE INTO logs (id, lines) VALUES (?, ?)", (aid, json.dumps(logs))
                    )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def pending(self) -> list[tuple[str, str, dict[str, Any]]]:
        """Activations marked in flight and never finished: (id, filter name, pending doc)."""
        with self._lock:
            rows = self._db.execute("SELECT id, name, doc FROM activations WHERE pending = 1").fetchall()
        return [(r[0], r[1], json.loads(r[2])) for r in rows]

    def get_activation(
        self, activation_id: str, namespace: str, *, with_logs: bool = True
    ) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT doc FROM activations WHERE id = ? AND namespace = ? AND pending = 0",
                (activation_id, namespace),
            ).fetchone()
            lines = None
            if row is not None and with_logs:
                lines = self._db.execute("SELECT lines FROM logs WHERE id = ?", (activation_id,)).fetchone()
        if row is None:
            return None
        record: dict[str, Any] = json.loads(row[0])
        record["logs"] = json.loads(lines[0]) if lines else []
        return record

    def list_activations(
        self,
        namespace: str,
        *,
        name: str | None,
        since: int | None,
        upto: int | None,
        skip: int,
        limit: int,
        docs: bool,
    ) -> list[dict[str, Any]]:
        """Newest first. With ``docs`` (whole records, logs included) a page ends early once it holds
        ``DOCS_PAGE_BYTES`` (always at least one record): 200 records of 1 MB results and 10 MB logs would
        otherwise be one 2 GB answer. A client pages on with ``skip`` or ``upto`` as usual."""
        where, args = _filters(namespace, name, since, upto)
        out: list[dict[str, Any]] = []
        size = 0
        with self._lock:
            cursor = self._db.execute(
                f"SELECT id, doc FROM activations WHERE {where} "
                "ORDER BY start DESC, rowid DESC LIMIT ? OFFSET ?",
                (*args, limit, skip),
            )
            for aid, doc in cursor:
                record = json.loads(doc)
                if docs:
                    row = self._db.execute("SELECT lines FROM logs WHERE id = ?", (aid,)).fetchone()
                    record["logs"] = json.loads(row[0]) if row else []
                    size += len(doc) + (len(row[0]) if row else 0)
                    if out and size > DOCS_PAGE_BYTES:
                        break
                out.append(record)
            cursor.close()
        return out

    def count_activations(
        self, namespace: str, *, name: str | None, since: int | None, upto: int | None, skip: int
    ) -> int:
        where, args = _filters(namespace, name, since, upto)
        with self._lock:
            (n,) = self._db.execute(f"SELECT COUNT(*) FROM activations WHERE {where}", args).fetchone()
        return max(0, int(n) - skip)

    def activation_ids(self) -> Iterable[str]:
        with self._lock:
            return [r[0] for r in self._db.execute("SELECT id FROM activations WHERE pending = 0")]


def _like_prefix(namespace: str) -> str:
    return namespace.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "/%"


def _filters(namespace: str, name: str | None, since: int | None, upto: int | None) -> tuple[str, list[Any]]:
    where = ["namespace = ?", "pending = 0"]
    args: list[Any] = [namespace]
    if name:
        where.append("name = ?")
        args.append(name)
    if since is not None:
        where.append("start >= ?")
        args.append(since)
    if upto is not None:
        where.append("start <= ?")
        args.append(upto)
    return " AND ".join(where), args
