"""No action process outlives its container (issue 11, point 3), with real processes.

A child the action detaches (``start_new_session=True``, a double fork with ``setsid``) dies with its
container under both memory enforcers, also when the action's own process is gone already (``os._exit``);
a killed engine's launchers kill their trees (the lifeline); an engine's start-up sweeps what a previous
one left; no cgroup is left behind.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil
import pytest
from helpers.runtime import make_request, make_spec

from jupyter_faas.runtime import Runtime, cgroups
from jupyter_faas.runtime.processes import TAG_VARIABLE, engine_tag, sweep

DETACH = """
import os, subprocess, sys

def _double_fork():
    r, w = os.pipe()
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            os.write(w, str(os.getpid()).encode())
            os.execv("/bin/sleep", ["sleep", "300"])
        os._exit(0)
    os.wait()
    return int(os.read(r, 32))

def main(args):
    child = subprocess.Popen(["sleep", "300"], start_new_session=True)
    pids = [child.pid, _double_fork()]
    if args.get("exit"):
        print("pids", pids, flush=True)
        os._exit(3)
    return {"pids": pids}
"""


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _gone_within(pids: list[int], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(_alive(p) for p in pids):
            return True
        time.sleep(0.02)
    return False


def _our_groups() -> list[Path]:
    root, _ = cgroups.find_root()
    if root is None:
        return []
    return list(root.path.glob("c*" if root.version == 2 else f"jupyter-faas-{os.getpid()}-*"))


def test_detached_children_die_with_their_container(
    enforcer: str,
    tmp_path: Path,
    cache_dir: Path,
    kinds: Any,
) -> None:
    rt = Runtime(tmp_path / "work", cache_dir=cache_dir, prewarm=False)
    try:
        out = rt.run(make_spec(DETACH), make_request())
        assert out.status_code == 0, out
        pids = out.result["pids"]
        assert all(_alive(p) for p in pids)  # they run while the container is warm
    finally:
        rt.shutdown()
    assert _gone_within(pids), [p for p in pids if _alive(p)]
    assert _our_groups() == []  # no empty cgroup left behind either


def test_children_of_an_action_whose_process_exited_die_too(
    enforcer: str,
    tmp_path: Path,
    cache_dir: Path,
    kinds: Any,
) -> None:
    rt = Runtime(tmp_path / "work", cache_dir=cache_dir, prewarm=False)
    try:
        out = rt.run(make_spec(DETACH), make_request({"exit": True}))
        assert out.status_code == 2
        line = next(x for x in out.logs if "pids [" in x)
        pids = [int(p) for p in line.split("pids [", 1)[1].rstrip("]").split(",")]
        assert _gone_within(pids), "the container is destroyed after a developer error, and its orphans"
    finally:
        rt.shutdown()


def test_a_killed_engine_takes_its_actions_processes_with_it(start_engine: Any, tmp_path: Path) -> None:
    """kill -9 of the engine: every launcher's lifeline reads EOF and it kills its tree."""
    import base64

    import requests

    engine = start_engine(data_dir=tmp_path / "engine")
    auth = {"Authorization": "Basic " + base64.b64encode(engine.auth.encode()).decode()}
    url = f"{engine.url}/namespaces/_/actions/detach"
    body = {"exec": {"kind": "python:3.11", "code": DETACH}}
    assert requests.put(url + "?overwrite=true", json=body, headers=auth, timeout=30).ok
    r = requests.post(url + "?blocking=true&result=true", json={}, headers=auth, timeout=120)
    assert r.status_code == 200, r.text
    pids = r.json()["pids"]
    launchers = [p.pid for p in psutil.Process(engine.pid).children()]
    assert launchers and all(_alive(p) for p in pids)
    engine.kill()
    assert _gone_within(pids + launchers, 10), [p for p in pids + launchers if _alive(p)]


def test_start_up_sweeps_what_a_previous_engine_left(tmp_path: Path, cache_dir: Path) -> None:
    work = tmp_path / "work"
    containers = work / "containers"
    folder = containers / "c1-1"
    folder.mkdir(parents=True)
    tag = engine_tag(work)
    env = {"PATH": os.environ["PATH"], TAG_VARIABLE: f"{tag}/7/"}
    # one recorded launcher (its pid file) and one orphan known only by its tag
    recorded = subprocess.Popen(["sleep", "300"], start_new_session=True)
    (folder / "launcher.pid").write_text(f"{recorded.pid} {psutil.Process(recorded.pid).create_time()!r}\n")
    orphan = subprocess.Popen(["sleep", "300"], env=env, start_new_session=True)
    other = subprocess.Popen(["sleep", "300"], env={**env, TAG_VARIABLE: "another-engine/1/"})
    try:
        assert sweep(containers, tag) == 2
        for proc in (recorded, orphan):
            assert proc.wait(timeout=5) == -9
        assert other.poll() is None  # another data directory's process is left alone
    finally:
        for proc in (recorded, orphan, other):
            proc.kill()
            proc.wait()


def test_a_second_engine_on_the_same_data_dir_stops_before_touching_anything(
    start_engine: Any, tmp_path: Path
) -> None:
    data = tmp_path / "engine"
    start_engine(data_dir=data)
    out = subprocess.run(
        [sys.executable, "-m", "jupyter_faas.engine.server", "--port", "0", "--data-dir", str(data)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2 and "Another engine already runs" in out.stderr


@pytest.fixture(scope="module")
def start_engine(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from jupyter_faas.engine import start

    started: list[Any] = []

    def _start(**kwargs: Any) -> Any:
        handle = start(port=0, **kwargs)
        started.append(handle)
        return handle

    yield _start
    for handle in started:
        if handle.alive():
            handle.stop()
