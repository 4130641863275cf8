"""Password policy (口令复杂度, 等保2.0 三级) and hashing (Argon2id)."""
from __future__ import annotations

import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
MIN_CLASSES = 3

_hasher = PasswordHasher()

_CLASSES = (
    ("lowercase", lambda c: c in string.ascii_lowercase),
    ("uppercase", lambda c: c in string.ascii_uppercase),
    ("digit", lambda c: c in string.digits),
    ("symbol", lambda c: not c.isalnum() and not c.isspace()),
)


def character_classes(password: str) -> set[str]:
    return {name for name, test in _CLASSES if any(test(c) for c in password)}


def password_problems(password: str) -> list[str]:
    """Why ``password`` is not acceptable, in the words shown to the user (empty when it is).

    Messages are lazy gettext strings so they appear in the user's language.
    """
    from flask_babel import lazy_gettext as _l

    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_l("The password must have at least %(n)d characters.", n=MIN_LENGTH))
    if len(character_classes(password)) < MIN_CLASSES:
        problems.append(
            _l("The password must mix at least %(n)d of: lowercase letters, uppercase letters, digits, symbols.", n=MIN_CLASSES)
        )
    return problems


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


#: A hash of nothing in particular, checked against when the login is unknown so that the
#: response time does not tell which logins exist.
DUMMY_HASH = _hasher.hash("not-a-real-password-Aa1!")


def secret_digest(secret: str) -> str:
    """SHA-256 (hex) of a random secret (an API token, a session key): what is stored of it. A
    secret of 32 random bytes needs no slow hash; its digest can be looked up directly."""
    import hashlib

    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
