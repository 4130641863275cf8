"""两步验证 (second factor): the TOTP codes of an authenticator app (动态验证码, RFC 6238, pyotp), each time step
accepted once, and the one-time recovery codes (恢复码); who must have one (the administrators, where the deployment
requires it) and whether a session gave it.

Time is the platform's clock (:func:`spotcheck.core.clock.now`), so that a test sets the step a code belongs to.
"""

from __future__ import annotations

import re
import secrets

import pyotp
import segno
import sqlalchemy as sa

from spotcheck.core import clock, personal_data, settings
from spotcheck.core.actor import Actor
from spotcheck.core.database import db
from spotcheck.core.passwords import secret_digest
from spotcheck.core.policy import Role
from spotcheck.tenants.accounts.models import SecondFactor, User, UserSession
from spotcheck.tenants.accounts.vocabulary import AWAITS_CODE, AWAITS_ENROLMENT

#: The issuer an authenticator app shows beside the login.
ISSUER = "Spotcheck"
#: Recovery codes given at enrolment, each used once.
RECOVERY_CODES = 10
#: A code of the step before or after the present one is accepted too (a phone's clock a little off).
VALID_WINDOW = 1
#: A recovery code: 16 characters of base32 (80 bits), written in groups of four.
_RECOVERY_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
_SIX_DIGITS = re.compile(r"^[0-9]{6}$")
_RECOVERY = re.compile(r"^[a-z2-7]{16}$")


def is_administrator(user: Actor) -> bool:
    """The platform administrator (平台管理员) or a department's administrator (部门管理员)."""
    return bool({Role.platform_admin.value, Role.tenant_admin.value}.intersection(user.roles or ()))


def required() -> bool:
    """Whether the deployment requires administrators to have a second factor (``SECOND_FACTOR_REQUIRED``: on under
    ``SPOTCHECK_ENV=production``)."""
    return bool(settings.get("SECOND_FACTOR_REQUIRED"))


def factor_of(user: Actor, *, for_update: bool = False) -> SecondFactor | None:
    """The user's second factor, confirmed or being enrolled (read in the caller's scope)."""
    statement = sa.select(SecondFactor).where(SecondFactor.user_id == user.id)
    return db.session.scalar(statement.with_for_update() if for_update else statement)


def has_factor(user: Actor) -> bool:
    """Whether the user has a confirmed second factor."""
    factor = factor_of(user)
    return factor is not None and factor.confirmed_at is not None


def awaited(user: User, *, break_glass: bool = False) -> str:
    """What a right password leaves the session waiting for: the code (a confirmed factor), the enrolment (an
    administrator without one where required — and always for the break-glass sign-in, the platform administrator's
    password where passwords are off), or nothing."""
    if has_factor(user):
        return AWAITS_CODE
    if is_administrator(user) and (required() or break_glass):
        return AWAITS_ENROLMENT
    return ""


def must_give(user: Actor) -> bool:
    """Whether the user's sessions are worth an API token only once the second factor was given in them: an
    administrator with a factor, or where one is required."""
    return is_administrator(user) and (required() or has_factor(user))


def given_in(user: Actor, session_key: str | None) -> bool:
    """Whether the second factor was given in the user's open session of key ``session_key``."""
    if not session_key:
        return False
    row = db.session.scalar(
        sa.select(UserSession).where(
            UserSession.key_hash == secret_digest(session_key),
            UserSession.user_id == user.id,
            UserSession.revoked_at.is_(None),
        )
    )
    return row is not None and not row.pending and row.second_factor_at is not None


def new_secret() -> tuple[str, str]:
    """A new TOTP secret (base32, 160 bits): the secret and its encrypted form to store."""
    secret = pyotp.random_base32(32)
    return secret, personal_data.encrypt(secret)


def secret_of(factor: SecondFactor) -> str:
    return personal_data.decrypt(factor.secret_encrypted)


def provisioning_uri(factor: SecondFactor, login: str) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret_of(factor)).provisioning_uri(name=login, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code of ``uri`` as inline SVG (no external asset, no script)."""
    return segno.make_qr(uri, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff")


def grouped(secret: str) -> str:
    """The secret as it is typed in by hand: groups of four."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def normalised(code: str) -> str:
    return re.sub(r"[\s-]", "", str(code or "")).lower()


def is_totp_code(code: str) -> bool:
    return bool(_SIX_DIGITS.match(code))


def is_recovery_code(code: str) -> bool:
    return bool(_RECOVERY.match(code))


def accepted_step(factor: SecondFactor, code: str) -> int | None:
    """The time step ``code`` (six digits) belongs to, if it is right for a step within :data:`VALID_WINDOW` of
    now and later than the last step used; else None (a wrong code, or one already used)."""
    if not is_totp_code(code):
        return None
    try:
        step = pyotp.TOTP(secret_of(factor)).verify_and_get_timecode(
            code, for_time=clock.now(), valid_window=VALID_WINDOW
        )
    except pyotp.exceptions.OTPVerificationError:
        return None
    return step if step > (factor.last_step or 0) else None


def is_replay(factor: SecondFactor, code: str) -> bool:
    """Whether ``code`` is right but for a step already used (said apart in the audit trail)."""
    if not is_totp_code(code):
        return False
    try:
        pyotp.TOTP(secret_of(factor)).verify_and_get_timecode(code, for_time=clock.now(), valid_window=VALID_WINDOW)
    except pyotp.exceptions.OTPVerificationError:
        return False
    return True


def new_recovery_codes() -> list[str]:
    """Ten recovery codes, as shown once: ``abcd-efgh-ijkl-mnop``."""
    codes = ["".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(16)) for _ in range(RECOVERY_CODES)]
    return ["-".join(code[i : i + 4] for i in range(0, 16, 4)) for code in codes]


def recovery_digest(code: str) -> str:
    """What is stored of a recovery code: the SHA-256 of its normalised form (80 random bits need no slow hash)."""
    return secret_digest(normalised(code))


def use_recovery_code(factor: SecondFactor, code: str) -> bool:
    """Use one recovery code (it is struck off); False when it is none of those left."""
    if not is_recovery_code(code):
        return False
    digest = recovery_digest(code)
    left = list(factor.recovery_digests or ())
    if digest not in left:
        return False
    left.remove(digest)
    factor.recovery_digests = left
    return True


def begin(user: Actor) -> SecondFactor:
    """A new factor being enrolled for ``user`` (any earlier unconfirmed one replaced), its secret encrypted."""
    factor = factor_of(user, for_update=True)
    _secret, encrypted = new_secret()
    if factor is None:
        factor = SecondFactor(tenant_id=user.tenant_id, user_id=user.id, secret_encrypted=encrypted, last_step=0)
        db.session.add(factor)
    else:
        factor.secret_encrypted, factor.last_step, factor.confirmed_at = encrypted, 0, None
    factor.recovery_digests = []
    factor.created_at = clock.now()
    db.session.flush()
    return factor


def confirm(factor: SecondFactor, code: str) -> list[str] | None:
    """Confirm a factor being enrolled with one right code: its step is used, ten recovery codes are made (their
    digests kept) and returned to be shown once; None when the code is not right."""
    step = accepted_step(factor, normalised(code))
    if step is None:
        return None
    codes = new_recovery_codes()
    factor.last_step, factor.confirmed_at = step, clock.now()
    factor.recovery_digests = [recovery_digest(code) for code in codes]
    db.session.flush()
    return codes


def check(factor: SecondFactor, code: str) -> str | None:
    """Check a code given for a confirmed factor: ``totp`` (its step now used) or ``recovery`` (that recovery code
    struck off), or None when it is neither."""
    code = normalised(code)
    step = accepted_step(factor, code)
    if step is not None:
        factor.last_step = step
        return "totp"
    return "recovery" if use_recovery_code(factor, code) else None
