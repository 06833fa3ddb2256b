"""The zygote: an environment's interpreter that has imported what the environment adds to its kind, and
forks a container's launcher on request, so that a cold start pays the action's own init, not Python's
start and numpy's import. Runs under the environment's interpreter (standard library only), started by
``zygote.py`` as ``python -I zygote_main.py SOCKET_FD``.

Protocol on the socket (a ``SOCK_SEQPACKET`` pair, one request at a time): the engine sends one JSON
packet ``{"env", "cwd", "lifeline", "join"}`` with the child's descriptors attached (``SCM_RIGHTS``:
stdin, stdout, stderr, the answer pipe, then the lifeline and the cgroup's ``cgroup.procs`` when there
are); the zygote
forks and answers ``{"pid": N}``. The child starts a new session, joins the cgroup (writes "0" before it
allocates anything of its own), takes the descriptors as 0, 1, 2 and the launcher's, replaces its whole
environment, and becomes ``launcher.serve()``: from there it is exactly the process a container would have
started. The zygote exits when the engine's end of the socket closes; its children are reaped by the
kernel (``SIGCHLD`` ignored here, restored in each child).

At start it imports, for an image, the top-level modules of the distributions its own site-packages
hold (its requirements, beside the kind's packages it reaches through ``_jupyter_faas_base.pth``), except
the frameworks that read their configuration from the environment at import (Keras, TensorFlow, JAX,
PyTorch); for a kind nothing (its stock packages are no model's imports); or exactly the modules named in
``JUPYTER_FAAS_ZYGOTE_MODULES`` (comma-separated). It answers one JSON packet: what it imported and what
failed.
"""

import importlib
import importlib.metadata
import importlib.util
import json
import os
import signal
import socket
import sys
import sysconfig
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
# read their configuration (KERAS_BACKEND, TF_*, XLA_*, CUDA_*) at import: an action sets it first
SKIP = {"keras", "tensorflow", "tf_keras", "jax", "jaxlib", "torch", "tensorboard"}
SKIP |= {"pip", "setuptools", "pkg_resources", "wheel"}  # the venv's own tools: no action's imports
MAX_FDS = 8


def _load_launcher():
    """launcher.py as a module of its own name (not on sys.path: actions must not see it)."""
    spec = importlib.util.spec_from_file_location("_jupyter_faas_launcher", os.path.join(HERE, "launcher.py"))
    if spec is None or spec.loader is None:
        raise ImportError("launcher.py is missing beside zygote_main.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _preimport():
    given = os.environ.get("JUPYTER_FAAS_ZYGOTE_MODULES")
    if given is not None:  # the modules to preload, named (comma-separated): no discovery
        return _import(m.strip() for m in given.split(",") if m.strip())
    own = sysconfig.get_paths()["purelib"]
    if not os.path.exists(os.path.join(own, "_jupyter_faas_base.pth")):
        return [], []  # a kind: its stock packages are the image's business, not a model's
    modules: set[str] = set()
    for dist in importlib.metadata.distributions():  # an image: what its own site-packages hold
        if os.path.realpath(str(dist.locate_file(""))) != os.path.realpath(own):
            continue
        top = dist.read_text("top_level.txt")
        name = (dist.metadata["Name"] or "").replace("-", "_")
        candidates = top.split() if top else [name]
        modules.update(m for m in candidates if m.isidentifier() and not m.startswith("_"))
    return _import(sorted(modules - SKIP))


def _import(modules):
    imported, failed = [], []
    for module in modules:
        try:
            importlib.import_module(module)
            imported.append(module)
        except BaseException:  # a module that cannot be imported here is simply not preloaded
            failed.append(module)
    return imported, failed


def _child(sock, request, fds, launcher):
    stdin, stdout, stderr, answer = fds[:4]
    rest = fds[4:]
    lifeline = rest.pop(0) if request.get("lifeline") else None
    join = rest.pop(0) if request.get("join") else None
    sock.close()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    os.setsid()
    if join is not None:
        os.write(join, b"0")  # into the container's cgroup before it allocates anything
        os.close(join)
    for fd, target in ((stdin, 0), (stdout, 1), (stderr, 2)):
        os.dup2(fd, target)
        os.close(fd)
    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    sys.argv = [launcher.__file__, str(answer)] + ([str(lifeline)] if lifeline is not None else [])
    launcher.serve()


def main():
    sock = socket.socket(fileno=int(sys.argv[1]))
    launcher = _load_launcher()
    imported, failed = _preimport()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    sock.send(json.dumps({"ready": True, "imported": imported, "failed": failed}).encode())
    while True:
        try:
            line, fds, _, _ = socket.recv_fds(sock, 1 << 20, MAX_FDS)
        except OSError:
            return
        if not line:
            return  # the engine is gone
        request = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                _child(sock, request, fds, launcher)
            except SystemExit as stop:  # as the interpreter ends on one
                code = stop.code if isinstance(stop.code, int) else 1
                if stop.code is not None and not isinstance(stop.code, int):
                    sys.stderr.write(f"{stop.code}\n")
            except BaseException:  # as the interpreter reports an uncaught exception
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        for fd in fds:
            os.close(fd)
        sock.send(json.dumps({"pid": pid}).encode())


if __name__ == "__main__":
    main()
