"""The launcher: what runs inside an action's process, as OpenWhisk's Python ``launcher.py`` does.

Standard library only: it runs under the kind's interpreter (``python -I``), which must see the kind's
packages and the action's ``virtualenv/``, never jupyter_faas nor the engine's site-packages.

Protocol with the parent (``container.py``), one JSON object per line:

* commands arrive on stdin: ``{"init": {"main", "env", "dir"}}`` once, then ``{"run": {"value": params,
  "activation_id", "action_name", ...}}`` per activation;
* answers go to fd 3: ``{"ok": true}`` or ``{"error": msg, "status": code}`` for an init, the action's
  JSON result for a run (exactly what upstream's launcher writes);
* the action's own output goes to the real fds 1 and 2; after every init and run the launcher writes
  ``XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX`` on both, so the parent knows the logs are complete. It writes
  them before the answer (upstream writes them after), so that when the answer arrives both sentinels
  are already in their pipes and the parent wakes up once per activation, not up to three times.

Hygiene (``processes.py`` is the parent's side): on Linux the launcher makes itself a child subreaper,
so what the action starts and detaches stays in its tree; and it watches a lifeline fd (``argv[2]``) whose
write end only the engine holds: at EOF (the engine is gone, even after ``kill -9``) it kills its whole
tree and exits, so no action process outlives its engine.

A Node.js kind (``JUPYTER_FAAS_NODE`` names its node): once the lifeline, the subreaper and the sandbox are
in place, this process starts ``launcher.js`` under node on the same pipes and waits for it; node speaks
the same protocol (``launcher.js`` says how), and its tree is this one's.

The parent has already put the action in ``dir`` (``main__.py`` + files, as upstream's compile step
leaves it). What this module does not own: limits, logs formatting, result checks (the parent does them).
"""

import contextlib
import json
import os
import signal
import sys
import threading
import traceback

SENTINEL = "XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX\n"
# Upstream's go proxy answers, with OW_LOG_INIT_ERROR set (the details go to the logs).
COMPILE_FAILED = "The action failed to generate or locate a binary. See logs for details."
START_FAILED = "Cannot start action. Check logs for details."
INIT_TWICE = "Cannot initialize the action more than once."
# the Go proxy's word when the action's process ends (sys.exit) during an init or a run
COMMAND_EXITED = "command exited"
# the answer line of a run the action ended with sys.exit(): no JSON can start with \x1e
EXITED_ANSWER = b"\x1eexited\n"


def _end(out):
    for stream, fd in ((sys.stdout, 1), (sys.stderr, 2)):
        with contextlib.suppress(Exception):  # the action may have closed or replaced its streams
            stream.flush()
        with contextlib.suppress(OSError):
            os.write(fd, SENTINEL.encode())


def _answer(out, obj):
    out.write(json.dumps(obj, ensure_ascii=False).encode("utf-8") + b"\n")
    out.flush()


def _activate_virtualenv(folder):
    """Run ``virtualenv/bin/activate_this.py`` as upstream does; False (reason on stderr) if invalid."""
    venv = os.path.join(folder, "virtualenv")
    if not os.path.isdir(venv):
        return True
    activate = os.path.join(venv, "bin", "activate_this.py")
    if not os.path.exists(activate):
        activate = os.path.join(venv, "Scripts", "activate_this.py")
    if not os.path.exists(activate):
        sys.stderr.write("Invalid virtualenv. Zip file does not include 'activate_this.py'.\n")
        return False
    try:
        with open(activate) as f:
            code = compile(f.read(), activate, "exec")
        exec(code, {"__file__": activate})
    except Exception:
        traceback.print_exc(file=sys.stderr, limit=0)
        return False
    return True


def _install_requirements(folder):
    """``requirements.txt`` without ``virtualenv/``: build one at init, as upstream's compile step does."""
    requirements = os.path.join(folder, "requirements.txt")
    venv = os.path.join(folder, "virtualenv")
    if not os.path.exists(requirements) or os.path.isdir(venv):
        return True
    import subprocess

    steps = [
        [sys.executable, "-m", "virtualenv", venv],
        [os.path.join(venv, "bin", "python"), "-m", "pip", "install", "-r", requirements],
    ]
    for step in steps:
        done = subprocess.run(step, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if done.returncode != 0:
            sys.stderr.write(done.stdout.decode("utf-8", "replace"))
            return False
    return True


def _init(message):
    """Load the action; return (main function or None, answer)."""
    folder = message["dir"]
    os.chdir(folder)
    for key, value in (message.get("env") or {}).items():
        os.environ[str(key)] = value if isinstance(value, str) else json.dumps(value)
    if not _install_requirements(folder) or not _activate_virtualenv(folder):
        return None, {"error": COMPILE_FAILED, "status": 502}
    source = os.path.join(folder, "main__.py")
    if not os.path.exists(source):
        sys.stderr.write("Zip file does not include __main__.py\n")
        return None, {"error": COMPILE_FAILED, "status": 502}
    try:
        with open(source, "rb") as f:
            compile(f.read(), source, "exec")
    except SyntaxError:
        sys.stderr.write("".join(traceback.format_exception_only(*sys.exc_info()[:2])))
        return None, {"error": COMPILE_FAILED, "status": 502}
    sys.path.insert(0, folder)
    name = message.get("main") or "main"
    try:
        import importlib

        module = importlib.import_module("main__")
        if not name.isidentifier() or not hasattr(module, name):
            raise ImportError(f"cannot import name '{name}' from 'main__' ({source})")
        return getattr(module, name), {"ok": True}
    except SystemExit as stop:
        _report_exit(stop)
        sys.stderr.write(COMMAND_EXITED + "\n")  # what the proxy logs (OW_LOG_INIT_ERROR) when it ends
        return None, {"error": START_FAILED, "status": 502}
    except BaseException:
        traceback.print_exc(file=sys.stderr)
        return None, {"error": START_FAILED, "status": 502}


def _report_exit(stop):
    """What Python prints when ``sys.exit(arg)`` ends it: a message argument, on stderr."""
    if stop.code is not None and not isinstance(stop.code, int):
        sys.stderr.write(f"{stop.code}\n")
    sys.stderr.flush()


def _run(main, message):
    env = os.environ
    env.pop("__OW_API_KEY", None)
    payload = {}
    for key, value in message.items():
        if key == "value":
            payload = value
        else:
            env[f"__OW_{key.upper()}"] = value if isinstance(value, str) else str(value)
    try:
        res = main(payload)
    except SystemExit as stop:  # the process ends, as it does under upstream's proxy: "command exited"
        _report_exit(stop)
        return EXITED_ANSWER
    except Exception as ex:
        print(traceback.format_exc(), file=sys.stderr)
        res = {"error": str(ex)}
    return json.dumps(res, ensure_ascii=False).encode("utf-8") + b"\n"


# Portable mode (``host.py``): Linux takes macOS's paths. Popped, so the action never sees it.
PORTABLE = os.environ.pop("JUPYTER_FAAS_PORTABLE", "") == "1" or not sys.platform.startswith("linux")


def _become_subreaper():
    """Linux: orphaned descendants are re-parented to us, not to init (PR_SET_CHILD_SUBREAPER = 36)."""
    if PORTABLE:
        return
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)


def _from_ps():
    """pid -> children, and the pids that carry this container's tag in their environment, from ``ps``
    (macOS, portable mode): without a subreaper, what the action detached left our tree, not its tag."""
    import subprocess

    tag = os.environ.get("JUPYTER_FAAS_CONTAINER", "")
    marker = f"JUPYTER_FAAS_CONTAINER={tag}".encode()
    parents: dict[int, list[int]] = {}
    tagged = []
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        lines = subprocess.run(
            ["ps", "eww", "-A", "-o", "pid=,ppid=,command="], capture_output=True, check=False, timeout=5
        ).stdout.splitlines()
        for line in lines:
            with contextlib.suppress(ValueError, IndexError):
                words = line.split(None, 2)
                pid, ppid = int(words[0]), int(words[1])
                parents.setdefault(ppid, []).append(pid)
                if tag and len(words) > 2 and marker + b" " in words[2] + b" ":
                    tagged.append(pid)
    return parents, tagged


def _descendants():
    """Pids of every descendant of this process (Linux: from /proc; elsewhere: from ``ps``, with what
    carries our tag)."""
    parents: dict[int, list[int]] = {}
    tagged = []
    if PORTABLE:
        parents, tagged = _from_ps()
    else:
        with contextlib.suppress(OSError):
            for entry in os.listdir("/proc"):
                if not entry.isdigit():
                    continue
                with (
                    contextlib.suppress(OSError, ValueError, IndexError),
                    open(f"/proc/{entry}/stat", "rb") as f,
                ):
                    parents.setdefault(int(f.read().rsplit(b")", 1)[1].split()[1]), []).append(int(entry))
    found, stack = [], [os.getpid()]
    while stack:
        for child in parents.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    me = os.getpid()
    return found + [pid for pid in tagged if pid != me and pid not in found]


def _kill_tree_and_exit():
    for _ in range(5):
        pids = _descendants()
        if not pids:
            break
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        os.killpg(os.getpgid(0), signal.SIGKILL)  # our group, ourselves included
    os._exit(1)


def _watch_lifeline(fd):
    """Kill the tree when the engine's end of the lifeline closes."""
    os.set_inheritable(fd, False)

    def watch():
        with contextlib.suppress(OSError):
            while os.read(fd, 1):
                pass
        _kill_tree_and_exit()

    threading.Thread(target=watch, name="lifeline", daemon=True).start()


_READ = (1 << 0) | (1 << 2) | (1 << 3)  # Landlock: execute, read_file, read_dir


def _handled(abi):
    """Every filesystem right of Landlock ABI ``abi`` (refer from 2, truncate from 3, ioctl_dev from 5)."""
    rights = (1 << 13) - 1
    for since, bit in ((2, 13), (3, 14), (5, 15)):
        if abi >= since:
            rights |= 1 << bit
    return rights


def _sandbox():
    """Restrict this process, and all it will start, to the engine's policy (``sandbox.py``) with Landlock;
    any failure ends the process (the engine promised the sandbox)."""
    spec = os.environ.pop("JUPYTER_FAAS_SANDBOX", None)
    if not spec:
        return
    import ctypes

    policy = json.loads(spec)
    os.environ["TMPDIR"] = policy["tmpdir"]
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long

    def call(*args):
        result = libc.syscall(*args)
        if result < 0:
            raise OSError(ctypes.get_errno(), "landlock")
        return result

    abi = call(444, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    handled = _handled(abi)
    ruleset = call(444, ctypes.byref(ctypes.c_uint64(handled)), ctypes.c_size_t(8), ctypes.c_uint32(0))

    class Beneath(ctypes.Structure):
        _pack_ = 1
        _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]

    devices = (1 << 1) | (1 << 2) | (1 << 3) | (handled & ((1 << 14) | (1 << 15)))
    rules = [(p, _READ) for p in policy["read"]] + [(p, handled) for p in policy["write"]]
    rules += [(p, devices & handled) for p in policy["devices"]]
    rules += [(p, handled & ~(1 << 3)) for p in policy["by_name"]]  # /tmp: files by name, no listing
    for path, access in rules:
        try:
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC | os.O_DIRECTORY)
        except OSError:
            continue  # not on this system
        try:
            call(445, ruleset, 1, ctypes.byref(Beneath(access, fd)), 0)
        finally:
            os.close(fd)
    if (
        libc.prctl(38, 1, 0, 0, 0) != 0
    ):  # PR_SET_NO_NEW_PRIVS: what lets an unprivileged process restrict itself
        raise OSError(ctypes.get_errno(), "prctl")
    call(446, ruleset, 0)
    os.close(ruleset)


def _serve_node(node, answer_fd, out):
    """Hand the container over to ``launcher.js`` under ``node`` (it answers ready itself); exit with it."""
    import subprocess

    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "launcher.js")
    try:
        child = subprocess.Popen([node, script, str(answer_fd)], pass_fds=(answer_fd,))
    except OSError as exc:
        sys.stderr.write(f"Node.js could not start ({node}): {exc}\n")
        sys.stderr.flush()
        os._exit(1)
    out.close()  # node holds the answer pipe now: its end is the parent's EOF
    sys.stdin.close()
    with contextlib.suppress(KeyboardInterrupt):
        child.wait()
    _kill_tree_and_exit()


def serve():
    answer_fd = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    os.set_inheritable(answer_fd, False)  # a program the action execs must not hold the answer pipe open
    out = os.fdopen(answer_fd, "wb")
    _become_subreaper()
    if len(sys.argv) > 2:
        _watch_lifeline(int(sys.argv[2]))
    try:
        _sandbox()
    except OSError as exc:
        sys.stderr.write(f"The filesystem sandbox could not be applied: {exc}\n")
        sys.stderr.flush()
        os._exit(1)
    node = os.environ.pop("JUPYTER_FAAS_NODE", None)
    if node:
        _serve_node(node, answer_fd, out)
    _answer(out, {"ready": True})  # the "container" is up: what follows is the init
    main = None
    for line in sys.stdin.buffer:
        command = json.loads(line)
        if "init" in command:
            if main is not None:
                _answer(out, {"error": INIT_TWICE, "status": 403})
                _end(out)
                continue
            main, answer = _init(command["init"])
            _end(out)
            _answer(out, answer)
            if main is None:
                out.close()
                os._exit(1)
        elif "run" in command:
            if main is None:
                _answer(out, {"error": "no action defined yet", "status": 500})
                _end(out)
                continue
            data = _run(main, command["run"])  # an unserialisable result raises: the process exits
            _end(out)  # the logs are complete before the answer: the parent reads both in one wake-up
            out.write(data)
            out.flush()
            if data == EXITED_ANSWER:
                _kill_tree_and_exit()
    _kill_tree_and_exit()  # stdin closed: the engine is gone or done with this container


if __name__ == "__main__":
    serve()
