"""Initial passwords kept for one download without being readable where they are kept.

The session (and so the database and its backups) holds only the passwords XOR-ed with a
random key of the same length, used once; the key goes to the browser alone, in the
download form of the page that showed the passwords. Neither half reveals anything without
the other (a one-time pad), and the download consumes the session half."""

from __future__ import annotations

import base64
import json
import secrets
from typing import Any


def _xor(data: bytes, key: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, key, strict=True))


def seal(rows: list[dict[str, Any]]) -> tuple[str, str]:
    """(what the session keeps, the key for the browser), both base64 text."""
    plain = json.dumps(rows, ensure_ascii=False).encode()
    key = secrets.token_bytes(len(plain))
    return base64.b64encode(_xor(plain, key)).decode(), base64.b64encode(key).decode()


def unseal(sealed: str, key: str) -> list[dict[str, Any]] | None:
    """The rows, or None when the key does not belong to what was sealed."""
    try:
        cipher, pad = base64.b64decode(sealed, validate=True), base64.b64decode(key, validate=True)
        rows = json.loads(_xor(cipher, pad).decode())
    except (ValueError, UnicodeDecodeError):  # binascii.Error and JSONDecodeError included
        return None
    return rows if isinstance(rows, list) else None
