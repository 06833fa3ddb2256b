"""The server extension's options, as a traitlets ``Configurable`` (``c.JupyterFaas.<option>``).

Set them in ``jupyter_server_config.py`` or on the command line (``--JupyterFaas.warm_runs=1``). Where the
OpenWhisk is comes from ``jupyter_faas.config.resolve`` (``~/.wskprops``, ``__OW_*``, else the embedded
engine); ``apihost``/``auth``/``namespace`` here only override it, like the CLI's flags. This module owns
the options and nothing else: the backend they configure lives in ``backend.py``.
"""

from __future__ import annotations

from traitlets import Bool, Int, Unicode
from traitlets.config import Configurable

__all__ = ["JupyterFaas"]


class JupyterFaas(Configurable):
    """Options of the jupyter-faas server extension."""

    apihost = Unicode(
        None,
        allow_none=True,
        help="OpenWhisk apihost (host[:port] or URL). Default: resolved as the CLI does "
        "(__OW_API_HOST, ~/.wskprops, else the embedded engine).",
    ).tag(config=True)
    auth = Unicode(
        None,
        allow_none=True,
        help="OpenWhisk auth key <uuid>:<key>. Default: resolved as the CLI does. Never shown unmasked.",
    ).tag(config=True)
    namespace = Unicode(None, allow_none=True, help="OpenWhisk namespace (default: _).").tag(config=True)
    start_engine = Bool(
        True, help="Start the embedded engine when no OpenWhisk is configured (else answer with a fix)."
    ).tag(config=True)
    build_dir = Unicode(
        None,
        allow_none=True,
        help="Folder for build outputs (one sub-folder per action). Default: the jupyter-faas cache.",
    ).tag(config=True)
    warm_runs = Int(2, help="Warm runs of the local test after the cold one.").tag(config=True)
    workers = Int(8, help="Threads for OpenWhisk calls (invokes, lists) off the event loop.").tag(config=True)
    build_workers = Int(
        2, help="Threads for build jobs (build, local test, deploy), apart so builds never stall the lists."
    ).tag(config=True)
    keep_jobs = Int(50, help="How many finished build jobs the server remembers.").tag(config=True)
