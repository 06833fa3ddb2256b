"""Which memory enforcer is in force, and why, said once (issue 15): cgroup v2, cgroup v1, or the watchdog.

cgroup v1 and the watchdog run for real here (this machine's kernel has a writable v1 memory hierarchy and
no v2 one with the memory controller). cgroup v2's choice of a group runs on a synthetic hierarchy in a
temporary folder shaped as the kernel's (``cgroup.subtree_control``, ``cgroup.procs``, ``memory.*``): where
it makes its groups, what it writes there, what it reads back, and what it says when it cannot. A refused
write is a file made a folder (the tests run as root, who may write any file).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jupyter_faas.engine import start
from jupyter_faas.runtime import cgroups, host, limits


def _group(path: Path, *, subtree: str = "", controllers: str = "memory pids") -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for name, text in {
        "cgroup.procs": "",
        "cgroup.controllers": controllers,
        "cgroup.subtree_control": subtree,
        "memory.max": "max",
        "memory.events": "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n",
        "memory.peak": "0",
        "memory.swap.max": "max",
        "cgroup.kill": "",
    }.items():
        (path / name).write_text(text)
    return path


def _desktop(tmp_path: Path) -> Path:
    """A systemd desktop's tree: the user's manager delegates memory to app.slice, where we run in a scope."""
    root = _group(tmp_path / "cg", subtree="memory pids")
    user = _group(root / "user.slice/user-1000.slice/user@1000.service", subtree="memory pids")
    app = _group(user / "app.slice", subtree="memory pids")
    _group(app / "jupyter.scope")  # has processes (ours): no controller for children there
    return root


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_v2_makes_its_groups_in_the_nearest_group_that_delegates_memory(tmp_path: Path) -> None:
    root = _desktop(tmp_path)
    app = root / "user.slice/user-1000.slice/user@1000.service/app.slice"
    stale = _group(app / f"jupyter-faas-{_dead_pid()}")  # an engine killed before it cleaned up
    left = subprocess.Popen(["sleep", "60"])  # what ran in one of its containers' groups
    (_group(stale / "c7") / "cgroup.procs").write_text(f"{left.pid}\n")
    found, reason = cgroups.v2_root(
        root, "/user.slice/user-1000.slice/user@1000.service/app.slice/jupyter.scope"
    )
    assert reason == "" and found is not None
    assert found.version == 2 and found.path == app / f"jupyter-faas-{os.getpid()}"
    assert (found.path / "cgroup.subtree_control").read_text() == "+memory"  # for its containers' groups
    assert left.wait(timeout=10) == -9  # killed; its groups would be removed (rmdir works on cgroupfs only)
    assert (stale / "c7" / "cgroup.kill").read_text() == "1" or not (stale / "c7").exists()
    # a container's group: the limit, no swap, and what the kernel reports read back
    _group(found.path / "c-next")  # what the kernel creates with a mkdir, made by hand here
    group = cgroups.Group(2, found.path / "c-next")
    group.set_limit(256 << 20)
    assert (group.path / "memory.max").read_text() == str(256 << 20)
    assert (group.path / "memory.swap.max").read_text() == "0"
    assert not group.oom_killed()
    (group.path / "memory.events").write_text("low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n")
    (group.path / "memory.peak").write_text(str(200 << 20))
    assert group.oom_killed() and group.peak_bytes() == 200 << 20
    group.remove()  # its cgroup.kill written, its folder left: a synthetic group cannot be rmdir'ed
    assert (group.path / "cgroup.kill").read_text() == "1"


def test_v2_says_why_when_nothing_delegates_memory(tmp_path: Path) -> None:
    root = _group(tmp_path / "cg", subtree="pids")
    _group(root / "user.slice", subtree="pids")
    found, reason = cgroups.v2_root(root, "/user.slice")
    assert found is None
    assert reason == "cgroup v2: no group from /user.slice up that delegates memory to this user"


def test_v2_says_why_when_its_group_is_refused_the_memory_controller(tmp_path: Path) -> None:
    root = _desktop(tmp_path)
    app = root / "user.slice/user-1000.slice/user@1000.service/app.slice"
    mine = app / f"jupyter-faas-{os.getpid()}"
    (mine / "cgroup.subtree_control").mkdir(parents=True)  # a write there fails (EISDIR)
    found, reason = cgroups.v2_root(
        root, "/user.slice/user-1000.slice/user@1000.service/app.slice/jupyter.scope"
    )
    assert found is None
    assert reason.startswith(f"cgroup v2: {app} refused a memory group (")


def test_v2_skips_a_group_whose_procs_it_may_not_write(tmp_path: Path) -> None:
    root = _desktop(tmp_path)
    app = root / "user.slice/user-1000.slice/user@1000.service/app.slice"
    (app / "cgroup.procs").unlink()
    (app / "cgroup.procs").mkdir()  # not writable as a file: moving a process there would fail
    found, _ = cgroups.v2_root(root, "/user.slice/user-1000.slice/user@1000.service/app.slice/jupyter.scope")
    assert found is not None and found.path.parent == app.parent  # the user's manager, one level up


def test_this_machine_says_which_enforcer_is_in_force(monkeypatch: pytest.MonkeyPatch) -> None:
    name, sentence = limits.status()
    root, reason = cgroups.find_root()
    if root is None:
        assert name == "watchdog" and reason in sentence
    else:
        assert name == f"cgroup v{root.version}" and str(root.path) in sentence
        guard = limits.make_guard()
        try:
            assert isinstance(guard, limits.CgroupMemory) and guard.path.parent == root.path
        finally:
            guard.close()
    monkeypatch.setenv("JUPYTER_FAAS_MEMORY_ENFORCER", "poll")
    assert limits.status() == (
        "watchdog",
        "watchdog: the RSS of each action's process tree polled every 10 ms "
        "(JUPYTER_FAAS_MEMORY_ENFORCER=poll)"
        + ("" if host.keeps_orphans() else "; what an action detaches is found by its tag"),
    )
    assert isinstance(limits.make_guard(), limits.PollMemory)


def test_portable_mode_takes_the_watchdog_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(host.PORTABLE_VARIABLE, "1")
    assert limits.status() == (
        "watchdog",
        "watchdog: the RSS of each action's process tree polled every 10 ms (portable mode, "
        "JUPYTER_FAAS_PORTABLE=1); what an action detaches is found by its tag",
    )
    assert isinstance(limits.make_guard(), limits.PollMemory)
    assert not host.keeps_orphans()
    assert type(host.new_selector()).__name__ == "PollSelector"  # no epoll


def test_the_engine_says_which_enforcer_it_uses(tmp_path: Path) -> None:
    data = tmp_path / "engine"
    handle = start(port=0, data_dir=data)
    try:
        status = subprocess.run(
            [sys.executable, "-m", "jupyter_faas", "engine", "--status", "--data-dir", str(data)],
            capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
        line = next(x for x in status.stdout.splitlines() if x.startswith("memory limits: "))
        assert line == f"memory limits: {limits.status()[1]}"  # the engine's environment is this one's
        said = f"memory limits: {limits.status()[1]}; filesystem sandbox: "
        deadline = time.monotonic() + 30  # the engine flushes its log every 500 ms
        while said not in (log := (data / "engine.log").read_text()) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert said in log, log
    finally:
        handle.stop()
