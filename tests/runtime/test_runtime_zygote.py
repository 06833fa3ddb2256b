"""Cold starts from a warm template (issue 17): containers forked by their interpreter's zygote, which has
preloaded modules, behave exactly as exec'd ones: their own process tree, session, environment, folder,
limits, logs and init time; nothing of one action reaches another; and a preloaded module is there
without the action's import paying for it."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from helpers.runtime import make_request, make_spec

from jupyter_faas.runtime import Runtime

PRELOADED = "xml.dom.minidom"  # a module no launcher imports by itself (stdlib: in every kind)

PROBE = """
import os, sys
AT_INIT = {"preloaded": "PRELOADED" in sys.modules, "home": os.environ.get("HOME"), "cwd": os.getcwd()}
def main(a):
    import json
    if a.get("leak"):
        json.leaked = True
        os.environ["LEAKED"] = "1"
    return {**AT_INIT, "pid": os.getpid(), "ppid": os.getppid(), "sid": os.getsid(0),
            "leaked": hasattr(json, "leaked"), "env": sorted(os.environ),
            "launcher": "launcher" in sys.modules}
""".replace("PRELOADED", PRELOADED)


@pytest.fixture
def forking(tmp_path: Path, cache_dir: Path, kinds: dict[str, Any], monkeypatch) -> Iterator[Runtime]:
    """A runtime whose python:3.11 zygote (preloading PRELOADED) is up before the test runs."""
    monkeypatch.setenv("JUPYTER_FAAS_ZYGOTE_MODULES", PRELOADED)
    rt = Runtime(tmp_path / "work", cache_dir=cache_dir)
    rt._pool.use_zygotes = True
    env = kinds["python:3.11"]
    rt._pool.zygote(env)  # starts it in the background
    end = time.monotonic() + 60
    while rt._pool.zygote(env) is None:
        assert time.monotonic() < end, "the zygote never came up"
        time.sleep(0.05)
    yield rt
    rt.shutdown()


def _zygote_pid(rt: Runtime) -> int:
    (zygote,) = [z for z in rt._pool._zygotes.values() if z is not None]
    return zygote.proc.pid


def test_a_forked_container_is_a_container_of_its_own(forking: Runtime) -> None:
    out = forking.run(make_spec(PROBE), make_request())
    assert out.status_code == 0, out.result
    r = out.result
    assert r["ppid"] == _zygote_pid(forking)  # forked, not exec'd
    assert r["sid"] == r["pid"]  # a session of its own, as start_new_session gives
    assert r["preloaded"] is True  # imported by the zygote: the action's init did not pay for it
    assert Path(r["cwd"]).name == "action" and Path(r["home"]) == Path(r["cwd"]).parent
    assert "JUPYTER_FAAS_ZYGOTE_MODULES" not in r["env"] and not r["launcher"]
    assert out.init_ms is not None  # a cold start, with upstream's initTime


def test_nothing_of_one_action_reaches_the_next(forking: Runtime) -> None:
    first = forking.run(make_spec(PROBE), make_request({"leak": True})).result
    assert first["leaked"] is True
    second = forking.run(make_spec(PROBE), make_request()).result  # another revision: another container
    assert second["pid"] != first["pid"] and second["leaked"] is False and "LEAKED" not in second["env"]


def test_limits_logs_and_exits_hold_in_a_forked_container(forking: Runtime) -> None:
    code = "import time\nprint('at init')\ndef main(a):\n    print('in run', flush=True)\n    time.sleep(5)\n"
    spec = make_spec(code, timeout_ms=500)
    out = forking.run(spec, make_request())
    assert out.timeout and out.result == {"error": "The action exceeded its time limits of 500 milliseconds."}
    assert any(line.endswith("stdout: at init") for line in out.logs)
    assert any(line.endswith("stdout: in run") for line in out.logs)
    hog = make_spec(
        "def main(a):\n    b = bytearray(400 * 1024 * 1024)\n    return {'n': len(b)}\n", memory_mb=128
    )
    assert forking.run(hog, make_request()).result == {
        "error": "The action exhausted its memory and was aborted."
    }
    gone = forking.run(make_spec("import sys\ndef main(a):\n    sys.exit(2)\n"), make_request())
    assert gone.result == {"error": "command exited"}


def test_a_killed_zygote_is_replaced_and_runs_go_on(forking: Runtime) -> None:
    old = _zygote_pid(forking)
    psutil.Process(old).kill()
    psutil.Process(old).wait(timeout=10)
    out = forking.run(make_spec(PROBE), make_request())  # execs (or forks from a new zygote): it runs
    assert out.status_code == 0, out.result
    assert not os.path.exists(f"/proc/{old}") or psutil.Process(old).status() == psutil.STATUS_ZOMBIE
