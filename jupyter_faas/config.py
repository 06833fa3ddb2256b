"""Where the apihost, auth key, namespace and TLS verification come from, and nothing else.

Each setting is resolved on its own, first source wins, as the ``wsk`` CLI and openwhisk-client-js do:

1. explicit arguments (``resolve(apihost=..., auth=...)``, CLI flags);
2. the environment: ``__OW_API_HOST``, ``__OW_API_KEY``, ``__OW_NAMESPACE``, ``__OW_IGNORE_CERTS``;
3. the properties file: the one named by ``WSK_CONFIG_FILE`` if that variable is set (then ``~/.wskprops``
   is ignored, as ``wsk`` does), else ``~/.wskprops`` (``APIHOST``, ``AUTH``, ``NAMESPACE``; other keys such
   as ``APIGW_ACCESS_TOKEN`` are ignored);
4. the embedded engine, started on demand (or reused) when no apihost is configured at all.

An apihost without a scheme means ``https://`` (as ``wsk`` does). ``Config.sources`` says which source won
for each setting. The key never appears in a repr, log line, exception or output: only ``mask_key(key)``.
What this module does not own: HTTP (``openwhisk/client.py``) and starting the engine (``engine/``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError, NotConfigured, Step

__all__ = ["Config", "describe_embedded", "mask_key", "normalize_apihost", "read_wskprops", "resolve"]

_ENV = {"apihost": "__OW_API_HOST", "auth": "__OW_API_KEY", "namespace": "__OW_NAMESPACE"}
_PROPS = {"apihost": "APIHOST", "auth": "AUTH", "namespace": "NAMESPACE"}
_KEY_LINE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}
EMBEDDED = "embedded engine"


def mask_key(key: str | None) -> str:
    """``23bc46b1-...:****``: enough to tell keys apart, never enough to use one."""
    if not key:
        return "(none)"
    user = key.split(":", 1)[0]
    return f"{user[:8]}-...:****"


def normalize_apihost(value: str) -> str:
    """``host[:port]`` or ``scheme://host[:port][/]`` -> ``scheme://host[:port]``; no scheme means https."""
    text = value.strip().rstrip("/")
    if not text:
        raise ConfigError(
            "The apihost is empty.", fix="Set APIHOST=host[:port] in ~/.wskprops or __OW_API_HOST."
        )
    if not re.match(r"^https?://", text, re.IGNORECASE):
        if "://" in text:
            raise ConfigError(
                f"The apihost {text!r} has an unsupported scheme.",
                fix="Use http://host:port or https://host.",
            )
        text = "https://" + text
    if text.endswith("/api/v1"):
        text = text[: -len("/api/v1")]
    if not re.match(r"^https?://[^/\s:]+(:\d+)?$", text, re.IGNORECASE):
        raise ConfigError(
            f"The apihost {value!r} is not host[:port] or scheme://host[:port].",
            fix="Example: APIHOST=https://openwhisk.example.com or APIHOST=http://127.0.0.1:3233",
        )
    return text


def read_wskprops(path: Path) -> dict[str, str]:
    """Parse a ``.wskprops`` file (``KEY=value`` lines, ``#`` comments). A line that is neither is an error.

    ``wsk`` silently skips such lines and then talks to the wrong host; we say which line is wrong.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"Cannot read the properties file {path}: {exc}", fix="Fix its permissions or encoding."
        ) from None
    props: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        key, sep, value = line.partition("=")
        if not sep or not _KEY_LINE.match(key.strip()):
            raise ConfigError(
                f"Malformed properties file {path}, line {number}: "
                f"expected KEY=value, got {_safe_line(line)!r}.",
                fix="Each line must look like APIHOST=host:port or AUTH=uuid:key (or be a # comment).",
            )
        props[key.strip()] = value.strip()
    if "AUTH" in props and props["AUTH"] and ":" not in props["AUTH"]:
        raise ConfigError(
            f"Malformed properties file {path}: AUTH must be <uuid>:<key>, got {mask_key(props['AUTH'])}.",
            fix="Copy the whole key, e.g. from `wsk property get --auth`.",
        )
    return props


def _safe_line(line: str) -> str:
    """A malformed line may hold a key: show its start only."""
    return line if len(line) <= 12 and ":" not in line else line[:8] + "..."


@dataclass(frozen=True)
class Config:
    """A resolved configuration: ``auth`` never in a repr; ``sources`` says where each value came from."""

    apihost: str
    auth: str = field(repr=False)
    namespace: str = "_"
    insecure: bool = False
    sources: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def masked_auth(self) -> str:
        return mask_key(self.auth)

    @property
    def source(self) -> str:
        """Where the apihost came from: the source that decides which OpenWhisk is used."""
        return self.sources.get("apihost", "argument")

    def __repr__(self) -> str:
        return (
            f"Config(apihost={self.apihost!r}, auth={self.masked_auth!r}, namespace={self.namespace!r}, "
            f"insecure={self.insecure!r}, source={self.source!r})"
        )

    __str__ = __repr__

    def describe(self) -> list[tuple[str, str, str]]:
        """Rows of (setting, value, source), with the key masked: what ``jupyter-faas config`` prints."""
        return [
            ("apihost", self.apihost, self.sources.get("apihost", "argument")),
            ("auth", self.masked_auth, self.sources.get("auth", "argument")),
            ("namespace", self.namespace, self.sources.get("namespace", "default")),
            ("insecure", str(self.insecure).lower(), self.sources.get("insecure", "default")),
        ]


def _props_file(env: Mapping[str, str], home: Path) -> tuple[Path | None, str]:
    if "WSK_CONFIG_FILE" in env:
        value = env["WSK_CONFIG_FILE"]
        return (Path(value).expanduser() if value else None), f"WSK_CONFIG_FILE ({value})"
    path = home / ".wskprops"
    return path, f"~/.wskprops ({path})"


def _parse_bool(value: str, where: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigError(f"{where} must be true or false, got {value!r}.", fix=f"Set {where}=true or unset it.")


def resolve(
    apihost: str | None = None,
    auth: str | None = None,
    namespace: str | None = None,
    insecure: bool | None = None,
    *,
    env: Mapping[str, str] | None = None,
    home: Path | None = None,
    start_engine: bool = False,
) -> Config:
    """Resolve the configuration (see the module docstring for the order).

    ``env`` and ``home`` default to the process's; tests pass their own. A missing apihost is
    ``NotConfigured``, unless the front end asks for the embedded engine (``start_engine=True``): starting
    it is always an explicit step, never a side effect of building a client.
    """
    env = os.environ if env is None else env
    home = Path.home() if home is None else home
    explicit = {"apihost": apihost, "auth": auth, "namespace": namespace}
    values: dict[str, str] = {}
    sources: dict[str, str] = {}
    props_path, props_label = _props_file(env, home)
    props = read_wskprops(props_path) if props_path else {}
    for name in ("apihost", "auth", "namespace"):
        if explicit[name]:
            values[name], sources[name] = str(explicit[name]), "argument"
        elif env.get(_ENV[name]):
            values[name], sources[name] = env[_ENV[name]], f"environment ({_ENV[name]})"
        elif props.get(_PROPS[name]):
            values[name], sources[name] = props[_PROPS[name]], props_label
    if insecure is not None:
        ignore, sources["insecure"] = bool(insecure), "argument"
    elif "__OW_IGNORE_CERTS" in env:
        ignore = _parse_bool(env["__OW_IGNORE_CERTS"], "__OW_IGNORE_CERTS")
        sources["insecure"] = "environment (__OW_IGNORE_CERTS)"
    else:
        ignore, sources["insecure"] = False, "default"
    if "apihost" not in values:
        if not start_engine:
            raise NotConfigured(
                "No OpenWhisk is configured.",
                fix="Set APIHOST and AUTH in ~/.wskprops (or __OW_API_HOST and __OW_API_KEY), "
                "or use jupyter-faas's embedded engine: resolve(start_engine=True) from Python, "
                "{0} to run it yourself.",
                steps=(Step("engine.start"),),
            )
        engine_host, engine_key = _embedded_engine()
        values["apihost"], sources["apihost"] = engine_host, EMBEDDED
        if "auth" not in values:
            values["auth"], sources["auth"] = engine_key, EMBEDDED
    if "auth" not in values:
        raise ConfigError(
            f"No auth key is configured for apihost {values['apihost']} (from {sources['apihost']}).",
            fix="Set AUTH=<uuid>:<key> in ~/.wskprops, or __OW_API_KEY, or pass --auth.",
        )
    if "namespace" not in values:
        values["namespace"], sources["namespace"] = "_", "default"
    return Config(
        apihost=normalize_apihost(values["apihost"]),
        auth=values["auth"],
        namespace=values["namespace"],
        insecure=ignore,
        sources=sources,
    )


def describe_embedded(
    auth: str | None = None, namespace: str | None = None, insecure: bool | None = None
) -> list[tuple[str, str, str]]:
    """Nothing configured: the rows ``describe()`` would show for the embedded engine, without starting
    it (``jupyter-faas config``, ``%faas_config``). Its key is masked, or said to be made at first start."""
    from .engine.process import preview

    apihost, key = preview()
    rows = resolve(apihost, auth or key or "(none)", namespace, insecure, start_engine=False).describe()
    rows[0] = (rows[0][0], rows[0][1], f"{EMBEDDED}, started on first use")
    if not auth:
        value = rows[1][1] if key else "(made at the engine's first start)"
        rows[1] = (rows[1][0], value, f"{EMBEDDED}, its own key")
    return rows


def _embedded_engine() -> tuple[str, str]:
    """Start the embedded engine if it is not running; return its (apihost, key). Imported lazily."""
    from .engine import ensure_running

    handle = ensure_running()
    return handle.apihost, handle.auth
