"""企业账户的数据表: a business's account (企业账户, one per 统一社会信用代码), its people (企业人员) with their
sessions (登录会话) and tokens (访问令牌), the 企业核验码 that claimed it (认领), and the slowing of wrong attempts
(失败减速). None of them is a department's: a business is no tenant, and these rows are read only through this
domain's commands and queries, by the business itself or the platform administrator."""

from __future__ import annotations

from datetime import datetime
from typing import cast

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from spotcheck.core.actor import Actor
from spotcheck.core.clock import now
from spotcheck.core.database import Model
from spotcheck.tenants.businesses.policy import BusinessActor, actor_of
from spotcheck.tenants.businesses.vocabulary import HOLDER, MEMBER

__all__ = [
    "BusinessAccount",
    "BusinessClaim",
    "BusinessIdentity",
    "BusinessPerson",
    "BusinessSession",
    "BusinessThrottle",
    "BusinessToken",
]


class BusinessAccount(Model):
    """A business's own account (企业账户): one per 统一社会信用代码, the registry's entity it is."""

    __tablename__ = "business_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(sa.ForeignKey("entity.id"), unique=True)
    credit_code: Mapped[str] = mapped_column(sa.String(18), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    #: The platform administrator's last reset (重置): every person removed, the account waits for a new claim.
    reset_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    people: Mapped[list[BusinessPerson]] = relationship(
        back_populates="account", order_by="BusinessPerson.id", viewonly=True
    )


class BusinessPerson(Model):
    """A person of the business signed in under its account (企业人员): the holder (持有人), who claimed it with a
    企业核验码, or another person the holder added. Its own password; no department, no staff role."""

    __tablename__ = "business_person"
    __table_args__ = (sa.UniqueConstraint("account_id", "login", name="uq_business_person_account_login"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("business_account.id"), index=True)
    login: Mapped[str] = mapped_column(sa.String(32))
    display_name: Mapped[str] = mapped_column(sa.String(100))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    holder: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    #: Changes whenever the password changes or the person is removed, so older sessions stop working.
    session_stamp: Mapped[str] = mapped_column(sa.String(32))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    last_login_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    account: Mapped[BusinessAccount] = relationship(back_populates="people", lazy="joined")

    #: What the kernel's policy reads: a business's person binds no department and holds no role.
    tenant_id = None
    tenant = None
    roles: tuple[str, ...] = ()
    must_change_password = False

    @property
    def as_actor(self) -> BusinessActor:
        """This person as the audit trail names them (``b:<credit code>:<login>``)."""
        return actor_of(self.account.credit_code, self.login, self.display_name)

    @property
    def business_place(self) -> str:
        """Its place on the account, as the policy reads it (:data:`spotcheck.core.policy.BUSINESS_PERMISSIONS`)."""
        return HOLDER if self.holder else MEMBER

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"b:{self.id}:{self.session_stamp}"


def person_of(actor: Actor) -> BusinessPerson:
    """The acting business person, where only a business's person gets this far (the permission asked is a
    business's own, :data:`spotcheck.core.policy.BUSINESS_PERMISSIONS`): what the policy ensures, told to the type
    checker."""
    return cast(BusinessPerson, actor)


class BusinessSession(Model):
    """A business person's browser session (登录会话), kept on the server as a staff session is: signing out, a
    password change, a removal or a reset end it; idle too long, it is refused. Only its key's SHA-256 is stored."""

    __tablename__ = "business_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("business_person.id"), index=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    last_seen_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    user_agent: Mapped[str] = mapped_column(sa.String(200), default="")


class BusinessToken(Model):
    """A business person's access token (访问令牌), for a city's app that embeds the business's pages: only its
    SHA-256 is stored; the secret is shown once."""

    __tablename__ = "business_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("business_person.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    prefix: Mapped[str] = mapped_column(sa.String(16))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    last_used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class BusinessClaim(Model):
    """A 企业核验码 that claimed an account (认领): kept by its keyed digest (the code's own, never in clear), so
    that a code claims at most once."""

    __tablename__ = "business_claim"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("business_account.id"), index=True)
    code_digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    claimed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)


class BusinessThrottle(Model):
    """Wrong attempts at a business's sign-in or claim (失败减速), per credit code and client address (its keyed
    digest): they slow that client down, never lock the account — a credit code is public."""

    __tablename__ = "business_throttle"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)


class BusinessIdentity(Model):
    """A person the legal persons' identity platform (法人统一身份认证) signed in for a business, and the business's
    person it became on that first sign-in: (``issuer``, ``subject``) unique in the deployment."""

    __tablename__ = "business_identity"
    __table_args__ = (sa.UniqueConstraint("issuer", "subject", name="uq_business_identity_issuer_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("business_person.id"), index=True)
    issuer: Mapped[str] = mapped_column(sa.String(255))
    subject: Mapped[str] = mapped_column(sa.String(255))
    linked_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)

    person: Mapped[BusinessPerson] = relationship(lazy="joined")
