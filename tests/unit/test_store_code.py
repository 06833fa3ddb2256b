"""The store keeps action code out of memory (issue 17): documents are cached without ``exec.code``, the code
lives in its own table and is read only when asked for, and a store written before that is moved over."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from jupyter_faas.engine.store import Store


def _doc(code: str | None, kind: str = "python:3.11", updated: int = 1) -> dict:
    exec_ = {"kind": kind, "binary": False, **({"code": code} if code is not None else {})}
    return {"namespace": "guest", "name": "a", "version": "0.0.1", "exec": exec_, "updated": updated,
            "annotations": [], "parameters": [], "limits": {}, "publish": False}  # fmt: skip


def test_code_is_stored_apart_and_read_only_when_asked(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.put_action("guest/a", _doc("x" * 100_000))
    assert "code" not in store.get_action("guest/a")["exec"]
    assert "code" not in store.list_actions("guest", 0, 10)[0]["exec"]
    assert store.action_code("guest/a") == "x" * 100_000
    store.put_action("guest/a", _doc(None, updated=2), keep_code=True)  # an update that sent no exec
    assert store.action_code("guest/a") == "x" * 100_000
    store.put_action("guest/a", _doc(None, kind="sequence", updated=3))  # a new exec without code
    assert store.action_code("guest/a") == ""
    store.put_action("guest/a", _doc("y"))
    store.delete_action("guest/a")
    assert store.get_action("guest/a") is None and store.action_code("guest/a") == ""
    store.close()


def test_code_survives_a_restart_and_an_old_store_is_moved_over(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.put_action("guest/a", _doc("print(1)"))
    store.close()
    old = sqlite3.connect(tmp_path / "engine.db")  # as an engine before the code table wrote it
    old.execute(
        "INSERT INTO actions (path, namespace, updated, doc) VALUES (?, ?, ?, ?)",
        ("guest/b", "guest", 5, json.dumps({**_doc("print(2)"), "name": "b"})),
    )
    old.commit()
    old.close()
    again = Store(tmp_path)
    assert again.action_code("guest/a") == "print(1)" and again.action_code("guest/b") == "print(2)"
    assert "code" not in again.get_action("guest/b")["exec"]
    again.close()
    db = sqlite3.connect(tmp_path / "engine.db")
    (doc,) = db.execute("SELECT doc FROM actions WHERE path = 'guest/b'").fetchone()
    assert "print(2)" not in doc  # the document on disk has no code either
