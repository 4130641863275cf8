"""A business's own rows of the draws (本户抽取核验): for every drawn target draw whose frame held the business — any
department's, at any level, joint or not — the department, its stratum in words (to it alone), its rank and the
cell's size, where it stands (抽中、备选第 n 位、未抽中、被替换及原因、递补抽中) and, for a blinded draw, its
salt (盐值), with which it checks its own row against the published proof in its browser (DRAW-SPEC "The holder's
check"); and the draws that left it out before the freeze, with the reason. Read by the signed-in business
(``/business``), and by the holder of a notice's 企业核验码 on its code's page, for that check's draw alone.

Working a row out reads the draw's key and clear file, in the commands that give it (:mod:`.commands`), the first
reading for a business and draw audited in the department's trail (:mod:`spotcheck.tenants.campaigns.holders`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from flask_babel import gettext as _

from spotcheck.draw import disclosure
from spotcheck.tenants.campaigns import holders
from spotcheck.tenants.common.vocabulary import FRAME_EXCLUSION, department_stratum_label

#: Who reads a row, as the department's trail says it (in the words its audit page shows).
SIGNED_IN, CODE_HOLDER = "企业本身（登录企业账户）", "检查通知书企业核验码的持有人"


@dataclass(frozen=True)
class OwnCell:
    """A cell of a draw's frame holding the business, in words: the department (group), the stratum, the rank out of
    the cell's size, and where the business stands (``status``: DRAW-SPEC's words; ``status_label``: in Chinese)."""

    group: str
    department: str
    stratum: str
    stratum_label: str
    rank: int
    size: int
    status: str
    status_label: str


@dataclass(frozen=True)
class OwnDraw:
    """One draw of the business's own: its campaign, when it was drawn, whether it is blinded (version 3), the id its
    proof holds for the business and its salt (blinded draws only), its cells — or why it was left out."""

    campaign_id: int  # the public page's (a joint draw's: the joint campaign's)
    campaign_code: str
    campaign_title: str
    departments: str
    drawn_at: datetime
    blinded: bool
    credit_code: str  # the business's (its id in the draw)
    public_id: str
    salt: str | None
    cells: list[OwnCell]
    excluded: str | None
    excluded_label: str | None


def worded(found: list[holders.Holding], credit_code: str) -> list[OwnDraw]:
    """The rows in words: departments by their groups' codes, strata in each department's words (one read)."""
    campaigns, departments = holders.named_in(found)
    drawn = []
    for held in found:
        campaign = campaigns[held.draw.campaign_id]
        cells = [
            OwnCell(
                group=cell.group,
                department=departments[cell.group].name if cell.group in departments else cell.group,
                stratum=cell.stratum,
                stratum_label=department_stratum_label(cell.stratum, department=departments.get(cell.group)),
                rank=cell.rank,
                size=cell.size,
                status=cell.status,
                status_label=status_label(cell.status),
            )
            for cell in held.cells
        ]
        names = list(dict.fromkeys(c.department for c in cells)) or [
            departments[campaign.tenant_code].name if campaign.tenant_code in departments else ""
        ]
        drawn.append(
            OwnDraw(
                campaign_id=campaign.id,
                campaign_code=campaign.code or "",
                campaign_title=campaign.title,
                departments="、".join(names),
                drawn_at=cast(datetime, held.draw.drawn_at),
                blinded=held.draw.blinded,
                credit_code=credit_code,
                public_id=held.public_id,
                salt=held.salt,
                cells=cells,
                excluded=held.excluded,
                excluded_label=str(FRAME_EXCLUSION.get(held.excluded, held.excluded)) if held.excluded else None,
            )
        )
    return drawn


def status_label(status: str) -> str:
    """Where a business stands in a cell, in Chinese: 抽中, 备选第 n 位, 未抽中, 被替换（reason）, 递补抽中 (never
    the token it replaced: another business's)."""
    if status == disclosure.SELECTED:
        return _("Selected")
    if status == disclosure.NOT_DRAWN:
        return _("Not drawn")
    if status.startswith("reserve "):
        return _("Reserve, position %(n)s", n=status.removeprefix("reserve "))
    if status.startswith("replaced out: "):
        return _("Replaced out (%(reason)s)", reason=status.removeprefix("replaced out: "))
    return _("Brought in as a replacement")
