"""Old proofs withdrawn from public view (隐去明细的证明), DRAW-SPEC "A redacted proof".

A version 1 or 2 proof (drawn before blinding, ``spotcheck-draw/1`` or ``/2``) names each business by its
统一社会信用代码 beside its stratum — a risk class, or the flagged stratum, which for a business on neither public list
can only mean a complaint (投诉举报) or a penalty — and an inspector proof's ``X`` lines name who declared a conflict
with which business (the visit is the business's code). Such a proof is withdrawn: the public reads the redacted proof
(its commitment, nonce, frame digest, inputs and seed, which a verifier still checks, the counts per stratum, and the
SHA-256 of the original), the department and its supervising bureau the full one.

**Which proofs stay whole** (:func:`public_fact`, the one rule; docs/draw-algorithm.md §6c):

- a stratum of a department's frame is a public fact when it is that frame's **only** stratum and a risk class (every
  candidate of the department in the same class: the stratum sets no business apart), or when it is the flagged
  stratum of a frame that holds only businesses on a legal list (经营异常名录 or 严重违法失信名单,
  :data:`~spotcheck.tenants.campaigns.vocabulary.PUBLIC_FACT_FLAGS`: being flagged is then what the public list says);
- a frame that holds only businesses with a complaint or a penalty (the campaign's filter) names each as such, whatever
  its strata;
- an inspector proof with any ``X`` line is withdrawn; one without stays whole (its visits are the drawn targets, its
  teams the published teams).

A target proof stays whole when every stratum of every department is a public fact and no department's frame is
limited to a flag that is not. Withdrawing is audited in the department's trail (``draw.redacted``); it happens at
``spotcheck db upgrade`` (``spotcheck draws redact``, :mod:`.commands.redaction`), and at once when a draw frozen
before blinding is drawn afterwards (:func:`withdraw_if_revealing`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any, cast

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import defer

from spotcheck.core import audit
from spotcheck.core.actor import Actor
from spotcheck.core.clock import now
from spotcheck.core.database import db
from spotcheck.draw import proof_file
from spotcheck.tenants.campaigns.draws import frame_of, published_bytes
from spotcheck.tenants.campaigns.models import Campaign, Draw
from spotcheck.tenants.campaigns.vocabulary import FLAGGED, PUBLIC_FACT_FLAGS, RISK_STRATA, DrawKind
from spotcheck.tenants.common.vocabulary import DRAW_KIND, ENTITY_FLAG, stratum_label

#: The fields of a proof that a redacted proof keeps as they are (DRAW-SPEC "A redacted proof").
KEPT = ("algorithm", "kind", "campaign", "commitment", "nonce", "frame_digest", "public_inputs", "seed")

#: The rule, in the words the dry run and the pages say it.
RULE = _l(
    "A proof drawn before blinding stays whole only when its strata are public facts: a department's frame with one "
    "risk class only (it sets no business apart), or a flagged stratum holding only businesses on the abnormal "
    "operations list or the serious violation list (public lists). A frame limited to businesses with complaints or "
    "a penalty, a department's several risk classes, a flagged stratum, and an inspector proof's recusal lines (X) "
    "are withdrawn: the public reads the redacted proof, the department and its bureau the full one."
)


def public_fact(stratum: str, strata: Collection[str], target_filter: dict | None) -> bool:
    """Whether ``stratum`` of a department's frame (whose strata are ``strata``, under ``target_filter``) says nothing
    of a business that is not public: the frame's only stratum, a risk class; or the flagged stratum of a frame that
    holds only businesses on a legal list (:data:`PUBLIC_FACT_FLAGS`)."""
    if stratum == FLAGGED:
        return bool(set((target_filter or {}).get("flags") or ()) & set(PUBLIC_FACT_FLAGS))
    return stratum in RISK_STRATA and len(strata) == 1


def private_flags(target_filter: dict | None) -> list[str]:
    """The flags a frame is limited to that are not public facts (a complaint, a penalty): such a frame names each of
    its businesses as having one."""
    return [flag for flag in (target_filter or {}).get("flags") or () if flag not in PUBLIC_FACT_FLAGS]


@dataclass(frozen=True)
class Finding:
    """What an old proof reveals, and so whether it is withdrawn: per department (group code), the strata that name
    a business's class or flag and the flags its frame is limited to; the number of recusal lines (``X``)."""

    record: Draw
    campaign: Campaign
    strata: dict[str, list[str]] = field(default_factory=dict)
    flags: dict[str, list[str]] = field(default_factory=dict)
    recusals: int = 0

    @property
    def withdrawn(self) -> bool:
        return bool(self.strata or self.flags or self.recusals)

    @property
    def kind_label(self) -> str:
        return str(DRAW_KIND[self.record.kind.value])

    @property
    def algorithm(self) -> str:
        return str(cast(dict, self.record.proof)["algorithm"])

    def why(self) -> list[str]:
        """Why it is withdrawn (empty: it stays whole), one line a department or the recusals, in the reader's
        language."""
        names = department_names(self.campaign)
        lines = [
            str(
                _l(
                    "%(department)s: its strata %(strata)s name each business's risk class or flag",
                    department=names.get(group, group),
                    strata="、".join(stratum_label(s) for s in strata),
                )
            )
            for group, strata in self.strata.items()
        ]
        lines += [
            str(
                _l(
                    "%(department)s: its frame holds only businesses with %(flags)s, and so names each as such",
                    department=names.get(group, group),
                    flags="、".join(str(ENTITY_FLAG.get(f, f)) for f in flags),
                )
            )
            for group, flags in self.flags.items()
        ]
        if self.recusals:
            lines.append(
                str(
                    _l(
                        "%(n)d recusal lines (X) name who declared a conflict with which business",
                        n=self.recusals,
                    )
                )
            )
        return lines

    def kept_because(self) -> str:
        """Why it stays whole, in the reader's language."""
        if self.record.kind == DrawKind.inspectors:
            return str(_l("no recusal line (X): its visits and teams are the published ones"))
        return str(
            _l(
                "every department's strata are public facts: one risk class, or the legal lists only (%(lists)s)",
                lists="、".join(str(ENTITY_FLAG[f]) for f in PUBLIC_FACT_FLAGS),
            )
        )

    def details(self) -> dict[str, Any]:
        """The audit entry's details (``draw.redacted``)."""
        details: dict[str, Any] = {
            "kind": self.record.kind.value,
            "algorithm": self.algorithm,
            "original_sha256": self.record.proof_sha256,
        }
        if self.strata:
            details["revealing_strata"] = self.strata
        if self.flags:
            details["limited_to"] = self.flags
        if self.recusals:
            details["recusals"] = self.recusals
        return details


def department_names(campaign: Campaign) -> dict[str, str]:
    """The departments of a campaign's frame by group code (a joint campaign's parts as approved)."""
    if campaign.joint:
        return {group: str(part.get("name") or group) for group, part in (campaign.joint_parts or {}).items()}
    return {campaign.tenant_code: campaign.tenant.full_name}


def _filters(campaign: Campaign) -> dict[str, dict]:
    """Each department's filter of the frame (a joint campaign's parts as approved)."""
    if campaign.joint:
        return {group: part.get("target_filter") or {} for group, part in (campaign.joint_parts or {}).items()}
    return {campaign.tenant_code: campaign.target_filter or {}}


def examine(record: Draw, campaign: Campaign) -> Finding:
    """What the drawn proof of ``record`` (version 1 or 2) reveals (:func:`public_fact`)."""
    if record.kind == DrawKind.inspectors:
        recusals = sum(1 for line in frame_of(record).split(b"\n") if line.startswith(b"X\t"))
        return Finding(record, campaign, recusals=recusals)
    filters = _filters(campaign)
    strata = {
        group: [s for s in sorted(cells) if not public_fact(s, cells, filters.get(group))]
        for group, cells in (record.counts or {}).items()
    }
    flags = {group: private_flags(found) for group, found in filters.items()}
    return Finding(
        record,
        campaign,
        strata={group: found for group, found in strata.items() if found},
        flags={group: found for group, found in flags.items() if found},
    )


def old_proofs() -> list[Finding]:
    """The proofs of the current department drawn before blinding and still served whole, each examined; campaigns in
    the order they were approved, targets before inspectors."""
    rows = db.session.execute(
        sa.select(Draw, Campaign)
        .join(Campaign, Campaign.id == Draw.campaign_id)
        .where(Draw.drawn_at.is_not(None), Draw.blind_commitment.is_(None), Draw.redacted_at.is_(None))
        .options(defer(Draw.nonce_encrypted), defer(Draw.frame_file))
        .order_by(Campaign.approved_at, Campaign.id, Draw.kind)
    ).all()
    return [examine(record, campaign) for record, campaign in rows]


def withdraw(found: Finding, *, actor: Actor) -> None:
    """Withdraw the proof from public view, audited in the department's trail (part of a command)."""
    found.record.redacted_at = now()
    audit.record("draw.redacted", "campaign", found.campaign.id, actor=actor, details=found.details())


def withdraw_if_revealing(campaign: Campaign, record: Draw, *, actor: Actor) -> None:
    """A draw frozen before blinding and drawn now (version 1, or 2 for inspectors): its proof is withdrawn at once
    when it reveals what :func:`examine` finds (a step of the commands that draw); a blinded draw has nothing to
    withdraw."""
    if record.blinded or record.redacted_at is not None:
        return
    found = examine(record, campaign)
    if found.withdrawn:
        withdraw(found, actor=actor)


def counts(record: Draw) -> dict[str, dict[str, int]]:
    """The counts of a redacted proof: ``{group: {stratum: M}}`` of a target frame (as frozen); of an inspector frame,
    per department its visits (``V`` lines) and its pool (``P`` lines)."""
    if record.kind == DrawKind.targets:
        return {group: dict(cells) for group, cells in (record.counts or {}).items()}
    tally: Counter[tuple[str, str]] = Counter()
    for line in frame_of(record).decode("utf-8").splitlines():
        fields = line.split("\t")
        if fields[0] == "V":
            tally[(fields[2], "visits")] += 1
        elif fields[0] == "P":
            tally[(fields[1], "pool")] += 1
    found: dict[str, dict[str, int]] = {}
    for (group, what), n in sorted(tally.items()):
        found.setdefault(group, {})[what] = n
    return found


def redacted_proof(record: Draw) -> dict[str, Any]:
    """The redacted proof of a drawn draw (DRAW-SPEC "A redacted proof"): its original's SHA-256 is the SHA-256 of the
    full proof file as it stands (after any replacement)."""
    proof = cast(dict[str, Any], record.proof)  # drawn
    return {
        **{name: proof[name] for name in KEPT},
        "redacted": True,
        "original_sha256": record.proof_sha256,
        "counts": counts(record),
    }


def public_file(record: Draw) -> bytes:
    """The proof file the public downloads: the redacted proof of a withdrawn proof, else the proof as published."""
    if record.redacted_at is not None:
        return proof_file.dumps(redacted_proof(record))
    return published_bytes(record)
