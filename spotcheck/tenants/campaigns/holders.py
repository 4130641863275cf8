"""A business's own row of a draw (抽取对象本户核验): where a drawn target draw's frame held the business — each cell
with its stratum, its rank and the cell's size, and where it stands after the replacements (抽中、备选、未抽中、被替换、
递补) — or why the draw left it out before the freeze; with a version 3 draw's salt (盐值), given to the business alone,
so that it checks its row against the published proof itself (DRAW-SPEC "The holder's check").

Worked out once a draw and business, when the business first asks, from the draw's key, frame and clear file — the
reading audited in the department's trail (``draw.holder_read``) — and kept (:class:`~.models.HolderRow`); where the
business stands after later replacements is read from the proof each time. The draws asked are those of the
departments whose directory holds the business (one statement), and the joint draws they take part in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import sqlalchemy as sa

from spotcheck.core import audit, personal_data
from spotcheck.core.actor import Actor
from spotcheck.core.database import db
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.draw import blinding, disclosure, native
from spotcheck.draw.primitives import rank_keys_bytes
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns import draws
from spotcheck.tenants.campaigns.models import Campaign, Draw, DrawKind, HolderRow
from spotcheck.tenants.directory.models import DirectoryEntry, Entity

#: Why the holders' look-up reads across departments (the scope's reason, as the audit trail names it).
REASON = "a business's own rows of the draws of the departments whose directory holds it"


@dataclass(frozen=True)
class HeldCell:
    """A cell of the frame holding the business: its group (the department's code), stratum, rank (1 = first by the
    draw's order) out of ``size``, and where it stands after the replacements, in DRAW-SPEC's words."""

    group: str
    stratum: str
    rank: int
    size: int
    status: str


@dataclass(frozen=True)
class Holding:
    """A business's row of one drawn target draw: the id the proof holds for it, its salt (hex; version 3 only), the
    cells holding it — none when the draw left it out before the freeze (``excluded``: why)."""

    draw: Draw
    public_id: str
    salt: str | None
    cells: list[HeldCell]
    excluded: str | None


def draws_of(entity_id: int) -> list[Draw]:
    """The drawn target draws whose frame could hold entity ``entity_id``: those of the departments whose directory
    holds it, and the joint draws those departments take part in; oldest first."""
    with system_access(REASON):
        departments = sa.select(DirectoryEntry.tenant_id).where(DirectoryEntry.entity_id == entity_id)
        own = sa.select(Campaign.id).where(Campaign.tenant_id.in_(departments), Campaign.joint_id.is_(None))
        joint = sa.select(Campaign.joint_id).where(Campaign.tenant_id.in_(departments), Campaign.joint_id.is_not(None))
        return list(
            db.session.scalars(
                sa.select(Draw)
                .where(
                    Draw.kind == DrawKind.targets,
                    Draw.drawn_at.is_not(None),
                    sa.or_(Draw.campaign_id.in_(own), Draw.campaign_id.in_(joint)),
                )
                .order_by(Draw.drawn_at, Draw.id)
            )
        )


def target_draw(campaign_id: int) -> Draw | None:
    """The drawn target draw of campaign ``campaign_id`` (a joint campaign's: the joint one), whichever department
    keeps it; None for a check no target draw made."""
    with system_access(REASON):
        return db.session.scalar(
            sa.select(Draw).where(
                Draw.campaign_id == campaign_id, Draw.kind == DrawKind.targets, Draw.drawn_at.is_not(None)
            )
        )


def named_in(found: list[Holding]) -> tuple[dict[int, Campaign], dict[str, Tenant]]:
    """What the rows are read beside: their draws' campaigns by id, and the departments of their groups (and of the
    campaigns) by code — two statements, public columns only."""
    with system_access(REASON):
        campaigns = {
            c.id: c
            for c in db.session.scalars(sa.select(Campaign).where(Campaign.id.in_({h.draw.campaign_id for h in found})))
        }
        groups = {c.group for h in found for c in h.cells} | {c.tenant_code for c in campaigns.values()}
        departments = {t.code: t for t in db.session.scalars(sa.select(Tenant).where(Tenant.code.in_(groups)))}
    return campaigns, departments


def holding(record: Draw, entity: Entity, *, actor: Actor | None, reader: str) -> Holding | None:
    """The business's row of drawn target draw ``record`` (None: the draw neither held it nor left it out), worked out
    and kept the first time, that reading audited in the draw's department's trail (``reader``: who asked, and
    how). Call it inside a command."""
    with tenant_scope(record.tenant_id):
        kept = db.session.scalar(
            sa.select(HolderRow).where(HolderRow.draw_id == record.id, HolderRow.entity_id == entity.id)
        )
        if kept is None:
            kept = _work_out(record, entity)
            audit.record(
                "draw.holder_read",
                "campaign",
                record.campaign_id,
                actor=actor,
                details={"entity": entity.code, "reader": reader, "in_frame": bool(kept.cells)},
            )
        return _held(record, kept)


def _work_out(record: Draw, entity: Entity) -> HolderRow:
    """Find the business in the draw's frame (its token's lines, or its code's before version 3) and rank it in
    each cell holding it; else look for it among the exclusions of the clear file (version 3)."""
    proof = cast(dict[str, Any], record.proof)
    key = draws.blind_key(record) if record.blinded else None
    salt = blinding.salt(key, record.kind.value, entity.code) if key is not None else None
    public_id = blinding.token_of(salt, entity.code) if salt is not None else entity.code
    seed = bytes.fromhex(proof["seed"])
    cells = [
        [group, stratum, _rank(seed, block, separator, public_id), block.count(separator) + 1]
        for group, stratum, block, separator in _cells_holding(draws.frame_of(record), public_id)
    ]
    excluded = None
    if not cells and record.blinded:
        left_out = draws.read_clear(record).get("excluded") or []
        excluded = next((why for code, why in left_out if code == entity.code), None)
    row = HolderRow(
        tenant_id=record.tenant_id,
        draw_id=record.id,
        entity_id=entity.id,
        public_id=public_id,
        salt_encrypted=personal_data.encrypt(salt.hex()) if salt is not None else None,
        cells=cells,
        excluded=excluded,
    )
    db.session.add(row)
    db.session.flush()
    return row


def _cells_holding(frame: bytes, public_id: str) -> list[tuple[str, str, bytes, bytes]]:
    """The cells of frame file ``frame`` holding ``public_id`` (a cell's lines are ``group\tstratum\tid``, one
    stretch of the sorted file), each as ``(group, stratum, ids, separator)``: its ids joined by the separator (a
    newline and the cell's ``group\tstratum\t``), as the ranking reads them — nothing else is split."""
    wanted = b"\t" + public_id.encode("utf-8") + b"\n"
    found = []
    position = frame.find(wanted)
    while position >= 0:
        line_start = frame.rfind(b"\n", 0, position) + 1
        group, stratum = frame[line_start:position].decode("utf-8").split("\t")
        prefix = f"{group}\t{stratum}\t".encode()
        start = 0 if frame.startswith(prefix) else frame.find(b"\n" + prefix) + 1
        last = frame.rfind(b"\n" + prefix) + 1
        found.append(
            (group, stratum, frame[start + len(prefix) : frame.index(b"\n", max(last, start))], b"\n" + prefix)
        )
        position = frame.find(wanted, position + 1)
    return found


def _rank(seed: bytes, ids: bytes, separator: bytes, public_id: str) -> int:
    """The rank of ``public_id`` among a cell's ``ids`` by ``(K, id)``, as the draw ranked them: in C where built
    (:func:`spotcheck.draw.native.pick` gives the keys up to its own), else as the holder's check ranks it."""
    if not native.BUILT:
        return disclosure.rank_in_cell(seed.hex(), [i.decode("utf-8") for i in ids.split(separator)], public_id)
    mine = (rank_keys_bytes(seed, b"target|")(public_id.encode("utf-8")), public_id.encode("utf-8"))
    _clean, _first, _last, below = native.pick(seed, b"target|", ids, separator, mine[0] + b"\x00")
    return 1 + sum(1 for pair in below if pair < mine)


def _held(record: Draw, kept: HolderRow) -> Holding | None:
    if not kept.cells and kept.excluded is None:
        return None
    proof = cast(dict[str, Any], record.proof)
    return Holding(
        draw=record,
        public_id=kept.public_id,
        salt=personal_data.decrypt(kept.salt_encrypted) if kept.salt_encrypted else None,
        cells=[
            HeldCell(group, stratum, rank, size, disclosure.holder_status(proof, group, stratum, kept.public_id))
            for group, stratum, rank, size in kept.cells
        ],
        excluded=kept.excluded,
    )
