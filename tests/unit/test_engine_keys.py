"""The engine's own key (issue 11, point 1), as a file: made once, private, the same for every racer."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from jupyter_faas.contract import GUEST_KEY
from jupyter_faas.engine.keys import own_key, read_own_key, resolve_auth
from jupyter_faas.errors import EngineError


def test_racing_callers_all_get_the_one_key(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: own_key(data), range(32)))
    assert len(keys) == 1
    (key,) = keys
    user, _, secret = key.partition(":")
    assert len(user) == 36 and len(secret) == 64 and key != GUEST_KEY
    assert stat.S_IMODE((data / "auth.key").stat().st_mode) == 0o600
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert sorted(p.name for p in data.iterdir()) == ["auth.key"]  # no temporary file left


def test_a_key_file_others_can_read_is_refused_with_the_fix(tmp_path: Path) -> None:
    own_key(tmp_path)
    (tmp_path / "auth.key").chmod(0o644)
    with pytest.raises(EngineError, match="readable by other users") as info:
        read_own_key(tmp_path)
    assert "chmod 600" in (info.value.fix or "")


def test_auth_choices(tmp_path: Path) -> None:
    assert resolve_auth("guest", tmp_path).key == GUEST_KEY
    (tmp_path / "k").write_text("u:" + "s" * 10 + "\n")
    chosen = resolve_auth(f"@{tmp_path / 'k'}", tmp_path)
    assert (chosen.key, chosen.mode) == ("u:" + "s" * 10, "given") and "s" * 10 not in repr(chosen)
    for bad in ("u:literal", "nocolon"):
        with pytest.raises(EngineError, match="--auth takes guest"):
            resolve_auth(bad, tmp_path)
