"""The floor of a verifiable target draw (抽取的理论下限), measured in the same run as the draw: what no way of
making it could avoid — the database reading the candidates once, SHA-256 over the frame file, an HMAC per
candidate in C, and writing the drawn rows — each on one core. :mod:`bench.draw_targets` sets the ceremony
against it (goal: within twice the floor)."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess

import sqlalchemy as sa
from flask_sqlalchemy.session import Session
from sqlalchemy.orm import scoped_session

from bench.common import Figures, Timer

#: The candidates' scan: the directory joined with the registry under the campaign's filter, as the frame.
SCAN = (
    "SELECT count(*), sum(length(e.code)) FROM directory_entry d JOIN entity e ON e.id = d.entity_id "
    "WHERE d.tenant_id = :tenant AND d.category = :category"
)
#: The drawn rows written with their ids known (what ORDER BY random() writes, and the draw must too).
WRITE = (
    "INSERT INTO campaign_target (tenant_id, campaign_id, entity_id, group_code, stratum, rank, status, "
    "replacement_reason) SELECT :tenant, :campaign, d.id, :group, 'A', d.rank, 'selected', '' "
    "FROM unnest(CAST(:ids AS integer[])) WITH ORDINALITY AS d(id, rank)"
)


def hmac_seconds_in_c(candidates: int, message_bytes: int) -> Figures:
    """An HMAC-SHA256 a candidate in C: OpenSSL's own loop (``openssl speed -hmac sha256``) on messages of the
    length of ``target|`` and an id, for ``candidates`` messages; ``None`` figures without the openssl tool."""
    tool = shutil.which("openssl")
    if tool is None:
        return {"seconds": None, "per_second": None, "how": "openssl not found"}
    ran = subprocess.run(
        [tool, "speed", "-seconds", "2", "-bytes", str(message_bytes), "-hmac", "sha256"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    found = re.search(r"^hmac\(sha256\)\s+([\d.]+)k", ran.stdout, re.M)
    if not found:
        return {"seconds": None, "per_second": None, "how": f"openssl speed said: {ran.stdout[-200:]}"}
    per_second = float(found.group(1)) * 1000 / message_bytes
    return {
        "seconds": candidates / per_second,
        "per_second": per_second,
        "how": f"openssl speed -hmac sha256 -bytes {message_bytes}: {per_second:,.0f} HMACs a second",
    }


def measure(
    session: scoped_session[Session],
    *,
    tenant: int,
    category: str,
    campaign_id: int,
    frame_file: bytes,
    candidates: int,
    drawn_ids: list[int],
    group: str,
) -> Figures:
    """Each part of the floor, timed here as the application (its role, the department's scope) on the
    session; the written rows are rolled back."""
    with Timer() as scan:
        session.execute(sa.text(SCAN), {"tenant": tenant, "category": category}).one()
    with Timer() as digest:
        hashlib.sha256(frame_file).digest()
    id_bytes = (len(frame_file) - candidates * (len(group) + 4)) / max(candidates, 1)  # a line less its prefix
    hmac = hmac_seconds_in_c(candidates, round(len(b"target|") + id_bytes))
    with Timer() as writing:
        session.execute(sa.text(WRITE), {"tenant": tenant, "campaign": campaign_id, "group": group, "ids": drawn_ids})
    session.rollback()
    parts = {
        "scan": scan.seconds,
        "sha256": digest.seconds,
        "hmac_in_c": hmac["seconds"] or 0.0,
        "writing": writing.seconds,
    }
    return {**parts, "seconds": sum(parts.values()), "hmac": hmac, "rows_written": len(drawn_ids)}
