"""The inspector's link to a user account (检查人员与账号关联), as a command: what lets a drawn
inspector record the results of their own visits; and the accounts of many inspectors made and linked at
once (批量开通账号), their one-time passwords (or, where the identity platform signs the staff in, their
account link codes) handed out once. Linking tells the notices domain
(``inspector.linked``), which sends the account what was addressed to the inspector before."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit, bulk, events, settings
from spotcheck.core.actor import Actor
from spotcheck.core.commands import command
from spotcheck.core.database import db, get_row, is_row_id
from spotcheck.core.errors import ConflictError, InvalidInputError, NotFoundError
from spotcheck.core.policy import Permission, Role
from spotcheck.tenants.accounts import commands as accounts
from spotcheck.tenants.accounts.commands.department_admins import temporary_password
from spotcheck.tenants.accounts.models import User, tenant_of
from spotcheck.tenants.inspectors.models import Inspector


@command(Permission.USERS_MANAGE)
def link_inspector(inspector_id: int, data: object, *, actor: Actor) -> Inspector:
    """Link an inspector entry to the person's user account (``data["user_id"]``; one person, one
    link), or unlink it with ``None``. The account must be an inspector of the same department; an
    account of another name is linked only when ``data["other_name"]`` confirms it is the same person."""
    inspector = get_row(Inspector, inspector_id, _l("No such inspector."), for_update=True)
    given = data if isinstance(data, dict) else {}
    user_id = given.get("user_id")
    if user_id is None:
        inspector.user_id = None
        audit.record("inspector.unlinked", "inspector", inspector.id, actor=actor, details={"cert": inspector.cert_no})
        return inspector
    user = db.session.scalar(sa.select(User).where(User.id == user_id)) if is_row_id(user_id) else None
    if user is None or user.tenant_id != inspector.tenant_id:
        raise InvalidInputError({"user_id": [_l("No such user in this department.")]})
    if not user.has_role("inspector"):
        raise InvalidInputError({"user_id": [_l("Only a user with the inspector role can be linked.")]})
    taken = db.session.scalar(sa.select(Inspector).where(Inspector.user_id == user.id, Inspector.id != inspector.id))
    if taken is not None:
        raise InvalidInputError(
            {
                "user_id": [
                    _l("This user is already linked to %(name)s (%(cert)s).", name=taken.name, cert=taken.cert_no)
                ]
            }
        )
    if user.display_name.strip() != inspector.name.strip() and not given.get("other_name"):
        raise InvalidInputError(
            {
                "other_name": [
                    _l(
                        "The account is %(account)s's and the entry %(name)s's: confirm that they are the same "
                        "person to link them.",
                        account=user.display_name,
                        name=inspector.name,
                    )
                ]
            }
        )
    inspector.user_id = user.id
    audit.record(
        "inspector.linked",
        "inspector",
        inspector.id,
        actor=actor,
        details={"cert": inspector.cert_no, "login": user.login},
    )
    events.emit("inspector.linked", actor=actor, inspector=inspector, user=user)
    return inspector


# --- accounts for many inspectors at once (批量开通账号) --------------------------------------------------


@dataclass(frozen=True)
class IssuedAccount:
    """An account made for an inspector (开通的账号): who, the login, and the one-time password — or, where the
    identity platform signs the staff in, the account link code (账号关联码) and until when it is valid — shown once
    on the hand-out sheet and kept nowhere (only its hash or digest is stored)."""

    inspector_id: int
    name: str
    cert_no: str
    login: str
    password: str | None = None
    link_code: str | None = None
    expires_at: datetime | None = None


@command(Permission.USERS_MANAGE)
def create_inspector_accounts(
    inspector_ids: list[int], data: dict | None = None, *, actor: Actor
) -> list[IssuedAccount]:
    """Create the accounts of the selected inspectors of the department's directory at once and link each
    (批量开通账号), all or nothing, each inspector checked as one account made and linked by hand is: a user
    with the inspector role, named as the entry, its login the department's code and the certificate number,
    its one-time password to be changed at the first sign-in. Where the identity platform signs the staff in
    (``SPOTCHECK_OIDC_ISSUER``), an account gets no password but an account link code (账号关联码), which the person
    enters after signing in there. An inspector of another department is not found (NotFoundError) whatever else
    is selected. The passwords and codes are returned once and kept nowhere."""
    ids = bulk.require_selection(inspector_ids)
    found = {
        inspector.id: inspector
        for inspector in db.session.scalars(
            sa.select(Inspector).where(Inspector.id.in_(ids)).order_by(Inspector.id).with_for_update()
        )
    }
    if len(found) != len(ids):  # the directory's own entries only: another department's do not exist here
        raise NotFoundError(_l("No such inspector."))
    tenant = tenant_of(actor)
    by_code = bool(settings.get("SPOTCHECK_OIDC_ISSUER"))
    issued = bulk.each(
        [found[i] for i in ids],
        lambda inspector: _account_for(inspector, tenant.code, actor, by_code=by_code),
        name=lambda inspector: f"{inspector.name}（{inspector.cert_no}）",
    )
    audit.record(
        "inspector.accounts_created",
        "inspector",
        None,
        actor=actor,
        details={
            "count": len(issued),
            "login": [account.login for account in issued],
            "link_codes": by_code,
        },
    )
    return issued


def login_for(inspector: Inspector, department_code: str) -> str:
    """The login an inspector's account is given: the department's code and the certificate number
    (scj.33010001), in the letters a login allows."""
    text = f"{department_code}.{inspector.cert_no or inspector.id}".lower()
    login = re.sub(r"[^a-z0-9_.-]", "", text)
    return login if login[:1].isalpha() else f"i{login}"


def _account_for(inspector: Inspector, department_code: str, actor: Actor, *, by_code: bool) -> IssuedAccount:
    """One inspector's account, made and linked as by hand, with a one-time password or, ``by_code``, none and an
    account link code; refused when the entry has one already or is out of use (停用)."""
    if inspector.user_id is not None:
        raise ConflictError(_l("%(name)s already has an account.", name=inspector.name))
    if not inspector.active:
        raise ConflictError(_l("%(name)s is out of use (停用): no account is made.", name=inspector.name))
    password = None if by_code else temporary_password()
    user = accounts.create_user(
        {
            "login": login_for(inspector, department_code),
            "display_name": inspector.name,
            "password": password,
            "roles": [Role.inspector.value],
            "temporary": not by_code,
            "without_password": by_code,
        },
        actor=actor,
    )
    link_inspector(inspector.id, {"user_id": user.id}, actor=actor)
    if by_code:
        code = accounts.issue_account_code(user.id, actor=actor)
        return IssuedAccount(
            inspector.id, inspector.name, inspector.cert_no, user.login, link_code=code.code, expires_at=code.expires_at
        )
    return IssuedAccount(inspector.id, inspector.name, inspector.cert_no, user.login, password)
