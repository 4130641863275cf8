"""Personal data (个人信息保护): ID numbers are encrypted at rest (Fernet, AES-128-CBC + HMAC),
indexed by a keyed digest so duplicates can be found without decrypting, and shown masked.

The key comes from ``SPOTCHECK_DATA_KEY`` (a Fernet key); without it, one is derived from
``SECRET_KEY`` with HKDF, so changing either makes stored ID numbers unreadable.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from spotcheck.core import settings


def _keys() -> tuple[Fernet, bytes]:
    return _derive(settings.get("SPOTCHECK_DATA_KEY") or "", settings.get("SECRET_KEY"))


@lru_cache(maxsize=8)
def _derive(configured: str, secret_key: str) -> tuple[Fernet, bytes]:
    if configured:
        fernet_key = configured.encode()
    else:
        raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"spotcheck-personal-data",
                   info=b"fernet").derive(secret_key.encode())
        fernet_key = base64.urlsafe_b64encode(raw)
    digest_key = hashlib.sha256(b"spotcheck-digest|" + fernet_key).digest()
    return Fernet(fernet_key), digest_key


def encrypt(value: str) -> str:
    return _keys()[0].encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    return _keys()[0].decrypt(token.encode("ascii")).decode("utf-8")


def digest(value: str) -> str:
    """A keyed digest: equal for equal values, useless without the key."""
    return hmac.new(_keys()[1], value.encode("utf-8"), hashlib.sha256).hexdigest()


def mask_id_number(value: str) -> str:
    """``330102********123X``: the first six and last four characters only (shown everywhere but
    to the department administrator who asks for the full number)."""
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_contact(value: str) -> str:
    """A mobile number or e-mail address as logs and lists show it: 138****5678, z***@example.cn."""
    value = value or ""
    if "@" in value:
        name, _, domain = value.partition("@")
        return f"{name[:1]}***@{domain}"
    return f"{value[:3]}****{value[-4:]}" if len(value) >= 8 else "****"
