"""The steps of a draw (抽取步骤), DRAW-SPEC "Sequence": commit → freeze → inputs → draw → reveal.

The steps the ceremony's commands (:mod:`spotcheck.tenants.campaigns.commands.ceremony`) and the
joint campaigns' draws share: committing, freezing a frame, taking the observers' inputs,
finishing a draw and storing its proof, the drawn targets and the teams. None of them checks
permissions or the campaign's state: the commands calling them do.

A target's status (检查对象状态: selected, reserve, replaced) is written here and nowhere else: as the draw
stored it, as a named campaign registered it (:func:`add_selected`) and as a replacement changed it
(:func:`replace_target`).
"""

from __future__ import annotations

import copy
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.attributes import set_committed_value

from spotcheck import draw as engine
from spotcheck.core import audit, bulk, personal_data, statistics
from spotcheck.core.actor import Actor
from spotcheck.core.clock import iso_utc, now
from spotcheck.core.database import changed, db, in_chunks, stored_bytes
from spotcheck.core.errors import ConflictError, InvalidInputError, NotFoundError
from spotcheck.draw import (
    blinding,
    disclosure,
    parallel,
    proof_file,
    target_frames,
    token_frames,
    versions as engine_versions,
)
from spotcheck.tenants.campaigns import capped_store, clear_store, frames
from spotcheck.tenants.campaigns.draw_stages import draw_of
from spotcheck.tenants.campaigns.models import Campaign, CampaignTarget, Draw, TeamMember
from spotcheck.tenants.campaigns.vocabulary import (
    DEFAULT_LEADER_RULE,
    LEADER_RULES,
    MAX_INPUT_LENGTH,
    MAX_INPUTS,
    REASON_MAX,
    REASON_MIN,
    DrawKind,
    TargetStatus,
)
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.inspectors.models import Inspector


def commit_draw(campaign: Campaign, kind: str, *, actor: Actor) -> Draw:
    """Step 1: a fresh 32-byte nonce; its hash (the commitment) is published now. Part of the
    commands :func:`~spotcheck.tenants.campaigns.commands.drafting.approve` (targets) and
    :func:`~spotcheck.tenants.campaigns.commands.ceremony.draw_targets` (the inspector draw is
    committed when the targets are drawn)."""
    if draw_of(campaign, kind) is not None:
        raise ConflictError(_l("This draw is already committed."))
    nonce = engine.new_nonce()
    record = Draw(
        campaign_id=campaign.id,
        kind=DrawKind(kind),
        nonce_encrypted=personal_data.encrypt(nonce.hex()),
        commitment=engine.commitment(nonce),
    )
    _new_blind_key(record)
    db.session.add(record)
    db.session.flush()
    audit.record(
        "draw.committed",
        "campaign",
        campaign.id,
        actor=actor,
        details={"kind": kind, "commitment": record.commitment, "blind_commitment": record.blind_commitment},
    )
    return record


def _new_blind_key(record: Draw) -> None:
    """A fresh blinding key (盲化密钥) for a version 3 draw, kept as the nonce is; its hash published."""
    key = blinding.new_blind_key()
    record.blind_key_encrypted = personal_data.encrypt(key.hex())
    record.blind_commitment = blinding.blind_commitment(key)


def blind_key(record: Draw) -> bytes:
    return bytes.fromhex(personal_data.decrypt(cast(str, record.blind_key_encrypted)))


def public_id(record: Draw, code: str) -> str:
    """A business's id as the draw's proof holds it: its token in a version 3 draw, its code before."""
    return blinding.token(blind_key(record), record.kind.value, code) if record.blinded else code


def codes_of(record: Draw, ids: Iterable[str]) -> dict[str, str]:
    """The codes of a proof's ids (tokens in a version 3 draw, found by blinding the clear frame's ids; codes
    before): id → code, for those of ``ids`` in the frame."""
    wanted = set(ids)
    if not record.blinded:
        return {code: code for code in wanted}
    return clear_tokens(record, wanted)


def clear_tokens(record: Draw, wanted: set[str] | None = None) -> dict[str, str]:
    """token → code for the businesses of a version 3 draw's clear frame (its visits, for an inspector draw); with
    ``wanted``, for those tokens only. A target frame kept in token order (:mod:`.clear_store`) gives them by a look-up
    of each cell's kept tokens; one kept before is blinded again cell by cell as the clear file holds it (stretches of
    bytes, on two cores: a million in a fraction of a second), never split into lines first."""
    clear = read_clear(record)
    kind, key = record.kind.value, blind_key(record)
    if kind != "targets":
        lines = clear["frame_file"].splitlines()
        visits = sorted({line.split("\t")[1] for line in lines if line[:2] in ("V\t", "X\t")})
        return blinding.token_map(key, kind, visits, wanted)
    found: dict[str, str] = {}
    if clear.token_order:
        for (group, stratum), made in token_frames.unpack(stored_frame(record)):
            codes = clear.codes_in(group, stratum)
            if wanted is None:
                found.update(zip(token_frames.hex_tokens(made), codes, strict=True))
            else:
                found.update(clear_store.codes_of_tokens(made, codes, sorted(wanted)))
        return found
    for _cell, block, separator, count in target_frames.frame_blocks(clear["frame_file"].encode("utf-8")):
        tokens = blinding.tokens_in_two(key, kind, block, separator, count).decode("ascii").split("\n")
        pairs = zip(tokens, block.split(separator), strict=True)
        found.update((t, code.decode("utf-8")) for t, code in pairs if wanted is None or t in wanted)
    return found


def read_clear(record: Draw) -> clear_store.ClearFile:
    """The clear file as kept (``["frame_file"]``: the clear frame's lines; ``["excluded"]``: ``[code, reason]``
    pairs), sealed (:mod:`.clear_store`) or, frozen before, Fernet over JSON: the one reader of both, for every reader
    of a draw's clear file (the department's pages, a business's own row, the bureau's check); unaudited — whoever
    reads it audits the reading."""
    for column in ("clear_sealed", "clear_encrypted"):
        if column in sa.inspect(record).unloaded:
            set_committed_value(
                record, column, db.session.scalar(sa.select(getattr(Draw, column)).where(Draw.id == record.id))
            )
    kept = record.clear_sealed if record.clear_sealed is not None else record.clear_encrypted
    known = getattr(record, "_clear_read", None)
    if known is not None and known[0] is kept:  # read once a record (the draw reads it twice)
        return cast(clear_store.ClearFile, known[1])
    if record.clear_sealed is not None:
        clear = clear_store.opened(record.clear_sealed)
    else:
        clear = clear_store.from_json(personal_data.decrypt(cast(str, record.clear_encrypted)), record.kind.value)
    record._clear_read = (kept, clear)  # type: ignore[attr-defined]  # not a column: this process's
    return clear


def clear_file(record: Draw, *, actor: Actor, reader: str) -> bytes:
    """The clear file of DRAW-SPEC (``frame`` or ``frame_lines``, and ``excluded``) for the department's own page, the
    reading audited (``reader``: who reads it and why)."""
    content = clear_content(record)
    audit.record(
        "draw.clear_read",
        "campaign",
        record.campaign_id,
        actor=actor,
        details={"kind": record.kind.value, "reader": reader},
    )
    frame = content["frame"] if "frame" in content else content["frame_lines"]
    return disclosure.clear_file(record.kind.value, frame, content.get("excluded"))


def clear_content(record: Draw) -> dict[str, Any]:
    """What the clear file holds (:func:`spotcheck.draw.disclosure.clear_content`), unaudited: whoever reads it
    audits the reading (:func:`clear_file`; the bureau's check,
    :mod:`spotcheck.tenants.supervision.commands.draw_checks`)."""
    clear = read_clear(record)
    kind = record.kind.value
    lines = clear["frame_file"].splitlines()
    frame = [line.split("\t") for line in lines] if kind == "targets" else lines
    return disclosure.clear_content(kind, frame, clear.get("excluded") or [])


def clear_part(record: Draw, groups: Iterable[str]) -> dict[str, Any]:
    """The rows of a joint draw's clear frame that ``groups`` (departments) hold
    (:func:`spotcheck.draw.disclosure.rows_of`) with the salt of each id in them, made here from the key, which stays
    here: what a bureau other than the lead's checks (:func:`spotcheck.draw.disclosure.part_checks`). Unaudited: the
    check audits its reading."""
    part, key, kind = disclosure.rows_of(clear_content(record), groups), blind_key(record), record.kind.value
    part["salts"] = {identifier: blinding.salt(key, kind, identifier).hex() for identifier in part.pop("ids")}
    return part


def selection_in_clear(record: Draw, proof: dict) -> dict:
    """A target proof's ``selected`` and ``reserves`` with each id's code (a version 3 proof's tokens found in its
    clear frame: in a frame kept in token order, each cell's by a look-up of its own tokens), as :func:`store_targets`
    writes them."""
    fields = ("selected", "reserves")
    wanted: dict[tuple[str, str], list[str]] = {}
    for field in fields:
        for group, strata in proof[field].items():
            for stratum, ids in strata.items():
                wanted.setdefault((group, stratum), []).extend(ids)
    if record.blinded and token_frames.is_packed(stored_frame(record)) and read_clear(record).token_order:
        clear, codes = read_clear(record), {}
        for cell, made in token_frames.unpack(stored_frame(record)):
            if cell in wanted:
                codes.update(clear_store.codes_of_tokens(made, clear.codes_in(*cell), sorted(wanted[cell])))
    else:
        codes = codes_of(record, [i for ids in wanted.values() for i in ids])
    return {
        field: {
            group: {stratum: [codes[i] for i in v] for stratum, v in strata.items()}
            for group, strata in proof[field].items()
        }
        for field in fields
    }


def teams_in_clear(record: Draw, teams: dict[str, list[str]]) -> dict[str, list[str]]:
    """An inspector proof's teams by each visit's code (a version 3 proof's tokens found in its clear frame)."""
    codes = codes_of(record, teams)
    return {codes[visit]: team for visit, team in teams.items()}


def draw_teams(record: Draw, campaign: Campaign, inputs: list[str], *, per_group_min: int) -> dict:
    """The inspector draw over the frozen frame (version 3 over its blinded lines; version 2 for a draw frozen before
    blinding): the proof without its frame (the frame file is), or ConflictError naming the business whose team
    cannot be formed."""
    algorithm = blinding.ALGORITHM if record.blinded else engine_versions.SHUFFLED[0]
    try:
        proof = engine_versions.redraw_inspectors(
            algorithm,
            campaign=campaign.code,
            nonce=secret_nonce(record),
            lines=proof_file.frame_value("inspectors", frozen_file(record)),
            team_size=campaign.team_size,
            per_group_min=per_group_min,
            capacity=campaign.capacity,
            public_inputs=inputs,
        )
    except engine.DrawError as failed:
        why = str(failed)
        if record.blinded:  # the department reads its businesses by their codes, not their tokens
            for token, code in clear_tokens(record).items():
                why = why.replace(token, code)
        raise ConflictError(_l("The inspector draw cannot form every team: %(why)s", why=why)) from None
    if record.blinded:
        proof["blind_commitment"] = record.blind_commitment
    del proof["frame_lines"]  # the frame file is the proof's frame
    return proof


def observers_of(record: Draw, data: object) -> tuple[list[str], str]:
    """:func:`observers` for this draw: a version 3 draw is refused without an outside input (DRAW-SPEC "Blinded
    draws": the operator chose both the nonce and the key, and nobody else can read the frame)."""
    if record.blinded:
        inputs = clean_inputs((data if isinstance(data, dict) else {}).get("public_inputs"))
        if not inputs:
            raise InvalidInputError({"public_inputs": [BLINDED_NEEDS_INPUT]})
        return inputs, ""
    return observers(data)


#: The refusal of a blinded draw with no observer's input (names the field, in the user's language).
BLINDED_NEEDS_INPUT = _l(
    "Observers' inputs: a blinded draw (spotcheck-draw/3) needs at least one input from outside the department — "
    "the department chose both the secret number and the blinding key, and nobody else can read the frame."
)


def freeze(record: Draw, frame: frames.Frame, *, actor: Actor) -> None:
    """Step 2: the frame frozen (its digest and counts published). A draw committed before blinding (version 3) was
    introduced gets its key now, before its freeze; a version 3 draw's frozen file is the blinded one, its clear
    frame and exclusions kept encrypted."""
    if not record.blinded:
        _new_blind_key(record)
        audit.record(
            "draw.key_committed",
            "campaign",
            record.campaign_id,
            actor=actor,
            details={"kind": record.kind.value, "blind_commitment": record.blind_commitment},
        )
    key = blind_key(record)
    excluded = [list(pair) for pair in frame.excluded_ids]
    if record.kind.value == "targets":  # blinded and sorted by token in one pass; kept as raw tokens (32 bytes each)
        try:
            cells = blinding.blind_cells(key, frame.cells)
        except ValueError as bad:
            why = _l("The directory holds a code the draw cannot take (%(why)s).", why=str(bad))
            raise InvalidInputError({"target_filter": [why]}) from None
        kept = token_frames.pack([(cell, made) for cell, made, _, _ in cells])
        record.frame_digest = token_frames.digest_of_blocks(token_frames.blocks(kept))  # the published file's
        record.clear_sealed, record.clear_encrypted = clear_store.targets_file(cells, excluded), None
    else:
        lines = blinding.blind_lines(key, frame.file.decode("utf-8").splitlines())
        kept = "".join(line + "\n" for line in lines).encode("utf-8")
        record.frame_digest = hashlib.sha256(kept).hexdigest()
        record.clear_sealed, record.clear_encrypted = clear_store.lines_file("inspectors", frame.file, excluded), None
    record.frame_file = kept
    record.counts, record.excluded, record.frozen_at = frame.counts, frame.excluded, now()
    record.capped_stored = capped_store.packed(frame.capped or None)  # as the frame made it: packed already
    audit.record(
        "draw.frozen",
        "campaign",
        record.campaign_id,
        actor=actor,
        details={
            "kind": record.kind.value,
            "frame_digest": record.frame_digest,
            "counts": record.counts,
            "excluded": record.excluded,
        },
    )


def clean_inputs(public_inputs: Iterable[object] | None) -> list[str]:
    inputs = [str(text).strip() for text in public_inputs or [] if str(text).strip()]
    if len(inputs) > MAX_INPUTS or any(len(t) > MAX_INPUT_LENGTH or "\n" in t or "\r" in t for t in inputs):
        raise InvalidInputError(
            {
                "public_inputs": [
                    _l(
                        "At most %(n)d inputs of one line and at most %(len)d characters each.",
                        n=MAX_INPUTS,
                        len=MAX_INPUT_LENGTH,
                    )
                ]
            }
        )
    return inputs


def observers(data: object) -> tuple[list[str], str]:
    """What a draw takes from outside the department: the observers' inputs (``data["public_inputs"]``,
    :func:`clean_inputs`: they enter the seed exactly as today, DRAW-SPEC §3) and, when nobody gave
    one, the reason the draw is made on the department's secret number alone
    (``data["no_input_reason"]``) — required then, recorded with the draw and in its audit entry, and
    published. With inputs, no reason is kept."""
    data = data if isinstance(data, dict) else {}
    inputs = clean_inputs(data.get("public_inputs"))
    if inputs:
        return inputs, ""
    reason = data.get("no_input_reason")
    reason = reason.strip() if isinstance(reason, str) else ""
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise InvalidInputError({"no_input_reason": [NO_INPUT_REFUSAL]})
    return inputs, reason


#: The refusal of a draw with no observer's input and no reason (names the field, in the user's language).
NO_INPUT_REFUSAL = _l(
    "Reason for drawing without outside input: no observer gave an input, so state why the draw "
    "uses the department's secret number alone (%(low)d to %(high)d characters); it is published "
    "with the draw.",
    low=REASON_MIN,
    high=REASON_MAX,
)


def secret_nonce(record: Draw) -> bytes:
    return bytes.fromhex(personal_data.decrypt(record.nonce_encrypted))


def stored_frame(record: Draw) -> bytes:
    """The draw's frozen frame as kept (read once, when first needed: tens of megabytes for a directory of millions,
    so in the binary protocol, :func:`~spotcheck.core.database.stored_bytes`): its lines, or a version 3 target
    frame's raw tokens (:mod:`spotcheck.draw.token_frames`)."""
    if "frame_file" in sa.inspect(record).unloaded:
        set_committed_value(record, "frame_file", stored_bytes(Draw.frame_file, record.id))
    return cast(bytes, record.frame_file)  # frozen


def frame_of(record: Draw) -> bytes:
    """The draw's frozen frame file: the lines its digest is taken over and its proof publishes — a frame kept as
    raw tokens written back as those lines (the same bytes), once a record."""
    return frame_file_of(stored_frame(record), record)


def frame_file_of(stored: bytes, record: object = None) -> bytes:
    """The frame file of a frame as kept (``Draw.frame_file``, read by whoever reads it directly); with ``record``,
    remembered on it."""
    if not token_frames.is_packed(stored):
        return stored
    known = getattr(record, "_published_frame", None)
    if known is not None and known[0] is stored:
        return cast(bytes, known[1])
    published = token_frames.expand(stored)
    if record is not None:
        _remember_frame(record, stored, published)
    return published


def _remember_frame(record: object, kept: bytes, published: bytes) -> None:
    record._published_frame = (kept, published)  # type: ignore[attr-defined]  # not a column: this process's


def frozen_file(record: Draw) -> bytes:
    """The frame file as frozen; refused if it no longer matches the digest published at the freeze."""
    frame = frame_of(record)
    if hashlib.sha256(frame).hexdigest() != record.frame_digest:
        raise ConflictError(_l("The stored frame no longer matches its published digest: the draw is refused."))
    return frame


def frozen_cells(record: Draw) -> list[tuple[tuple[str, str], bytes, bytes, int]]:
    """A target frame's cells as the draw ranks them (:func:`spotcheck.draw.target_frames.frame_blocks`), checked
    against the published digest (:func:`frozen_file`) — a frame kept as raw tokens gives its cells without writing
    the file back."""
    stored = stored_frame(record)
    if not token_frames.is_packed(stored):
        return target_frames.frame_blocks(frozen_file(record))
    cells = token_frames.blocks(stored)
    if token_frames.digest_of_blocks(cells) != record.frame_digest:
        raise ConflictError(_l("The stored frame no longer matches its published digest: the draw is refused."))
    return cells


def finish(
    record: Draw,
    proof: dict,
    inputs: list[str],
    no_input_reason: str = "",
    *,
    meanwhile: Callable[[], object] | None = None,
) -> None:
    """Keep the proof with its timestamps and the SHA-256 of the file it publishes. ``meanwhile``: work done
    while that file is written and hashed on the other core (a frame of millions: a third of a second a
    million), such as storing the drawn rows."""
    record.public_inputs, record.seed, record.drawn_at = inputs, proof["seed"], now()
    record.no_input_reason = "" if inputs else no_input_reason
    proof["committed_at"] = iso_utc(record.committed_at)
    proof["frozen_at"] = iso_utc(cast(datetime, record.frozen_at))  # a draw is frozen before it is drawn
    proof["drawn_at"] = iso_utc(record.drawn_at)
    record.proof = proof
    stored = stored_frame(record)  # the frame file written from it in the child too, where it is kept as tokens
    pending = parallel.in_background(
        _published_sha256, proof, stored, size=len(stored) // 25
    )  # a row: 25 bytes or more
    try:
        if meanwhile is not None:
            meanwhile()
    finally:
        record.proof_sha256 = pending.result()


def drawn_details(kind: str, record: Draw, inputs: list[str], **counts: object) -> dict[str, object]:
    """The details of a draw's audit entry: its kind, seed and inputs — or, with none, the reason
    it was made without them — and what it drew."""
    details: dict[str, object] = {"kind": kind, "seed": record.seed, "public_inputs": inputs}
    if not inputs:
        details["no_input_reason"] = record.no_input_reason
    return {**details, **counts}


def store_proof(record: Draw, proof: dict) -> None:
    """Keep the proof (without its frame) and the SHA-256 of the file it publishes."""
    record.proof = proof
    record.proof_sha256 = proof_sha256(proof, frame_of(record))


def _published_sha256(proof: dict, stored: bytes) -> str:
    return proof_sha256(proof, frame_file_of(stored))


def proof_sha256(proof: dict, frame_file: bytes) -> str:
    """The SHA-256 of the proof file published with ``frame_file`` (:mod:`spotcheck.draw.proof_file`)."""
    return hashlib.sha256(proof_file.dumps(proof, frame_file)).hexdigest()


def published_bytes(record: Draw) -> bytes:
    """The published proof file of a drawn draw (:mod:`spotcheck.draw.proof_file`)."""
    return proof_file.dumps(cast(dict[str, Any], record.proof), frame_of(record))


def full_proof(record: Draw) -> dict:
    """The proof with its frame, as the verifier and the replacement rules read it (a new value:
    changing it changes nothing stored)."""
    proof = copy.deepcopy(cast(dict[str, Any], record.proof))  # drawn
    proof[proof_file.FRAME_FIELD[proof["kind"]]] = proof_file.frame_value(proof["kind"], frame_of(record))
    return proof


def store_targets(campaign: Campaign, proof: dict) -> None:
    """The drawn targets and reserves as ``campaign_target`` rows (rank kept in ``rank``). On PostgreSQL each
    code is looked up by its own probe of the registry's unique index (a subquery a row): joined, the planner
    read the whole registry for them (0.23 s of 0.56 at a million entities for 15,142 targets). The probes go in
    the order of the codes (the index's: the codes are sent sorted — PostgreSQL works out a subquery of the select
    list before sorting its rows, so an ``ORDER BY`` of the codes there left the probes in the draw's order, 0.12 s
    against 0.07 s at a million), the rows are written in the order of the entities' ids (the registry's own,
    which the check of each row's reference to it then reads page after page): 7.5 s against 9.3–10.1 s for
    151,572 targets in a registry of ten million."""
    drawn = [
        (code, group, stratum, rank, (TargetStatus.selected if rank <= len(ids) else TargetStatus.reserve).name)
        for group, strata in proof["selected"].items()
        for stratum, ids in strata.items()
        for rank, code in enumerate(ids + proof["reserves"][group][stratum], 1)
    ]
    if not drawn:
        return
    if db.session.get_bind().dialect.name == "postgresql":  # codes looked up and rows written in one statement
        codes, groups, strata, ranks, statuses = (list(column) for column in zip(*sorted(drawn), strict=True))
        written = changed(
            db.session.execute(
                sa.text(
                    "INSERT INTO campaign_target (tenant_id, campaign_id, entity_id, group_code, stratum, rank, "
                    "status, replacement_reason) SELECT :tenant, :campaign, d.entity_id, d.group_code, d.stratum, "
                    "d.rank, d.status, '' "
                    "FROM (SELECT (SELECT entity.id FROM entity WHERE entity.code = u.code) AS entity_id, u.* "
                    "FROM unnest(CAST(:codes AS text[]), CAST(:groups AS text[]), CAST(:strata AS text[]), "
                    "CAST(:ranks AS integer[]), CAST(:statuses AS text[])) "
                    "AS u(code, group_code, stratum, rank, status) "
                    "OFFSET 0) AS d WHERE d.entity_id IS NOT NULL ORDER BY d.entity_id"
                ),
                {
                    "tenant": campaign.tenant_id,
                    "campaign": campaign.id,
                    "codes": codes,
                    "groups": groups,
                    "strata": strata,
                    "ranks": ranks,
                    "statuses": statuses,
                },
            )
        )
    else:
        entity_ids = _entity_ids(code for code, *_ in drawn)
        rows = [
            {
                "tenant_id": campaign.tenant_id,
                "campaign_id": campaign.id,
                "entity_id": entity_ids[code],
                "group_code": group,
                "stratum": stratum,
                "rank": rank,
                "status": status,
                "replacement_reason": "",
            }
            for code, group, stratum, rank, status in drawn
            if code in entity_ids
        ]
        if rows:  # none found: an insert of no rows would be one row of nothing
            db.session.execute(sa.insert(CampaignTarget), rows)
        written = len(rows)
    if written != len(drawn):
        raise ConflictError(_l("A drawn entity is no longer in the registry: the draw is refused."))
    statistics.refresh_after_commit("campaign_target", "inspection_count", rows=written)


def add_selected(rows: list[dict[str, Any]]) -> None:
    """``rows`` of ``campaign_target`` written as selected targets: a named campaign's, registered rather than
    drawn (登记检查对象)."""
    db.session.execute(sa.insert(CampaignTarget), [{**row, "status": TargetStatus.selected.name} for row in rows])


def mark_replaced(out: CampaignTarget, incoming: CampaignTarget, reason: str) -> None:
    """A drawn target replaced by a reserve of its cell (替换): ``out`` replaced for ``reason``, ``incoming`` now
    selected. The proof records it; the command calling this checks the reason and stores the proof."""
    out.status, out.replacement_reason = TargetStatus.replaced, reason
    incoming.status = TargetStatus.selected


def _entity_ids(codes: Iterable[str]) -> dict[str, int]:
    """Entity ids by code, looked up in batches (PostgreSQL takes at most 65,535 parameters)."""
    codes, found = sorted(codes), dict[str, Any]()
    for start in range(0, len(codes), 10_000):
        batch = codes[start : start + 10_000]
        found.update(db.session.execute(sa.select(Entity.code, Entity.id).where(Entity.code.in_(batch))).all())
    return found


def store_teams(campaign: Campaign, teams: dict[str, list[str]], inspectors: dict | None = None) -> None:
    """The drawn teams as ``team_member`` rows in pick order. ``inspectors``: certificate number →
    (inspector id, name, group) — for a joint campaign, read across its departments; otherwise the
    department's own list."""
    entity_ids = _entity_ids(teams)
    if inspectors is None:
        inspectors = {
            cert: (inspector_id, name, campaign.tenant_code)
            for cert, inspector_id, name in db.session.execute(
                sa.select(Inspector.cert_no, Inspector.id, Inspector.name)
            )
        }
    rows = [
        {
            "tenant_id": campaign.tenant_id,
            "campaign_id": campaign.id,
            "entity_id": entity_ids[visit],
            "inspector_id": inspectors[cert][0],
            "inspector_name": inspectors[cert][1],
            "cert_no": cert,
            "group_code": inspectors[cert][2],
            "position": position,
            "is_leader": False,
            "active": True,
            "replacement_reason": "",
        }
        for visit, team in teams.items()
        for position, cert in enumerate(team, 1)
    ]
    if rows:
        db.session.execute(sa.insert(TeamMember), rows)
    statistics.refresh_after_commit("team_member", rows=len(rows))


def with_account(inspector_ids: Iterable[int]) -> set[int]:
    """Of ``inspector_ids``, those whose entry has a linked account, as the current scope reads them (a joint
    campaign's: on the coordinator's path to the departments it invited)."""
    found: set[int] = set()
    for chunk in in_chunks(sorted(set(inspector_ids))):
        found.update(
            db.session.scalars(sa.select(Inspector.id).where(Inspector.id.in_(chunk), Inspector.user_id.is_not(None)))
        )
    return found


def by_rule(rule: str, present: list[TeamMember], leads: Counter, accounts: set[int]) -> TeamMember:
    """Who of a visit's present members (in pick order) the rule names 组长; ``leads``: how many teams each
    inspector leads (``balanced``); ``accounts``: the inspectors with an account (``first_with_account``: the first
    drawn of them, else the first drawn)."""
    if rule == "balanced":
        return min(present, key=lambda m: (leads[m.inspector_id], m.position))
    if rule == "first_with_account":
        return next((m for m in present if m.inspector_id in accounts), present[0])
    return present[0]


def name_leaders(
    campaign: Campaign, rule: str, *, only_missing: bool, actor: Actor, accounts: set[int] | None = None
) -> dict:
    """The leader (组长) of every visit of the campaign by ``rule`` (:data:`LEADER_RULES`), each
    designation audited with the rule, which the campaign keeps (:attr:`Campaign.leader_rule`); with
    ``only_missing``, a visit that has its leader keeps it. A visit with nobody left on its team is refused,
    and then nothing changes (a step of the bulk commands, single or joint campaign). ``accounts``: the
    inspectors with an account, read by the caller (a joint campaign's across its departments); else read here."""
    if rule not in LEADER_RULES:
        raise InvalidInputError({"rule": [_l("Choose how the team leaders are named.")]})
    members = db.session.scalars(
        sa.select(TeamMember)
        .where(TeamMember.campaign_id == campaign.id)
        .options(lazyload(TeamMember.entity), lazyload(TeamMember.inspector))  # not needed
        .order_by(TeamMember.entity_id, TeamMember.position)
    ).all()
    teams: dict[int, list[TeamMember]] = {}
    for member in members:
        teams.setdefault(member.entity_id, []).append(member)
    leads = Counter(m.inspector_id for m in members if m.active and m.is_leader)
    if accounts is None:
        accounts = with_account(m.inspector_id for m in members) if rule == "first_with_account" else set()

    def designate(team: list[TeamMember]) -> TeamMember | None:
        present = [m for m in team if m.active]
        if not present:
            raise ConflictError(_l("Nobody is left on this team: replace its members first."))
        current = next((m for m in present if m.is_leader), None)
        if current is not None and only_missing:
            return None
        chosen = by_rule(rule, present, leads, accounts)
        if current is not None:
            leads[current.inspector_id] -= 1
        leads[chosen.inspector_id] += 1
        return chosen

    chosen = bulk.each(teams.values(), designate, name=lambda team: team[0].entity.name)
    campaign.leader_rule = rule
    named = [member for member in chosen if member is not None]
    _lead([member.id for member in named], {member.entity_id for member in named}, campaign, teams)
    codes = dict(
        db.session.execute(
            sa.select(Entity.id, Entity.code).where(
                Entity.id.in_(sa.select(TeamMember.entity_id).where(TeamMember.campaign_id == campaign.id))
            )
        ).all()
    )
    audit.record_many(
        "team.leader_designated",
        "campaign",
        [
            (
                campaign.id,
                {"visit": codes[member.entity_id], "leader": member.cert_no or member.inspector.cert_no, "rule": rule},
            )
            for member in named
        ],
        actor=actor,
    )
    return {"named": len(named), "kept": len(chosen) - len(named), "rule": LEADER_RULES[rule]}


def _lead(leader_ids: list[int], visits: set[int], campaign: Campaign, teams: dict[int, list[TeamMember]]) -> None:
    """Those members lead their visits' teams and nobody else there does: one UPDATE, thousands of
    visits at a time (the members already loaded are told)."""
    for ids in in_chunks(leader_ids):
        db.session.execute(
            sa.update(TeamMember)
            .where(
                TeamMember.campaign_id == campaign.id,
                TeamMember.entity_id.in_(sa.select(TeamMember.entity_id).where(TeamMember.id.in_(ids))),
            )
            .values(is_leader=TeamMember.id.in_(ids))
            .execution_options(synchronize_session=False)
        )
    chosen = set(leader_ids)
    for entity_id in visits:
        for member in teams[entity_id]:
            set_committed_value(member, "is_leader", member.id in chosen)


def name_leader(campaign: Campaign, member_id: object, *, actor: Actor) -> TeamMember:
    """The leader of the member's visit is that member, and nobody else (a step of the commands
    that name leaders, single or joint campaign)."""
    member = db.session.scalar(
        sa.select(TeamMember).where(
            TeamMember.id == member_id, TeamMember.active.is_(True), TeamMember.campaign_id == campaign.id
        )
    )
    if member is None:
        raise NotFoundError(_l("No such team member."))
    for other in db.session.scalars(
        sa.select(TeamMember).where(TeamMember.campaign_id == campaign.id, TeamMember.entity_id == member.entity_id)
    ):
        other.is_leader = other.id == member.id
    audit.record(
        "team.leader_designated",
        "campaign",
        campaign.id,
        actor=actor,
        details={"visit": member.entity.code, "leader": member.cert_no or member.inspector.cert_no},
    )
    return member


def lead_by_rule(campaign: Campaign, entity_id: int, *, actor: Actor, accounts: set[int] | None = None) -> TeamMember:
    """A visit's new 组长 after the platform replaced its recused one: named among its present members who declared
    no conflict, by the campaign's rule (:attr:`Campaign.leader_rule`; named by hand: :data:`DEFAULT_LEADER_RULE`),
    and audited with it. ``accounts``: the inspectors with an account, read by the caller (a joint campaign's across
    its departments); else read here. Refused (Conflict) when nobody is left to lead."""
    rule = campaign.leader_rule if campaign.leader_rule in LEADER_RULES else DEFAULT_LEADER_RULE
    members = db.session.scalars(
        sa.select(TeamMember)
        .where(TeamMember.campaign_id == campaign.id, TeamMember.active.is_(True))
        .order_by(TeamMember.position)
        .execution_options(populate_existing=True)
    ).all()
    present = [m for m in members if m.entity_id == entity_id and m.recusal_id is None]
    if not present:
        raise ConflictError(_l("Nobody is left on this team: replace its members first."))
    leads = Counter(m.inspector_id for m in members if m.is_leader and m.entity_id != entity_id)
    if accounts is None:
        accounts = with_account(m.inspector_id for m in present)
    chosen = by_rule(rule, present, leads, accounts)
    for other in members:
        if other.entity_id == entity_id:
            other.is_leader = other.id == chosen.id
    db.session.flush()
    audit.record(
        "team.leader_designated",
        "campaign",
        campaign.id,
        actor=actor,
        details={
            "visit": chosen.entity.code,
            "leader": chosen.cert_no or chosen.inspector.cert_no,
            "rule": rule,
            "system_step": True,
        },
    )
    return chosen
