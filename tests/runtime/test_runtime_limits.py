"""Limits and failures: time, memory (both enforcers), crashes; each destroys the container."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers.runtime import log_texts, make_request, make_spec

from jupyter_faas.runtime import Runtime

DEV_WARNING = "stderr: The action did not initialize or run as expected. Log data might be missing."

GREEDY = """
import time
hoard = []

def grab(limit_mb):
    for _ in range(limit_mb // 8):
        hoard.append(b"x" * (8 * 1024 * 1024))  # touched pages: counted as resident
        time.sleep(0.002)
{at_init}
def main(args):
    if args.get("grab"):
        grab(args["grab"])
    return {{"held_mb": 8 * len(hoard)}}
"""


def test_timeout_during_run_kills_and_the_next_run_is_cold(runtime: Runtime) -> None:
    code = (
        "import os, time\n"
        "def main(a):\n    print('started')\n    time.sleep(a.get('s', 0))\n    return {'pid': os.getpid()}\n"
    )
    spec = make_spec(code, timeout_ms=500)
    pid = runtime.run(spec, make_request()).result["pid"]
    out = runtime.run(spec, make_request({"s": 30}))
    assert out.status_code == 2
    assert out.timeout is True
    assert out.result == {"error": "The action exceeded its time limits of 500 milliseconds."}
    assert 450 <= out.end_ms - out.start_ms < 5000
    assert log_texts(out.logs)[-1] == DEV_WARNING
    assert runtime.warm_count(spec.key) == 0
    again = runtime.run(spec, make_request())
    assert again.init_ms is not None and again.result["pid"] != pid


def test_timeout_during_init(runtime: Runtime) -> None:
    spec = make_spec("import time\ntime.sleep(30)\ndef main(a):\n    return {}\n", timeout_ms=400)
    out = runtime.run(spec, make_request())
    assert out.status_code == 2 and out.timeout is True
    assert out.result == {
        "error": "The action exceeded its time limits of 400 milliseconds during initialization."
    }
    assert out.init_ms is not None
    assert runtime.warm_count(spec.key) == 0


def test_crash_during_run(runtime: Runtime) -> None:
    code = "import os, sys\ndef main(a):\n    print('bye', flush=True)\n    os._exit(3)\n"
    spec = make_spec(code)
    out = runtime.run(spec, make_request())
    assert out.status_code == 2
    assert out.result == {"error": "The action did not produce a valid response and exited unexpectedly."}
    assert "stdout: bye" in log_texts(out.logs)
    assert runtime.warm_count(spec.key) == 0


def test_crash_during_init(runtime: Runtime) -> None:
    spec = make_spec("import os\nos._exit(1)\ndef main(a):\n    return {}\n")
    out = runtime.run(spec, make_request())
    assert out.status_code == 2
    assert out.result == {"error": "The action did not initialize and exited unexpectedly."}


def test_an_unserialisable_result_crashes_the_process_as_upstream(runtime: Runtime) -> None:
    out = runtime.run(make_spec("def main(a):\n    return {'s': {1, 2}}\n"), make_request())
    assert out.status_code == 2
    assert out.result == {"error": "The action did not produce a valid response and exited unexpectedly."}
    assert any("is not JSON serializable" in line for line in out.logs)


def test_memory_exhaustion_during_run(enforcer: str, tmp_path: Path, cache_dir: Path, kinds: Any) -> None:
    rt = Runtime(tmp_path / "work", cache_dir=cache_dir, prewarm=False)
    try:
        spec = make_spec(GREEDY.format(at_init=""), memory_mb=128, timeout_ms=20_000)
        assert rt.run(spec, make_request({"grab": 48})).result == {"held_mb": 48}
        out = rt.run(spec, make_request({"grab": 1024}))
        assert out.status_code == 2, out
        assert out.result == {"error": "The action exhausted its memory and was aborted."}
        assert rt.warm_count(spec.key) == 0
        again = rt.run(spec, make_request())
        assert again.init_ms is not None and again.result == {"held_mb": 0}
    finally:
        rt.shutdown()


def test_memory_exhaustion_during_init(enforcer: str, tmp_path: Path, cache_dir: Path, kinds: Any) -> None:
    rt = Runtime(tmp_path / "work", cache_dir=cache_dir, prewarm=False)
    try:
        spec = make_spec(GREEDY.format(at_init="grab(1024)\n"), memory_mb=128, timeout_ms=20_000)
        out = rt.run(spec, make_request())
        assert out.status_code == 2
        assert out.result == {"error": "The action exhausted its memory and was aborted."}
        assert out.init_ms is not None
    finally:
        rt.shutdown()
