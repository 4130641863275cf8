"""部门与用户的数据表: departments (部门), their users (用户), API tokens (个人访问令牌), sessions (登录会话), second
factors (两步验证), the identities of the city's identity platform linked to them (统一身份认证账号关联) and the link
codes (关联码)."""

from __future__ import annotations

from datetime import datetime
from typing import cast

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from spotcheck.core.actor import Actor
from spotcheck.core.clock import as_utc, now
from spotcheck.core.database import Model
from spotcheck.core.scoping import TenantOwned
from spotcheck.tenants.accounts import names
from spotcheck.tenants.accounts.vocabulary import TenantKind
from spotcheck.tenants.regions.models import Region

__all__ = [
    "ApiToken",
    "IdentityLink",
    "LinkCode",
    "SecondFactor",
    "Tenant",
    "TenantKind",
    "User",
    "UserSession",
    "tenant_of",
]


class Tenant(Model):
    """A department of the city government (部门), the unit of isolation."""

    __tablename__ = "tenant"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    #: The short name in campaign codes, e.g. 应急 in 应急抽〔2026〕3号.
    short_name: Mapped[str] = mapped_column(sa.String(16), default="")
    kind: Mapped[TenantKind] = mapped_column(sa.Enum(TenantKind, name="tenant_kind", native_enum=False, length=16))
    #: The region (区划) the department belongs to: a city's bureau to the city, a county's to the county.
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("region.id"), index=True)
    #: How risk classes are shown: "letters" (A/B/C/D) or "words" (高/较高/一般/低).
    risk_labels: Mapped[str] = mapped_column(sa.String(8), default="letters")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)

    region: Mapped[Region] = relationship(lazy="joined", innerjoin=True)  # its full name is read wherever it is shown

    @property
    def full_name(self) -> str:
        """The name a document signs with (部门全称): its region's name before its own (宁安市 + 市场监督管理局), unless
        the name carries it already — as every department created since the regions' tree is named
        (:func:`~spotcheck.tenants.accounts.names.full_name`); one named before says its place too."""
        return names.full_name(self.name, self.region.name)


#: The departments that inspect (执法检查部门): active and not a justice bureau, which supervises and files the
#: plans rather than inspecting — those a joint check or a joint plan may involve and a field may be led by.
INSPECTING = sa.and_(Tenant.active.is_(True), Tenant.kind != TenantKind.supervisor)


class User(TenantOwned, Model):
    """A person who logs in. Belongs to one tenant (platform admins to none) and holds roles there."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int | None] = mapped_column(  # type: ignore[assignment]  # the platform's own: none
        sa.ForeignKey("tenant.id"), index=True, nullable=True
    )
    login: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(100))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    roles: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: Changes whenever the password changes, so older sessions stop working.
    session_stamp: Mapped[str] = mapped_column(sa.String(32))
    last_login_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: A temporary password (reset by the platform administrator) is in use: every page but the account's
    #: sends the user to choose their own first.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: Where notices and reminders are also sent (besides the inbox): e-mail and mobile (短信).
    email: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    mobile: Mapped[str] = mapped_column(sa.String(16), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)

    tenant: Mapped[Tenant | None] = relationship(lazy="joined")

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
        return f"{self.tenant_id or 0}:{self.id}:{self.session_stamp}"

    @property
    def is_locked(self) -> bool:
        """Locked after too many failed logins (登录失败锁定), until ``locked_until``."""
        return self.locked_until is not None and as_utc(self.locked_until) > now()

    def has_role(self, *roles: str) -> bool:
        return bool(set(roles).intersection(self.roles or ()))


def tenant_of(actor: Actor) -> Tenant:
    """The acting user's department (部门), where only a department's user gets this far (the permission
    asked belongs to a department's role): what the policy ensures, told to the type checker."""
    return cast(Tenant, actor.tenant)


class ApiToken(TenantOwned, Model):
    """A personal API token (个人访问令牌): only its SHA-256 is stored; the secret is shown once."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int | None] = mapped_column(  # type: ignore[assignment]  # the platform's own: none
        sa.ForeignKey("tenant.id"), index=True, nullable=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    prefix: Mapped[str] = mapped_column(sa.String(16))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    last_used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    user: Mapped[User] = relationship()


class UserSession(TenantOwned, Model):
    """A signed-in browser session (登录会话), kept on the server so that it can be ended there:
    signing out, a password change, a deactivation or "sign out everywhere" end every copy of its
    cookie at once, and a session idle too long is refused whatever the cookie says. Only the
    SHA-256 of the session's secret is stored."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int | None] = mapped_column(  # type: ignore[assignment]  # the platform's own: none
        sa.ForeignKey("tenant.id"), index=True, nullable=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"), index=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    last_seen_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    user_agent: Mapped[str] = mapped_column(sa.String(200), default="")
    #: What the session still waits for after a right password (empty: nothing, it is signed in): ``code``, the
    #: second factor's code; ``enrol``, the second factor's enrolment (an administrator who has none where one is
    #: required). A waiting session grants nothing: no page, no API, no token.
    pending: Mapped[str] = mapped_column(sa.String(8), default="", server_default="")
    #: When the second factor was given in this session (none: signed in by password alone).
    second_factor_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class SecondFactor(TenantOwned, Model):
    """A user's second factor (两步验证, 动态验证码 TOTP): the secret, encrypted as the other protected values are
    (:mod:`spotcheck.core.personal_data`); the last time step a code was accepted for (a step is used once); the
    one-time recovery codes (恢复码) left, as their SHA-256 digests. Unconfirmed (``confirmed_at`` none) while the
    user enrols: it counts once one code has confirmed it."""

    __tablename__ = "second_factor"

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int | None] = mapped_column(  # type: ignore[assignment]  # the platform's own: none
        sa.ForeignKey("tenant.id"), index=True, nullable=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"), unique=True)
    secret_encrypted: Mapped[str] = mapped_column(sa.Text)
    last_step: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    recovery_digests: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    confirmed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class IdentityLink(TenantOwned, Model):
    """A person of the identity platform (统一身份认证账号) linked to a user by an administrator: the provider's
    ``issuer`` and the person's key there, ``subject`` (the ``sub`` claim, or the keyed digest of a configured stable
    claim such as the 身份证号, never the claim itself). One link per (issuer, subject) in the whole deployment."""

    __tablename__ = "identity_link"
    __table_args__ = (sa.UniqueConstraint("issuer", "subject", name="uq_identity_link_issuer_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int | None] = mapped_column(  # type: ignore[assignment]  # the platform's own: none
        sa.ForeignKey("tenant.id"), index=True, nullable=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"), index=True)
    issuer: Mapped[str] = mapped_column(sa.String(255))
    subject: Mapped[str] = mapped_column(sa.String(255))
    linked_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    linked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class LinkCode(Model):
    """A one-time link code (关联码), only its digest kept, used once and until it expires. Of two kinds:

    - shown to a person the identity platform signed in but no user is linked to (``issuer``, ``subject``: the
      identity it links), until an administrator enters it on a user's page (24 h);
    - issued by an administrator for an account made without a password (``user_id``: 账号关联码, on the hand-out
      sheet), until the person, signed in by the identity platform, enters it.

    No department's row: the person is nobody's yet."""

    __tablename__ = "identity_link_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    issuer: Mapped[str | None] = mapped_column(sa.String(255))
    subject: Mapped[str | None] = mapped_column(sa.String(255))
    #: The account an administrator issued the code for (none for a code shown to a person of the provider).
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"), index=True)
    #: Wrong account link codes entered by the person this code was shown to: too many spend it (sign in again).
    failures: Mapped[int] = mapped_column(default=0, server_default="0")
    #: The person's name as the provider gave it, shown to the administrator who links.
    name: Mapped[str] = mapped_column(sa.String(100), default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
