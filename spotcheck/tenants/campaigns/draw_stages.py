"""A campaign's draws and how far each has gone (抽取进度): committed (承诺), its frame frozen (冻结), drawn
(抽取) — the stored draw of a kind, and the stage read from it or from the public page's copy of it."""

from __future__ import annotations

from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.orm import defer

from spotcheck.core.database import db
from spotcheck.tenants.campaigns.models import Campaign, Draw
from spotcheck.tenants.campaigns.vocabulary import DrawKind


def draw_of(campaign: Campaign, kind: str, *, for_update: bool = False) -> Draw | None:
    """The campaign's draw of ``kind`` (``None`` before it is committed); ``for_update`` locks its row. Its capped
    list is read when asked for: the steps of a draw, which ask for the draw several times, never read it, and a
    province's frame leaves out a hundred thousand businesses."""
    query = (
        sa.select(Draw)
        .where(Draw.campaign_id == campaign.id, Draw.kind == DrawKind(kind))
        .options(defer(Draw.capped_stored))
    )
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(query)


class _Staged(Protocol):
    """A draw as its stage is read from it: the stored row, or the public page's copy."""

    @property
    def drawn_at(self) -> object: ...
    @property
    def frozen_at(self) -> object: ...


def stage(record: _Staged | None) -> str | None:
    """``committed``, ``frozen`` or ``drawn`` (``None``: not committed)."""
    if record is None:
        return None
    if record.drawn_at is not None:
        return "drawn"
    return "frozen" if record.frozen_at is not None else "committed"
