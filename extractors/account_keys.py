"""The secret key of the account fingerprints (HMAC-SHA256), from configuration.

Order: the ``DELIB_HMAC_KEY`` environment variable; else a key file at ``DELIB_KEY_FILE``
or ``~/.config/delib/hmac.key``, generated on first use (32 random bytes, mode 0600).
The key file never lives inside the project's git tree.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

ENV_KEY = "DELIB_HMAC_KEY"
ENV_KEY_FILE = "DELIB_KEY_FILE"
DEFAULT_KEY_FILE = Path("~/.config/delib/hmac.key")
KEY_BYTES = 32
PROJECT_ROOT = Path(__file__).resolve().parents[1]

_file_keys: dict[Path, bytes] = {}


def key_path() -> Path:
    """Where the key file is (or will be generated)."""
    configured = os.environ.get(ENV_KEY_FILE)
    path = Path(configured).expanduser() if configured else DEFAULT_KEY_FILE.expanduser()
    path = path.resolve()
    if path.is_relative_to(PROJECT_ROOT):
        raise ValueError(f"the HMAC key file must not be inside the project tree ({PROJECT_ROOT})")
    return path


def _read_or_create(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_bytes(KEY_BYTES)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # created concurrently by another process
        return path.read_bytes()
    with os.fdopen(fd, "wb") as f:
        f.write(key)
    return key


def hmac_key() -> bytes:
    env = os.environ.get(ENV_KEY)
    if env:
        return env.encode("utf-8")
    path = key_path()
    if path not in _file_keys:
        key = _read_or_create(path)
        if not key:
            raise ValueError(f"empty HMAC key file: {path}")
        _file_keys[path] = key
    return _file_keys[path]


def fingerprint(normalized_account: str) -> str:
    """Keyed hash of an account number already in its normalized (compact IBAN) form."""
    return hmac.new(hmac_key(), normalized_account.encode("ascii"), hashlib.sha256).hexdigest()
