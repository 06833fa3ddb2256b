"""Bad input and bad networks get clear errors, and the key never shows.

The real engine answers 401, 403 and 404; a real unresolvable name and a real closed port give the network
failures. Two things the engine cannot produce are served by a tiny contract-shaped server: a scripted
sequence of 503/429 answers (retries), and HTTPS with a self-signed certificate made in the test.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.remote import FakeOpenWhisk, serve, serve_tls

from jupyter_faas.config import Config
from jupyter_faas.engine import EngineHandle
from jupyter_faas.errors import (
    AuthenticationFailed,
    ConnectionFailed,
    Forbidden,
    NotFound,
    ServerError,
    Throttled,
)
from jupyter_faas.openwhisk import Client

WRONG_KEY = "23bc46b1-71f6-4ed5-8c54-816aa4f8c502:" + "w" * 64
SECRETS = ("w" * 64, "123zO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuMDGIwP")


def assert_no_secret(exc: BaseException) -> None:
    text = f"{exc} {exc!r} {getattr(exc, 'fix', '')} {getattr(exc, 'details', '')}"
    for secret in SECRETS:
        assert secret not in text


@pytest.fixture
def fake() -> Iterator[FakeOpenWhisk]:
    yield from serve(FakeOpenWhisk())


@pytest.fixture
def tls_fake(tmp_path: Path) -> Iterator[FakeOpenWhisk]:
    yield from serve_tls(tmp_path)


def client_for(apihost: str, *, auth: str = WRONG_KEY, insecure: bool = False, **options: Any) -> Client:
    sources = {"apihost": "~/.wskprops (/home/u/.wskprops)", "auth": "environment (__OW_API_KEY)"}
    return Client(Config(apihost=apihost, auth=auth, insecure=insecure, sources=sources), **options)


def test_unknown_host_names_the_host_and_where_it_came_from() -> None:
    with client_for("https://nonexistent.invalid", retries=3) as client:
        with pytest.raises(ConnectionFailed) as info:
            client.namespaces.list()
        assert client.requests_issued == 1  # a name that does not resolve is not retried
    text = str(info.value)
    assert "Unknown host 'nonexistent.invalid'" in text and "~/.wskprops" in text
    assert_no_secret(info.value)


def test_refused_connection_names_the_apihost_and_is_retried_a_bounded_number_of_times() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with client_for(f"http://127.0.0.1:{port}", retries=2, backoff=0.01) as client:
        with pytest.raises(ConnectionFailed) as info:
            client.actions.list()
        assert client.requests_issued == 3
    assert f"Connection refused by apihost http://127.0.0.1:{port} (from ~/.wskprops" in str(info.value)
    assert_no_secret(info.value)


def test_wrong_key_is_401_with_the_servers_message_and_a_masked_key(engine: EngineHandle) -> None:
    with client_for(engine.apihost) as client, pytest.raises(AuthenticationFailed) as info:
        client.actions.list()
    assert info.value.status == 401 and info.value.code
    assert "The supplied authentication is invalid" in str(info.value)
    assert "23bc46b1-...:****" in str(info.value)
    assert_no_secret(info.value)


def test_another_namespace_is_403(engine: EngineHandle) -> None:
    with client_for(engine.apihost, auth=engine.auth) as client, pytest.raises(Forbidden) as info:
        client.actions.list(namespace="someone-else")
    assert "someone-else" in str(info.value) and info.value.status == 403
    assert_no_secret(info.value)


def test_missing_action_is_404_with_its_name(engine: EngineHandle) -> None:
    with client_for(engine.apihost, auth=engine.auth) as client:
        for call in (
            client.actions.get,
            client.actions.delete,
            lambda n: client.actions.invoke(n, blocking=True),
        ):
            with pytest.raises(NotFound) as info:
                call("no-such-action")
            assert "no-such-action" in str(info.value) and info.value.code


def test_503_on_reads_is_retried_until_it_succeeds(fake: FakeOpenWhisk) -> None:
    fake.script["GET"] = [(503, {"error": "busy", "code": "t1"}), (503, {"error": "busy", "code": "t2"})]
    with client_for(fake.apihost, backoff=0.01) as client:
        assert client.namespaces.list() == ["guest"]
        assert client.requests_issued == 3


def test_retries_are_bounded_and_keep_the_servers_message(fake: FakeOpenWhisk) -> None:
    fake.script["GET"] = [(503, {"error": "still busy", "code": f"t{i}"}) for i in range(10)]
    with client_for(fake.apihost, retries=2, backoff=0.01) as client, pytest.raises(ServerError) as info:
        client.namespaces.list()
    assert len(fake.seen) == 3
    assert info.value.status == 503 and info.value.code == "t2" and "still busy" in str(info.value)


def test_invoke_is_retried_on_429_but_not_on_503(fake: FakeOpenWhisk) -> None:
    fake.script["POST"] = [
        (429, {"error": "Too many concurrent requests in flight (count: 31, allowed: 30).", "code": "x"})
    ]
    with client_for(fake.apihost, backoff=0.01) as client:
        handle = client.actions.invoke("hello", {})
        assert handle.activation_id == "a" * 32
        assert [m for m, _ in fake.seen] == ["POST", "POST"]
        fake.seen.clear()
        fake.script["POST"] = [(503, {"error": "overloaded", "code": "y"})]
        with pytest.raises(ServerError):
            client.actions.invoke("hello", {})
        assert len(fake.seen) == 1  # the activation may have started: never sent twice
        fake.script["POST"] = [(429, {"error": "throttled", "code": "z"})] * 5
        with pytest.raises(Throttled) as info:
            client_for(fake.apihost, retries=1, backoff=0.01).actions.invoke("hello", {})
        assert "concurrency" in str(info.value)


def test_self_signed_certificate_needs_insecure(tls_fake: FakeOpenWhisk) -> None:
    with client_for(tls_fake.apihost) as client, pytest.raises(ConnectionFailed) as info:
        client.namespaces.list()
    text = str(info.value)
    assert "TLS certificate" in text and "--insecure" in text and "__OW_IGNORE_CERTS" in text
    with client_for(tls_fake.apihost, insecure=True) as client:
        assert client.namespaces.list() == ["guest"]


def test_waiting_gives_up_at_once_on_what_waiting_cannot_cure() -> None:
    with client_for("https://nonexistent.invalid") as client:
        with pytest.raises(ConnectionFailed, match="Unknown host"):
            client.activations.wait("0" * 32, timeout=300)
        assert client.requests_issued == 1
        with pytest.raises(ConnectionFailed, match="Unknown host"):
            next(client.activations.poll(timeout=300))
