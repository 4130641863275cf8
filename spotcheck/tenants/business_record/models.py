"""档案变更戳 (``record_stamp``): a counter per thing a business's record (企业检查档案) is read from — a visit, a
campaign, a business, the rules and names every record reads — added to by the database's triggers whenever it
changes, whoever writes it (migration 0072 lists what stamps which). No department's row, nothing personal: read
with the record's look-up (:mod:`.lookup`), never written by the application."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from spotcheck.core.database import Model


class RecordStamp(Model):
    """A stamp (变更戳): ``kind`` (visit, campaign, entity, department, global) and ``key`` (its id; 0 for global),
    and the moment of its last change (``serial``, microseconds; one more where the clock has not moved on)."""

    __tablename__ = "record_stamp"

    kind: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    key: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    serial: Mapped[int] = mapped_column(sa.BigInteger)
