"""Config resolution: precedence, the wskprops format, scheme defaults, masking, and which source won."""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyter_faas import config as config_module
from jupyter_faas.config import Config, mask_key, normalize_apihost, read_wskprops, resolve
from jupyter_faas.contract import GUEST_KEY
from jupyter_faas.errors import ConfigError

KEY_A = "aaaaaaaa-1111-2222-3333-444444444444:" + "a" * 64
KEY_B = "bbbbbbbb-1111-2222-3333-444444444444:" + "b" * 64
SECRET_A = KEY_A.split(":")[1]


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "home").mkdir()
    return tmp_path / "home"


def test_wskprops_in_home_is_read(home: Path) -> None:
    write(home / ".wskprops", f"APIHOST=ow.example.com\nAUTH={KEY_A}\nNAMESPACE=team\nAPIGW_ACCESS_TOKEN=x\n")
    cfg = resolve(env={}, home=home, start_engine=False)
    assert cfg.apihost == "https://ow.example.com"  # no scheme means https, as wsk does
    assert cfg.auth == KEY_A
    assert cfg.namespace == "team"
    assert cfg.sources["apihost"].startswith("~/.wskprops")
    assert cfg.source == cfg.sources["apihost"]


def test_environment_beats_file_and_arguments_beat_environment(home: Path) -> None:
    write(home / ".wskprops", f"APIHOST=file.example.com\nAUTH={KEY_A}\nNAMESPACE=filens\n")
    env = {"__OW_API_HOST": "http://127.0.0.1:9999", "__OW_API_KEY": KEY_B}
    cfg = resolve(env=env, home=home, start_engine=False)
    assert (cfg.apihost, cfg.auth, cfg.namespace) == ("http://127.0.0.1:9999", KEY_B, "filens")
    assert cfg.sources["apihost"] == "environment (__OW_API_HOST)"
    assert cfg.sources["namespace"].startswith("~/.wskprops")
    cfg = resolve(
        apihost="https://arg.example.com:443/", namespace="argns", env=env, home=home, start_engine=False
    )
    assert cfg.apihost == "https://arg.example.com:443"
    assert cfg.namespace == "argns"
    assert cfg.sources["apihost"] == "argument"
    assert cfg.sources["auth"] == "environment (__OW_API_KEY)"


def test_wsk_config_file_replaces_home_wskprops(home: Path, tmp_path: Path) -> None:
    write(home / ".wskprops", f"APIHOST=home.example.com\nAUTH={KEY_A}\nNAMESPACE=homens\n")
    other = write(tmp_path / "other.props", f"APIHOST=http://other:3233\nAUTH={KEY_B}\n")
    cfg = resolve(env={"WSK_CONFIG_FILE": str(other)}, home=home, start_engine=False)
    assert (cfg.apihost, cfg.auth, cfg.namespace) == ("http://other:3233", KEY_B, "_")
    assert cfg.sources["apihost"] == f"WSK_CONFIG_FILE ({other})"
    assert cfg.sources["namespace"] == "default"


def test_ignore_certs_from_environment_and_argument(home: Path) -> None:
    write(home / ".wskprops", f"APIHOST=h\nAUTH={KEY_A}\n")
    assert resolve(env={}, home=home, start_engine=False).insecure is False
    assert resolve(env={"__OW_IGNORE_CERTS": "True"}, home=home, start_engine=False).insecure is True
    assert (
        resolve(insecure=False, env={"__OW_IGNORE_CERTS": "true"}, home=home, start_engine=False).insecure
        is False
    )
    with pytest.raises(ConfigError, match="__OW_IGNORE_CERTS"):
        resolve(env={"__OW_IGNORE_CERTS": "maybe"}, home=home, start_engine=False)


@pytest.mark.parametrize(
    "text, line",
    [("APIHOST=h\nthis is not a property\n", 2), (f"# comment\nAUTH {KEY_A}\n", 2), ("=value\n", 1)],
)
def test_malformed_wskprops_names_the_line_and_never_the_key(home: Path, text: str, line: int) -> None:
    path = write(home / ".wskprops", text)
    with pytest.raises(ConfigError) as info:
        read_wskprops(path)
    assert f"line {line}" in str(info.value)
    assert str(path) in str(info.value)
    assert SECRET_A not in str(info.value)


def test_auth_without_colon_is_malformed(home: Path) -> None:
    path = write(home / ".wskprops", "APIHOST=h\nAUTH=justonepart\n")
    with pytest.raises(ConfigError, match="AUTH must be <uuid>:<key>"):
        read_wskprops(path)


def test_comments_blank_lines_and_values_with_equals(home: Path) -> None:
    path = write(home / ".wskprops", "# top\n\nAPIHOST = h:3233  # trailing\nEXTRA=a=b\n")
    assert read_wskprops(path) == {"APIHOST": "h:3233", "EXTRA": "a=b"}
    assert read_wskprops(home / "missing") == {}


def test_apihost_normalisation() -> None:
    assert normalize_apihost("openwhisk.example.com") == "https://openwhisk.example.com"
    assert normalize_apihost("127.0.0.1:3233") == "https://127.0.0.1:3233"
    assert normalize_apihost("http://127.0.0.1:3233/") == "http://127.0.0.1:3233"
    assert normalize_apihost("https://h/api/v1") == "https://h"
    for bad in ("", "ftp://h", "http://", "h/some/path"):
        with pytest.raises(ConfigError):
            normalize_apihost(bad)


def test_apihost_without_auth_is_an_error_saying_where_the_host_came_from(home: Path) -> None:
    with pytest.raises(ConfigError) as info:
        resolve(env={"__OW_API_HOST": "h"}, home=home, start_engine=False)
    assert "__OW_API_HOST" in str(info.value)
    assert "AUTH" in str(info.value)


def test_nothing_configured_without_engine_is_an_error(home: Path) -> None:
    with pytest.raises(ConfigError, match="No OpenWhisk is configured"):
        resolve(env={}, home=home, start_engine=False)


def test_embedded_engine_is_the_last_resort(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def fake_engine() -> tuple[str, str]:
        calls.append(1)
        return "http://127.0.0.1:3233", GUEST_KEY

    monkeypatch.setattr(config_module, "_embedded_engine", fake_engine)
    cfg = resolve(env={}, home=home, start_engine=True)
    assert calls == [1]
    assert (cfg.apihost, cfg.auth) == ("http://127.0.0.1:3233", GUEST_KEY)
    assert cfg.source == "embedded engine"
    # configured apihost: the engine is never started
    resolve(env={"__OW_API_HOST": "h", "__OW_API_KEY": KEY_A}, home=home, start_engine=True)
    assert calls == [1]


def test_starting_the_engine_is_never_a_side_effect(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing configured: resolve() and Client() say so (NotConfigured, with the explicit ways to get the
    embedded engine); only a front end's start_engine=True starts it."""
    from jupyter_faas.errors import NotConfigured
    from jupyter_faas.openwhisk import Client

    calls: list[int] = []
    monkeypatch.setattr(config_module, "_embedded_engine", lambda: calls.append(1) or ("h", GUEST_KEY))
    for name in ("__OW_API_HOST", "__OW_API_KEY", "__OW_NAMESPACE", "WSK_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    with pytest.raises(NotConfigured) as info:
        resolve(env={}, home=home)
    assert "start_engine=True" in (info.value.fix or "") and "`jupyter-faas engine`" in (info.value.fix or "")
    with pytest.raises(NotConfigured):
        Client()
    assert calls == []


def test_the_key_is_masked_in_repr_str_and_describe() -> None:
    cfg = Config(apihost="https://h", auth=KEY_A, sources={"apihost": "argument", "auth": "argument"})
    assert mask_key(KEY_A) == "aaaaaaaa-...:****"
    assert mask_key(GUEST_KEY) == "23bc46b1-...:****"
    for text in (repr(cfg), str(cfg), str(cfg.describe()), f"{cfg}"):
        assert SECRET_A not in text
        assert "aaaaaaaa-...:****" in text
    assert mask_key(None) == "(none)"
