"""Personal data (个人信息保护): the protected values — ID numbers, 企业核验码, complainants' names and phones, and
every draw's commitment nonce — are encrypted at rest (Fernet, AES-128-CBC + HMAC; a large value kept as raw bytes,
such as a blinded draw's clear file, sealed with AES-256-GCM under a key derived from the same data key:
:func:`seal`), those looked up are indexed by a keyed digest so that duplicates are found without decrypting, and ID
numbers are shown masked.

The key is ``SPOTCHECK_DATA_KEY`` (a Fernet key, ``spotcheck keys generate``); a deployment without one has its values
under a key derived from ``SECRET_KEY`` with HKDF, until ``spotcheck keys adopt`` moves them to a key of their own
(:mod:`spotcheck.platform.data_keys`). The deployment keeps the check value of the key its values are under
(:class:`spotcheck.core.deployment.Deployment`): a process whose key is another refuses to read or write them
(:class:`DataKeyMismatchError`) rather than mix two keys.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from spotcheck.core import deployment, settings


class DataKeyMismatchError(RuntimeError):
    """The configured data key is not the one the stored values are protected under."""


@dataclass(frozen=True)
class Keys:
    """A data key as it is used: the Fernet cipher, the digests' key, and its check value (校验值: which key it is,
    without being it)."""

    fernet: Fernet
    digest_key: bytes
    check: str
    #: AES-256-GCM under a key derived from the data key, for large values kept as raw bytes (:func:`seal`).
    sealing: AESGCM


@lru_cache(maxsize=16)
def keys_of(fernet_key: str) -> Keys:
    """The keys of a Fernet key (urlsafe base64 of 32 bytes); ValueError when it is not one."""
    fernet = Fernet(fernet_key.encode())
    digest_key = hashlib.sha256(b"spotcheck-digest|" + fernet_key.encode()).digest()
    check = hmac.new(digest_key, b"spotcheck-data-key-check", hashlib.sha256).hexdigest()[:32]
    sealing = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"spotcheck-sealed", info=b"aes-256-gcm").derive(
        fernet_key.encode()
    )
    return Keys(fernet, digest_key, check, AESGCM(sealing))


def derived_key(secret_key: str) -> str:
    """The data key derived from ``SECRET_KEY`` (a deployment that never set ``SPOTCHECK_DATA_KEY``)."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"spotcheck-personal-data", info=b"fernet").derive(
        secret_key.encode()
    )
    return base64.urlsafe_b64encode(raw).decode()


def configured_key() -> str:
    """The data key this process is configured with: ``SPOTCHECK_DATA_KEY``, else the one derived from
    ``SECRET_KEY``."""
    return settings.get("SPOTCHECK_DATA_KEY") or derived_key(str(settings.get("SECRET_KEY")))


def generate_key() -> str:
    """A new random data key (Fernet)."""
    return Fernet.generate_key().decode()


def _keys() -> Keys:
    keys = keys_of(configured_key())
    _verify(keys)
    return keys


def _verify(keys: Keys) -> None:
    """Refuse to use ``keys`` where the deployment records another key's check value (checked once a session)."""
    recorded = deployment.recorded_check()
    if recorded and recorded != keys.check:
        raise DataKeyMismatchError(
            "SPOTCHECK_DATA_KEY is not the key the stored personal data is protected under (its check value "
            f"{keys.check[:8]}…, the deployment's {recorded[:8]}…): set the key the data was last adopted or rotated "
            "to (docs/operations.md, “The data key”)"
        )


def encrypt(value: str) -> str:
    return _keys().fernet.encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    return _keys().fernet.decrypt(token.encode("ascii")).decode("utf-8")


#: How a sealed value starts (:func:`seal`): its format, then the 12 bytes of its nonce.
SEALED = b"SC-GCM1"


def seal(data: bytes, purpose: bytes) -> bytes:
    """``data`` sealed (AES-256-GCM, a fresh 96-bit nonce) under the data key's sealing key, bound to ``purpose``
    (what it is: a value sealed for one purpose does not open as another): raw bytes, 35 more than ``data`` — where
    Fernet's base64 adds a third (a draw's clear file of a million codes: 19 MB against 38)."""
    return seal_with(_keys(), data, purpose)


def seal_with(keys: Keys, data: bytes, purpose: bytes) -> bytes:
    nonce = os.urandom(12)
    return SEALED + nonce + keys.sealing.encrypt(nonce, data, purpose)


def unseal(sealed: bytes, purpose: bytes) -> bytes:
    """What :func:`seal` sealed; ``cryptography.exceptions.InvalidTag`` when it was changed, sealed under another
    key or for another purpose."""
    return unseal_with(_keys(), sealed, purpose)


def unseal_with(keys: Keys, sealed: bytes, purpose: bytes) -> bytes:
    if not sealed.startswith(SEALED):
        raise InvalidTag()
    start = len(SEALED)
    return keys.sealing.decrypt(sealed[start : start + 12], sealed[start + 12 :], purpose)


def digest(value: str) -> str:
    """A keyed digest: equal for equal values, useless without the key."""
    return digest_with(_keys(), value)


def digest_with(keys: Keys, value: str) -> str:
    return hmac.new(keys.digest_key, value.encode("utf-8"), hashlib.sha256).hexdigest()


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
