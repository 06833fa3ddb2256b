"""When the configured OpenWhisk cannot be reached, every endpoint that needs it says so, with the fix.

The server is pointed at a port where nothing listens (bound and closed just before), so the client's
connection is refused: the answer is the client's ``ConnectionFailed`` translated to ``{error, code, fix}``
with status 503, and the Jupyter server keeps serving (the calls ran off its event loop).
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from jupyter_faas.contract import GUEST_KEY


@pytest.fixture
def jp_server_config(tmp_path: Path) -> dict[str, Any]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return {
        "ServerApp": {"jpserver_extensions": {"jupyter_faas": True}},
        "JupyterFaas": {"apihost": f"http://127.0.0.1:{port}", "auth": GUEST_KEY, "start_engine": False},
    }


async def test_unreachable_openwhisk_is_a_503_with_a_fix(api: Any, jp_fetch: Any) -> None:
    status, config = await api("GET", "config")
    assert status == 200 and config["auth"] == "23bc46b1-...:****"  # the config itself is local
    status, error = await api("GET", "actions")
    assert status == 503, error
    assert error["code"] == "ConnectionFailed"
    assert error["error"] and error["fix"]
    assert GUEST_KEY.split(":")[1] not in str(error)
    # the server still answers its own API
    response = await jp_fetch("api", "status")
    assert response.code == 200
