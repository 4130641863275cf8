"""Password policy (口令复杂度, 等保2.0 三级) and hashing (口令哈希, Argon2id).

The Argon2 parameters come from the app's ``PASSWORD_HASHING`` setting (``platform/config.py``):
:data:`STRONG` in production and development, :data:`FAST` under ``SPOTCHECK_ENV=testing`` only (a
sign-in of the tests costs a millisecond instead of a third of a second). A hash records its own
parameters, so verifying works whatever the setting was when it was made.
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l

from spotcheck.core import settings

MIN_LENGTH = 10
MIN_CLASSES = 3

#: Argon2id as argon2-cffi recommends (RFC 9106, low-memory profile): production and development.
STRONG = {"time_cost": 3, "memory_cost": 65536, "parallelism": 4}
#: The cheapest Argon2id there is: for ``SPOTCHECK_ENV=testing`` only (config refuses it elsewhere).
FAST = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}

_CLASSES: tuple[tuple[str, Callable[[str], bool]], ...] = (
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

    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_l("The password must have at least %(n)d characters.", n=MIN_LENGTH))
    if len(character_classes(password)) < MIN_CLASSES:
        problems.append(
            _l(
                "The password must mix at least %(n)d of: lowercase letters, uppercase letters, digits, symbols.",
                n=MIN_CLASSES,
            )
        )
    return problems


@lru_cache(maxsize=4)
def _hasher_for(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def parameters() -> dict[str, Any]:
    """The Argon2 parameters new hashes are made with: the setting ``PASSWORD_HASHING`` (STRONG
    where no setting can be read: outside an app)."""
    try:
        configured = settings.get("PASSWORD_HASHING")
    except RuntimeError:  # no settings provider, or no app to read them from
        configured = None
    return dict(configured or STRONG)


def _hasher() -> PasswordHasher:
    return _hasher_for(**parameters())


def hash_password(password: str) -> str:
    return _hasher().hash(password)


@lru_cache(maxsize=4)
def _dummy_hash(time_cost: int, memory_cost: int, parallelism: int) -> str:
    return _hasher_for(time_cost, memory_cost, parallelism).hash("not-a-real-password-Aa1!")


#: Stands for a hash of nothing in particular, checked against when the login is unknown so that the
#: response time does not tell which logins exist: :func:`verify_password` checks a real hash made
#: with the current parameters in its place (the same cost as a known login's check).
DUMMY_HASH = "$argon2id$dummy"


#: The hash of an account made without a password (an account the identity platform signs in, linked by its link
#: code): no password matches it; :func:`verify_password` still takes a real check's time.
NO_PASSWORD = "!no-password"


def verify_password(password_hash: str, password: str) -> bool:
    if password_hash == NO_PASSWORD:
        verify_password(DUMMY_HASH, password)
        return False
    if password_hash == DUMMY_HASH:
        password_hash = _dummy_hash(**parameters())
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def secret_digest(secret: str) -> str:
    """SHA-256 (hex) of a random secret (an API token, a session key): what is stored of it. A
    secret of 32 random bytes needs no slow hash; its digest can be looked up directly."""

    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
