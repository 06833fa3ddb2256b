"""The activation half of the engine's store: records (a ``pending`` row at acceptance, the record at the
end), their logs, their list summaries, and their expiry (``retention.py`` decides when).

``ActivationRows`` is mixed into ``store.Store`` and uses its connection and lock (``_db``, ``_lock``,
``_path``). What this module does not own: actions and other entities, the schema (``store.py``), the
record's shape (``records.py``).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .records import summary

__all__ = ["DOCS_PAGE_BYTES", "ActivationRows"]

# The most a docs=true page of activations holds (records and their logs, as stored).
DOCS_PAGE_BYTES = 16 * 1024 * 1024


class ActivationRows:
    _db: sqlite3.Connection
    _lock: threading.Lock
    _path: Path

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
        row = (record["namespace"], name, record["start"], doc, json.dumps(summary(record)), aid)
        with self._lock:
            self._db.execute("BEGIN")
            try:
                updated = self._db.execute(
                    "UPDATE activations SET namespace = ?, name = ?, start = ?, pending = 0, doc = ?, "
                    "summary = ? WHERE id = ?",
                    row,
                ).rowcount
                if not updated:
                    self._db.execute(
                        "INSERT INTO activations (namespace, name, start, pending, doc, summary, id) "
                        "VALUES (?, ?, ?, 0, ?, ?, ?)",
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
        """Newest first: summaries (``records.summary``, from their own column), or with ``docs`` whole
        records, logs included; then a page ends early once it holds
        ``DOCS_PAGE_BYTES`` (always at least one record): 200 records of 1 MB results and 10 MB logs would
        otherwise be one 2 GB answer. A client pages on with ``skip`` or ``upto`` as usual."""
        where, args = _filters(namespace, name, since, upto)
        out: list[dict[str, Any]] = []
        size = 0
        with self._lock:
            if not docs:  # summaries only: the records (and their results) are not read
                rows = self._db.execute(
                    f"SELECT summary, CASE WHEN summary IS NULL THEN doc END FROM activations WHERE {where} "
                    "ORDER BY start DESC, rowid DESC LIMIT ? OFFSET ?",
                    (*args, limit, skip),
                ).fetchall()
                return [json.loads(s) if s is not None else summary(json.loads(d)) for s, d in rows]
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

    # retention ---------------------------------------------------------------------------------------------
    def expire(self, *, before_ms: int | None, keep: int | None, batch: int = 500) -> int:
        """Delete finished activations (and their logs) that started before ``before_ms``, then the oldest
        beyond the newest ``keep``; ``batch`` at a time, the lock released in between. How many went."""
        deleted = 0
        if before_ms is not None:
            while n := self._delete_oldest(batch, "AND start < ?", (before_ms,)):
                deleted += n
        if keep is not None:
            with self._lock:
                (total,) = self._db.execute("SELECT COUNT(*) FROM activations WHERE pending = 0").fetchone()
            extra = max(0, int(total) - keep)
            while extra > 0 and (n := self._delete_oldest(min(batch, extra), "", ())):
                deleted += n
                extra -= n
        if deleted:
            with self._lock:
                self._db.executescript("PRAGMA incremental_vacuum;")  # stepped to the end: every free page
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()  # the file shrinks now
        return deleted

    def _delete_oldest(self, batch: int, condition: str, args: tuple[Any, ...]) -> int:
        with self._lock:
            ids = [
                r[0]
                for r in self._db.execute(
                    f"SELECT id FROM activations WHERE pending = 0 {condition} ORDER BY start, rowid LIMIT ?",
                    (*args, batch),
                )
            ]
            if ids:
                marks = ",".join("?" * len(ids))
                self._db.execute("BEGIN")
                self._db.execute(f"DELETE FROM activations WHERE id IN ({marks})", ids)
                self._db.execute(f"DELETE FROM logs WHERE id IN ({marks})", ids)
                self._db.execute("COMMIT")
        return len(ids)

    def sizes(self) -> dict[str, Any]:
        """What ``engine --status`` shows: counts (the users' actions, not the whisk.system catalog's), and
        the database's bytes on disk (its WAL included)."""
        with self._lock:
            (actions,) = self._db.execute(
                "SELECT COUNT(*) FROM actions WHERE path NOT LIKE 'whisk.system/%'"
            ).fetchone()
            (finished,) = self._db.execute("SELECT COUNT(*) FROM activations WHERE pending = 0").fetchone()
        size = sum(
            p.stat().st_size for p in (self._path, self._path.with_name("engine.db-wal")) if p.exists()
        )
        return {"actions": int(actions), "activations": int(finished), "db_bytes": size}

    def activation_ids(self) -> Iterable[str]:
        with self._lock:
            return [r[0] for r in self._db.execute("SELECT id FROM activations WHERE pending = 0")]


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
