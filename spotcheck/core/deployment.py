"""This deployment's own record (部署记录), one row: an identity made when its database is first upgraded — answered
at ``/healthz/deployment``, so that ``spotcheck check`` can tell that ``SPOTCHECK_PUBLIC_BASE_URL`` (the address every
QR code carries) reaches this deployment and not another — and the check value of the data key its protected values
are under (:mod:`spotcheck.core.personal_data`), kept by ``spotcheck keys adopt`` and ``rotate``."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from spotcheck.core.clock import now
from spotcheck.core.database import Model, db

#: Where a session keeps the row's check value once read (a key changes only by a command that ends the session's work).
_CHECK = "spotcheck_data_key_check"


class Deployment(Model):
    """The deployment's record: always the row of id 1."""

    __tablename__ = "deployment"

    id: Mapped[int] = mapped_column(primary_key=True)
    identity: Mapped[str] = mapped_column(sa.String(64))
    #: The check value of the data key the protected values are under (empty: not recorded yet).
    data_key_check: Mapped[str] = mapped_column(sa.String(64), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now, server_default=sa.func.now())


def record() -> Deployment | None:
    return db.session.get(Deployment, 1)


def identity() -> str | None:
    """The deployment's identity (None before the database is upgraded)."""
    found = record()
    return found.identity if found is not None else None


def recorded_check() -> str:
    """The check value of the data key the values are under, read once a session ("" when none is recorded)."""
    info = db.session.info
    if _CHECK not in info:
        info[_CHECK] = db.session.scalar(sa.select(Deployment.data_key_check).where(Deployment.id == 1)) or ""
    return str(info[_CHECK])


def forget_check() -> None:
    """The key's check value changed (a rotation): the session reads it again."""
    db.session.info.pop(_CHECK, None)
