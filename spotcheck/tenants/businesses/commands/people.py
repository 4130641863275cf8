"""企业人员: the holder (持有人) adds and removes the other people of the business, each with their own password
under the account; the platform administrator resets an account (重置), with the reason. Each is audited on the
platform's chain and shown to the holder."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit
from spotcheck.core.actor import Actor
from spotcheck.core.clock import now
from spotcheck.core.commands import command
from spotcheck.core.database import db, is_row_id
from spotcheck.core.errors import ConflictError, InvalidInputError, NotFoundError
from spotcheck.core.passwords import hash_password
from spotcheck.core.policy import Permission
from spotcheck.tenants.businesses.commands.signing_in import OBJECT, person_problems
from spotcheck.tenants.businesses.models import BusinessAccount, BusinessPerson, person_of
from spotcheck.tenants.businesses.sessions import end_access, new_session_stamp
from spotcheck.tenants.common.validators import InvalidValueError, credit_code as valid_credit_code

#: How long the reason of a reset may be.
REASON_LENGTH = 500


@command(Permission.BUSINESS_PEOPLE_MANAGE)
def add_person(data: dict, *, actor: Actor) -> BusinessPerson:
    """The holder adds a person of the business (``display_name``, ``login``, ``password``: their first password,
    which the holder hands to them) under the business's account."""
    holder = person_of(actor)
    if errors := person_problems(data):
        raise InvalidInputError(errors)
    login = str(data["login"]).strip().lower()
    taken = db.session.scalar(
        sa.select(BusinessPerson.id).where(
            BusinessPerson.account_id == holder.account_id, BusinessPerson.login == login
        )
    )
    if taken is not None:
        raise InvalidInputError({"login": [_l("Login: another person of the business has this login.")]})
    person = BusinessPerson(
        account_id=holder.account_id,
        login=login,
        display_name=str(data["display_name"]).strip(),
        password_hash=hash_password(str(data["password"])),
        session_stamp=new_session_stamp(),
    )
    db.session.add(person)
    db.session.flush()
    audit.record(
        "business.person_added",
        OBJECT,
        holder.account_id,
        actor=holder.as_actor,
        tenant_id=None,
        details={"person": person.display_name, "login": login},
    )
    return person


@command(Permission.BUSINESS_PEOPLE_MANAGE)
def remove_person(person_id: int, data: dict | None = None, *, actor: Actor) -> BusinessPerson:
    """The holder removes a person of the business: signed out everywhere, their login kept unused. Another
    business's person is not found; the holder removes nobody of their own account's holders (themself)."""
    holder = person_of(actor)
    person = (
        db.session.scalar(
            sa.select(BusinessPerson).where(
                BusinessPerson.id == person_id,
                BusinessPerson.account_id == holder.account_id,
                BusinessPerson.active.is_(True),
            )
        )
        if is_row_id(person_id)
        else None
    )
    if person is None:
        raise NotFoundError(_l("No such person of the business."))
    if person.holder:
        raise ConflictError(_l("The holder of the account cannot be removed; a new claim changes the holder."))
    person.active = False
    end_access(person)
    audit.record(
        "business.person_removed",
        OBJECT,
        holder.account_id,
        actor=holder.as_actor,
        tenant_id=None,
        details={"person": person.display_name, "login": person.login},
    )
    return person


@command(Permission.BUSINESSES_RESET)
def reset_account(data: dict, *, actor: Actor) -> BusinessAccount:
    """重置: the platform administrator resets the account of ``credit_code``, for ``reason`` — every person of the
    business signed out and removed, the account waiting for a new claim with a code not used before."""
    errors: dict[str, list] = {}
    try:
        credit = valid_credit_code(str(data.get("credit_code") or "").strip().upper())
    except InvalidValueError as error:
        errors["credit_code"] = [error.message]
        credit = ""
    reason = str(data.get("reason") or "").strip()
    if not 2 <= len(reason) <= REASON_LENGTH:
        errors["reason"] = [_l("Reason: say why the account is reset (2 to %(n)d characters).", n=REASON_LENGTH)]
    if errors:
        raise InvalidInputError(errors)
    account = db.session.scalar(sa.select(BusinessAccount).where(BusinessAccount.credit_code == credit))
    if account is None:
        raise NotFoundError(_l("No business account has this credit code."))
    removed = []
    for person in db.session.scalars(sa.select(BusinessPerson).where(BusinessPerson.account_id == account.id)):
        if person.active:
            removed.append(person.display_name)
        person.active, person.holder = False, False
        end_access(person)
    account.reset_at = now()
    audit.record(
        "business.reset",
        OBJECT,
        account.id,
        actor=actor,
        tenant_id=None,
        details={"credit_code": credit, "reason": reason, "removed": removed},
    )
    return account
