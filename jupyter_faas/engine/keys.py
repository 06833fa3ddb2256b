"""The engine's key: its own random key, kept in its data directory for its owner only.

An engine started without ``--auth`` accepts one key, created on first start as OpenWhisk creates a
subject's key (a UUID, a colon, 64 random letters and digits) and written to ``<data-dir>/auth.key`` with
mode 0600 in a folder of mode 0700. Our front ends (magics, CLI, sidebar, ``ensure_running``) read it
from there, so nobody types it and it never travels on a command line or in an environment.
OpenWhisk's public guest key is accepted only when asked for (``--auth guest``). A key given explicitly
arrives on the engine's standard input (``--auth -``) or in a file (``--auth @PATH``), never in argv.

What this module does not own: checking a request's key (``base.py``), the state file (``data_dir.py``).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import string
import sys
import uuid
from pathlib import Path

from ..contract import GUEST_KEY
from ..errors import EngineError

__all__ = ["GUEST", "KEY_FILE", "KeyChoice", "generate_key", "own_key", "read_own_key", "resolve_auth"]

KEY_FILE = "auth.key"
GUEST = "guest"
_ALPHABET = string.ascii_letters + string.digits
_FIX_ARGV = (
    "A key on the command line is visible to every local user in the process list. Put it in a file "
    "readable by you only and pass --auth @FILE, pipe it with --auth -, or leave --auth out to use the "
    "engine's own key."
)


class KeyChoice:
    """Which key an engine accepts and how it was chosen: ``own``, ``guest`` or ``given``."""

    __slots__ = ("key", "mode")

    def __init__(self, key: str, mode: str) -> None:
        self.key = key
        self.mode = mode

    def __repr__(self) -> str:  # never the key
        return f"KeyChoice(mode={self.mode!r})"


def generate_key() -> str:
    return f"{uuid.uuid4()}:{''.join(secrets.choice(_ALPHABET) for _ in range(64))}"


def secure_dir(folder: Path) -> Path:
    """Create ``folder`` (and parents) and make it 0700: only its owner can list or enter it."""
    folder.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(folder, 0o700)
    return folder


def _check_owner_only(path: Path) -> None:
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise EngineError(
            f"The engine's key file {path} is readable by other users (mode {mode:o}).",
            fix=f"Run `chmod 600 {path}` (or delete it: the engine makes a new key at its next start).",
        )


def read_own_key(data_dir: Path) -> str | None:
    """The key in ``data_dir``'s key file, or None when there is none yet."""
    path = data_dir / KEY_FILE
    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise EngineError(
            f"Cannot read the engine's key file {path}: {exc}.", fix=f"Delete {path}."
        ) from None
    _check_owner_only(path)
    if ":" not in key:
        raise EngineError(f"The engine's key file {path} does not hold uuid:key.", fix=f"Delete {path}.")
    return key


def own_key(data_dir: Path) -> str:
    """The data directory's key, created (0600, folder 0700) when there is none yet. Safe to race."""
    secure_dir(data_dir)
    existing = read_own_key(data_dir)
    if existing:
        return existing
    path = data_dir / KEY_FILE
    tmp = data_dir / f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(8)}"  # unique per caller, threads too
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(generate_key() + "\n")
    try:
        os.link(tmp, path)  # fails if another process created it first: then theirs wins
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    key = read_own_key(data_dir)
    assert key is not None
    return key


def resolve_auth(value: str | None, data_dir: Path) -> KeyChoice:
    """``--auth``: omitted -> the own key; ``guest``; ``-`` -> one line on stdin; ``@PATH`` -> a file."""
    if value is None:
        return KeyChoice(own_key(data_dir), "own")
    if value == GUEST:
        return KeyChoice(GUEST_KEY, GUEST)
    if value == "-":
        key = sys.stdin.readline().strip()
        where = "standard input"
    elif value.startswith("@"):
        try:
            key = Path(value[1:]).expanduser().read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise EngineError(
                f"Cannot read the key file {value[1:]}: {exc}.", fix="Check the path."
            ) from None
        where = value[1:]
    else:
        raise EngineError("--auth takes guest, - (read the key from stdin) or @FILE.", fix=_FIX_ARGV)
    user, sep, secret = key.partition(":")
    if not sep or not user or not secret:
        raise EngineError(f"The key read from {where} is not uuid:key.", fix="Write it as <uuid>:<key>.")
    return KeyChoice(key, "guest" if key == GUEST_KEY else "given")
