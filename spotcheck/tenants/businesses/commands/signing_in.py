"""企业认领与登录: the first sign-in (认领) with the credit code and the 企业核验码 of one of the business's notices —
the fallback where the city has no legal-person identity provider — which makes its account (or changes its
holder) and sets the holder's password; then signing in and out with the password, and an access token.

No enumeration: a wrong code reads the same and does the same work whether or not the credit code has ever had a
notice (one look-up of the code *and* the credit code together), and a wrong password the same whether or not the
business has an account. No lockout: wrong attempts slow that client down at that credit code
(:mod:`~spotcheck.tenants.businesses.throttle`), the account stays open to everyone else.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit, personal_data
from spotcheck.core.actor import Actor
from spotcheck.core.clock import now
from spotcheck.core.commands import ANYONE, command
from spotcheck.core.database import db, is_row_id
from spotcheck.core.errors import InvalidInputError, NotFoundError
from spotcheck.core.passwords import DUMMY_HASH, hash_password, password_problems, secret_digest, verify_password
from spotcheck.core.policy import Permission
from spotcheck.core.scoping import system_access
from spotcheck.tenants.businesses import throttle
from spotcheck.tenants.businesses.models import (
    BusinessAccount,
    BusinessClaim,
    BusinessIdentity,
    BusinessPerson,
    BusinessSession,
    BusinessToken,
    person_of,
)
from spotcheck.tenants.businesses.policy import actor_of
from spotcheck.tenants.businesses.sessions import end_access, new_session_stamp, open_session
from spotcheck.tenants.businesses.vocabulary import (
    CODE_USED,
    LOGIN,
    NOT_A_BUSINESS,
    TOKEN_PREFIX,
    WRONG_CODE,
    WRONG_SIGN_IN,
    BusinessRefusedError,
    Outcome,
)
from spotcheck.tenants.common.validators import InvalidValueError, credit_code as valid_credit_code
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.results.models import InspectionCode, Visit
from spotcheck.tenants.results.vocabulary import ALPHABET, TYPED_LENGTH, normalise_typed

#: The password hash of a person the identity platform signed in: not a hash, so no password ever matches it.
NO_PASSWORD = "!identity-platform"

#: Where the platform's own audit chain keeps a business account's entries.
OBJECT = "business_account"


def _credit(data: dict, errors: dict) -> str:
    try:
        return valid_credit_code(str(data.get("credit_code") or "").strip().upper())
    except InvalidValueError as error:
        errors["credit_code"] = [error.message]
        return ""


def _slowed(key: str) -> BusinessRefusedError | None:
    wait = throttle.waiting(key)
    if not wait:
        return None
    return BusinessRefusedError(
        _l(
            "Too many wrong attempts from here: wait %(n)d seconds, then try again.",
            n=max(1, int(wait.total_seconds())),
        )
    )


def person_problems(data: dict) -> dict[str, list]:
    """What is wrong with a new person's ``display_name``, ``login`` and ``password`` (a claim's holder or a person
    the holder adds), by field."""
    errors: dict[str, list] = {}
    if not 1 <= len(str(data.get("display_name") or "").strip()) <= 100:
        errors["display_name"] = [_l("Name: give the person's name (1–100 characters).")]
    if not LOGIN.match(str(data.get("login") or "").strip().lower()):
        errors["login"] = [_l("Login: 3–32 lowercase letters, digits, dots, hyphens or underscores, a letter first.")]
    if problems := password_problems(str(data.get("password") or "")):
        errors["password"] = problems
    return errors


@command(ANYONE)
def claim_account(data: dict, *, actor: Actor | None = None) -> Outcome:
    """认领: the business's account claimed with ``credit_code`` and ``business_code`` (the 企业核验码 of one of its
    notices), whose claimer becomes its holder (持有人) under ``login`` and ``display_name`` with ``password``, and is
    signed in. Made the first time; the next claim with another notice's code changes the holder (the former one
    stays a person of the business, signed out). A code claims at most once. ``client`` (the client's key) and
    ``user_agent``: for the slowing of wrong attempts and the session.

    Every field's shape is checked first, then the code: a wrong one is refused in the same words, after the same
    work, whether or not the credit code has ever had a notice; the refusal is kept (and the client slowed)."""
    errors = person_problems(data)
    credit = _credit(data, errors)
    typed = normalise_typed(str(data.get("business_code") or ""))
    if len(typed) != TYPED_LENGTH or any(c not in ALPHABET for c in typed):
        errors["business_code"] = [_l("Business code: type the 12 characters printed on the notice.")]
    if errors:
        raise InvalidInputError(errors)
    key = throttle.key_of("claim", credit, str(data.get("client") or ""))
    if (slowed := _slowed(key)) is not None:
        return Outcome(None, slowed)
    digest = personal_data.digest(typed)
    with system_access("a business's 企业核验码 checked against its credit code, to claim its account"):
        found = db.session.execute(
            sa.select(Entity.id, Entity.name)
            .join(Visit, Visit.entity_id == Entity.id)
            .join(InspectionCode, InspectionCode.visit_id == Visit.id)
            .where(InspectionCode.business_digest == digest, Entity.code == credit)
        ).first()
    if found is None:
        throttle.failed(key)
        audit.record("business.claim_failed", OBJECT, None, tenant_id=None, details={"credit_code": credit})
        return Outcome(None, BusinessRefusedError(WRONG_CODE, "business_code"))
    throttle.succeeded(key)
    account = db.session.scalar(sa.select(BusinessAccount).where(BusinessAccount.entity_id == found.id))
    if db.session.scalar(sa.select(BusinessClaim.id).where(BusinessClaim.code_digest == digest)) is not None:
        if account is not None:
            audit.record("business.code_reused", OBJECT, account.id, tenant_id=None, details={"credit_code": credit})
        return Outcome(None, BusinessRefusedError(CODE_USED, "business_code"))
    if account is None:
        account = BusinessAccount(entity_id=found.id, credit_code=credit, name=found.name)
        db.session.add(account)
        db.session.flush()
    login, name = str(data["login"]).strip().lower(), str(data["display_name"]).strip()
    former = [person for person in _people(account.id) if person.holder]
    person = next((p for p in _people(account.id) if p.login == login), None)
    if person is None:
        person = BusinessPerson(account_id=account.id, login=login, session_stamp=new_session_stamp())
        db.session.add(person)
    else:
        end_access(person)
    person.display_name, person.password_hash = name, hash_password(str(data["password"]))
    person.holder, person.active = True, True
    for previous in former:
        if previous is not person:
            previous.holder = False
            end_access(previous)
    db.session.add(BusinessClaim(account_id=account.id, code_digest=digest, claimed_at=now()))
    db.session.flush()
    who = actor_of(credit, login, name)
    audit.record("business.claimed", OBJECT, account.id, actor=who, tenant_id=None, details={"holder": name})
    for previous in former:
        if previous is not person:
            audit.record(
                "business.holder_changed",
                OBJECT,
                account.id,
                actor=who,
                tenant_id=None,
                details={"from": previous.display_name, "to": name},
            )
    return Outcome(person, session_key=open_session(person, str(data.get("user_agent") or "")))


def _people(account_id: int) -> list[BusinessPerson]:
    return list(db.session.scalars(sa.select(BusinessPerson).where(BusinessPerson.account_id == account_id)))


@command(ANYONE)
def sign_in(data: dict, *, actor: Actor | None = None) -> Outcome:
    """登录: a person of the business with ``credit_code``, ``login`` and ``password``. A refusal reads the same
    whether or not the business has an account or the person exists; it is kept and slows the client down
    (``client``), never locks the account."""
    errors: dict[str, list] = {}
    credit = _credit(data, errors)
    if errors:
        raise InvalidInputError(errors)
    key = throttle.key_of("sign-in", credit, str(data.get("client") or ""))
    if (slowed := _slowed(key)) is not None:
        return Outcome(None, slowed)
    login, password = str(data.get("login") or "").strip().lower(), str(data.get("password") or "")
    person = db.session.scalar(
        sa.select(BusinessPerson)
        .join(BusinessAccount, BusinessAccount.id == BusinessPerson.account_id)
        .where(BusinessAccount.credit_code == credit, BusinessPerson.login == login[:32], BusinessPerson.active)
    )
    if not verify_password(DUMMY_HASH if person is None else person.password_hash, password) or person is None:
        throttle.failed(key)
        audit.record("business.sign_in_failed", OBJECT, None, tenant_id=None, details={"credit_code": credit})
        return Outcome(None, BusinessRefusedError(WRONG_SIGN_IN))
    throttle.succeeded(key)
    session_key = open_session(person, str(data.get("user_agent") or ""))
    audit.record(
        "business.signed_in", OBJECT, person.account_id, actor=person.as_actor, tenant_id=None, details={"login": login}
    )
    return Outcome(person, session_key=session_key)


@command(ANYONE)
def sign_in_with_identity(data: dict, *, actor: Actor | None = None) -> Outcome:
    """法人统一身份认证登录: a person the legal persons' identity platform vouched for (its ID token checked by the
    platform's pages), for the business of ``credit_code`` — the claim read from that provider's tokens alone, never
    the staff's: ``issuer``, ``subject``, ``credit_code``, ``name``, ``user_agent``. The first sign-in of that
    (issuer, subject) makes the business's account where it has none (a business holds no role: nothing is given but
    its own record), with the person as its holder, or adds the person to the account; later ones sign the same
    person in, for the same business only. A business the registry does not hold is refused."""
    issuer, subject = str(data["issuer"]), str(data["subject"])
    try:
        credit = valid_credit_code(str(data.get("credit_code") or "").strip().upper())
    except InvalidValueError:
        audit.record("business.sign_in_failed", OBJECT, None, tenant_id=None, details={"why": "claim"})
        return Outcome(None, BusinessRefusedError(NOT_A_BUSINESS))
    for tried in range(2):  # a first sign-in made at the same moment by another request wins: read what it made
        identity = db.session.scalar(
            sa.select(BusinessIdentity).where(BusinessIdentity.issuer == issuer, BusinessIdentity.subject == subject)
        )
        if identity is not None:
            break
        try:
            with db.session.begin_nested():
                first = _first_sign_in(credit, issuer, subject, str(data.get("name") or ""))
            break
        except sa.exc.IntegrityError:
            if tried:
                raise
    if identity is not None:
        person = identity.person
        if person.account.credit_code != credit or not person.active:
            audit.record(
                "business.sign_in_failed", OBJECT, person.account_id, tenant_id=None, details={"credit_code": credit}
            )
            return Outcome(None, BusinessRefusedError(NOT_A_BUSINESS))
    elif first is None:
        audit.record("business.sign_in_failed", OBJECT, None, tenant_id=None, details={"credit_code": credit})
        return Outcome(None, BusinessRefusedError(NOT_A_BUSINESS))
    else:
        person = first
        audit.record(
            "business.person_added",
            OBJECT,
            person.account_id,
            actor=person.as_actor,
            tenant_id=None,
            details={"person": person.display_name, "via": "oidc", "issuer": issuer},
        )
    session_key = open_session(person, str(data.get("user_agent") or ""))
    audit.record(
        "business.signed_in",
        OBJECT,
        person.account_id,
        actor=person.as_actor,
        tenant_id=None,
        details={"login": person.login, "via": "oidc", "issuer": issuer},
    )
    return Outcome(person, session_key=session_key)


def _first_sign_in(credit: str, issuer: str, subject: str, name: str) -> BusinessPerson | None:
    """The first sign-in of (issuer, subject): the person added to the business's account of ``credit``, made where
    the business has none (``None``: the registry does not hold it). Raises ``IntegrityError`` where another request
    made the account or the identity first (the caller's savepoint is then rolled back)."""
    account = db.session.scalar(sa.select(BusinessAccount).where(BusinessAccount.credit_code == credit))
    if account is None:
        with system_access("a business's credit code looked up in the registry, for its first sign-in"):
            entity = db.session.execute(sa.select(Entity.id, Entity.name).where(Entity.code == credit)).first()
        if entity is None:
            return None
        account = BusinessAccount(entity_id=entity.id, credit_code=credit, name=entity.name)
        db.session.add(account)
        db.session.flush()
    holder = not any(p.holder and p.active for p in _people(account.id))
    person = BusinessPerson(
        account_id=account.id,
        login=f"sso-{secrets.token_hex(6)}",
        display_name=name.strip()[:100] or credit,
        password_hash=NO_PASSWORD,  # no hash any password matches: through the identity platform alone
        holder=holder,
        session_stamp=new_session_stamp(),
    )
    db.session.add(person)
    db.session.flush()
    db.session.add(BusinessIdentity(person_id=person.id, issuer=issuer, subject=subject, linked_at=now()))
    db.session.flush()
    return person


@command(Permission.BUSINESS_SIGNED_IN)
def sign_out(data: dict | None = None, *, actor: Actor) -> None:
    """退出: end this session (``session_key``) on the server."""
    session_key = (data or {}).get("session_key")
    if session_key:
        row = db.session.scalar(
            sa.select(BusinessSession).where(
                BusinessSession.key_hash == secret_digest(session_key), BusinessSession.person_id == person_of(actor).id
            )
        )
        if row is not None and row.revoked_at is None:
            row.revoked_at = now()
            db.session.flush()


@command(Permission.BUSINESS_SIGNED_IN)
def change_password(data: dict, *, actor: Actor) -> None:
    """One's own password (``current``, ``new``): the current one is required; every other session of one's own is
    ended (all but ``keep_session``, this one's key) — a person the holder added changes the first password so."""
    person = person_of(actor)
    current, new = str(data.get("current") or ""), str(data.get("new") or "")
    if not verify_password(person.password_hash, current):
        raise InvalidInputError({"current_password": [_l("Current password: it is wrong.")]})
    if problems := password_problems(new):
        raise InvalidInputError({"new_password": problems})
    if verify_password(person.password_hash, new):
        raise InvalidInputError({"new_password": [_l("New password: choose one different from the current one.")]})
    person.password_hash = hash_password(new)
    person.session_stamp = new_session_stamp()
    keep = data.get("keep_session")
    db.session.execute(
        sa.update(BusinessSession)
        .where(
            BusinessSession.person_id == person.id,
            BusinessSession.revoked_at.is_(None),
            BusinessSession.key_hash != secret_digest(str(keep or "")),
        )
        .values(revoked_at=now())
    )
    audit.record("business.password_changed", OBJECT, person.account_id, actor=person.as_actor, tenant_id=None)


@command(Permission.BUSINESS_SIGNED_IN)
def issue_token(data: dict, *, actor: Actor) -> tuple[BusinessToken, str]:
    """An access token (访问令牌, ``name``) for a city's app that embeds the business's pages; the secret is
    returned once and never stored."""
    name = str(data.get("name") or "").strip()
    if not 1 <= len(name) <= 100:
        raise InvalidInputError({"name": [_l("Name: name the token (1–100 characters), e.g. the app that uses it.")]})
    person = person_of(actor)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = BusinessToken(
        person_id=person.id, name=name, prefix=secret[: len(TOKEN_PREFIX) + 6], token_hash=secret_digest(secret)
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        "business.token_issued",
        OBJECT,
        person.account_id,
        actor=person.as_actor,
        tenant_id=None,
        details={"person": person.display_name, "name": name},
    )
    return token, secret


@command(Permission.BUSINESS_SIGNED_IN)
def revoke_token(token_id: int, data: dict | None = None, *, actor: Actor) -> BusinessToken:
    """Revoke (吊销) one of one's own access tokens, for good: a token of another person (of this business or
    another) is not found, as one that never was. Revoking a revoked token changes nothing."""
    person = person_of(actor)
    token = (
        db.session.scalar(
            sa.select(BusinessToken)
            .where(BusinessToken.id == token_id, BusinessToken.person_id == person.id)
            .with_for_update()
        )
        if is_row_id(token_id)
        else None
    )
    if token is None:
        raise NotFoundError(_l("No such access token."))
    if token.revoked_at is None:
        token.revoked_at = now()
        db.session.flush()
        audit.record(
            "business.token_revoked",
            OBJECT,
            person.account_id,
            actor=person.as_actor,
            tenant_id=None,
            details={"person": person.display_name, "name": token.name},
        )
    return token
