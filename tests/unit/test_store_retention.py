"""``Store.expire`` on a real SQLite file: by age, then by count, logs with their records, pending
activations never, and the freed pages given back to the file system (incremental vacuum)."""

from __future__ import annotations

from pathlib import Path

from jupyter_faas.engine.store import Store


def _finish(store: Store, i: int, start_ms: int) -> None:
    record = {
        "activationId": f"{i:032x}", "namespace": "guest", "name": "a", "version": "0.0.1", "publish": False,
        "start": start_ms, "end": start_ms + 1, "duration": 1, "statusCode": 0, "annotations": [],
        "response": {"status": "success", "statusCode": 0, "success": True, "result": {"pad": "x" * 2000}},
    }  # fmt: skip
    store.finish(record, [f"line {i}"] * 3, "a")


def test_expire_by_age_then_count_keeps_pending_and_shrinks_the_file(tmp_path: Path) -> None:
    store = Store(tmp_path)
    for i in range(2000):
        _finish(store, i, 1_000 + i)
    store.add_pending("f" * 32, "guest", "a", 0, {"activationId": "f" * 32})  # in flight: never expired
    big = store.sizes()["db_bytes"]
    assert store.expire(before_ms=1_500, keep=None) == 500  # started before 1500
    assert store.expire(before_ms=None, keep=100) == 1400  # the oldest beyond the newest 100
    assert store.sizes()["activations"] == 100
    kept = store.list_activations("guest", name=None, since=None, upto=None, skip=0, limit=200, docs=False)
    assert [r["activationId"] for r in kept][-1] == f"{1900:032x}"
    assert store.get_activation(f"{10:032x}", "guest") is None
    assert store.get_activation(f"{1999:032x}", "guest")["logs"] == ["line 1999"] * 3
    assert [p[0] for p in store.pending()] == ["f" * 32]
    (logs,) = store._db.execute("SELECT COUNT(*) FROM logs").fetchone()
    assert logs == 100  # the expired records' logs went with them
    assert store.sizes()["db_bytes"] < big / 5
    assert store.expire(before_ms=None, keep=100) == 0
    store.close()
