"""The constants of the OpenWhisk contract (``shared/openwhisk-contract.md``), honoured by both sides.

The engine enforces these numbers and answers with these messages; the client checks the same numbers
before it sends anything (a 2 MB payload is refused here, not after an upload). What this module does not
own: how limits are enforced (``runtime/``, ``engine/``) and how a user is told (``errors.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ACTIVATION_ID_LENGTH",
    "API_VERSION",
    "BLOCKING_WAIT_MS",
    "DEFAULT_PORT",
    "GUEST_KEY",
    "GUEST_NAMESPACE",
    "KINDS",
    "LIMITS",
    "MAX_CODE_BYTES",
    "MAX_PAYLOAD_BYTES",
    "NODE_KINDS",
    "STATUS_CODES",
    "ZIP_MAIN",
    "ZIP_VIRTUALENV",
    "Kind",
    "LimitRange",
    "NodeKind",
    "base64_size",
]

API_VERSION = "1.0.0"
DEFAULT_PORT = 3233
GUEST_NAMESPACE = "guest"
# The standalone OpenWhisk's well-known guest key (public: it ships in OpenWhisk's sources).
GUEST_KEY = (
    "23bc46b1-71f6-4ed5-8c54-816aa4f8c502:123zO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuMDGIwP"
)

ACTIVATION_ID_LENGTH = 32
BLOCKING_WAIT_MS = 60_000
MAX_PAYLOAD_BYTES = 1_048_576  # parameters, annotations, invoke payload, result
MAX_CODE_BYTES = 50_331_648  # 48 MB, measured on the base64 string of exec.code

# A Python action's zip, as upstream's runtime reads it: the entry module, with main(args), at the root;
# its dependencies in a virtualenv folder (bin/activate_this.py, lib/pythonX.Y/site-packages). The
# in-container launcher (standard library only) spells the same two names.
ZIP_MAIN = "__main__.py"
ZIP_VIRTUALENV = "virtualenv"


@dataclass(frozen=True)
class LimitRange:
    """One action limit: its default and the inclusive range a PUT may set."""

    name: str
    unit: str
    default: int
    min: int
    max: int


LIMITS: dict[str, LimitRange] = {
    "timeout": LimitRange("timeout", "milliseconds", 60_000, 100, 300_000),
    "memory": LimitRange("memory", "MB", 256, 128, 512),
    "logs": LimitRange("logs", "MB", 10, 0, 10),
    "concurrency": LimitRange("concurrency", "", 1, 1, 1),
}

# statusCode of an activation record -> response.status
STATUS_CODES: dict[int, str] = {
    0: "success",
    1: "application error",
    2: "action developer error",
    3: "whisk internal error",
}


@dataclass(frozen=True)
class Kind:
    """A runtime kind: its Python version and the packages its stock image preinstalls."""

    name: str
    python: str  # "3.11"
    image: str  # the upstream image this kind runs in
    preinstalled: tuple[str, ...]  # distribution names (PEP 503-normalised)
    deprecated: bool = False
    stock: bool = True  # in a stock deployment; the others are offered where their interpreter is found


_STOCK = (
    "beautifulsoup4",
    "httplib2",
    "kafka-python",
    "lxml",
    "python-dateutil",
    "requests",
    "scrapy",
    "simplejson",
    "virtualenv",
    "twisted",
    "netifaces",
    "setuptools",
)

KINDS: dict[str, Kind] = {
    "python:3.10": Kind("python:3.10", "3.10", "openwhisk/action-python-v3.10", _STOCK),
    "python:3.11": Kind("python:3.11", "3.11", "openwhisk/action-python-v3.11", _STOCK),
    # upstream's runtime repository builds these too (3.12 released, 3.13 on its master)
    "python:3.12": Kind("python:3.12", "3.12", "openwhisk/action-python-v3.12", _STOCK, stock=False),
    "python:3.13": Kind("python:3.13", "3.13", "openwhisk/action-python-v3.13", _STOCK, stock=False),
}
DEFAULT_PYTHON_KIND = "python:3.10"  # what python:default resolves to in a stock deployment


@dataclass(frozen=True)
class NodeKind:
    """A Node.js kind: the major version of node it runs (found on this machine, never downloaded)."""

    name: str
    major: int  # 20
    image: str
    deprecated: bool = False


# upstream's runtimes.json (nodejs:20 the default; 22 from openwhisk-runtime-nodejs's master)
NODE_KINDS: dict[str, NodeKind] = {
    "nodejs:20": NodeKind("nodejs:20", 20, "openwhisk/action-nodejs-v20"),
    "nodejs:22": NodeKind("nodejs:22", 22, "openwhisk/action-nodejs-v22"),
}
DEFAULT_NODE_KIND = "nodejs:20"  # what nodejs:default resolves to


def base64_size(n: int) -> int:
    """Length of the base64 encoding of ``n`` bytes (what the 48 MB code limit measures)."""
    return 4 * ((n + 2) // 3)
