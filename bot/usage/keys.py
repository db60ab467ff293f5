"""The keyed hash that stands in for Telegram ids in the usage store, and the key file it needs.

Ids are small, guessable numbers: a plain hash could be reversed by hashing every possible id, so the hash is an
HMAC with a key that lives outside the database (env `RELATIEBOT_HASH_KEY`, or a 0600 `usage.key` file beside it).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from bot.usage.aside import move_aside

KEY_FILE = "usage.key"
KEY_ENV = "RELATIEBOT_HASH_KEY"
HASH_CHARS = 16  # 64 bits: no collisions in practice for a bot's audience, and short in the file


def hash_id(key: bytes, value: int | None) -> str | None:
    """Keyed hash of a Telegram id: stable for one key, useless without it (ids are small, guessable numbers)."""
    if value is None:
        return None
    return hmac.new(key, str(int(value)).encode("ascii"), hashlib.sha256).hexdigest()[:HASH_CHARS]


_KEY_TEXT = re.compile(r"^[0-9a-f]{64}$")


def load_hash_key(db_path: Path) -> bytes:
    """The HMAC key: env RELATIEBOT_HASH_KEY, else `usage.key` beside the database, created once with mode 0600.

    The file is created with O_EXCL so two processes starting together cannot write different keys.
    """
    env = os.environ.get(KEY_ENV, "")
    if env:
        return env.encode("utf-8")
    key_path = db_path.parent / KEY_FILE
    key_path.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(3):
        try:
            text = key_path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            pass
        except (OSError, UnicodeDecodeError):
            text = ""
        else:
            if _KEY_TEXT.match(text):
                return bytes.fromhex(text)
            # A damaged key cannot be repaired; a new one only means new hashes (older votes stop matching).
            move_aside(key_path, "hash key file")
        fresh = secrets.token_hex(32)
        try:
            fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue  # another process won the race: read its key
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            os.fchmod(handle.fileno(), 0o600)  # the umask can only remove bits, but be explicit
            handle.write(fresh + "\n")
        return bytes.fromhex(fresh)
    raise OSError(f"cannot read or create the hash key file {key_path}")
