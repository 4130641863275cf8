"""登录 (身份鉴别) as the sign-in page needs it: a successful sign-in, or the refusal to show.

The state changes (the attempt, its lockout, the session row) are the accounts' commands
(:mod:`spotcheck.tenants.accounts.commands`); this is only the page's side of them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from spotcheck.core.errors import InvalidInputError
from spotcheck.tenants.accounts import commands
from spotcheck.tenants.accounts.vocabulary import Attempt, LoginRefusedError

__all__ = ["LoginRefusedError", "authenticate"]


def authenticate(
    login: str,
    password: str,
    *,
    max_failures: int,
    lock_minutes: int,
    user_agent: str = "",
    password_login: bool = True,
) -> Attempt:
    """A successful sign-in (the user and the new session's key), or :class:`LoginRefusedError` (the
    attempt is kept either way)."""
    try:
        attempt = commands.attempt_sign_in(
            {
                "login": login,
                "password": password,
                "max_failures": max_failures,
                "lock_minutes": lock_minutes,
                "user_agent": user_agent,
                "password_login": password_login,
            }
        )
    except InvalidInputError:  # characters no login or password holds
        raise LoginRefusedError(_l("Wrong login or password.")) from None
    if attempt.refused is not None:
        raise attempt.refused
    return attempt
