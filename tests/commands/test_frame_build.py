"""The frame as built since issue 44 (抽取范围的生成): each stratum's codes gathered unsorted by the database and
sorted here on two cores give, byte for byte, the frame file the platform built before — when the database
sorted each stratum's lines itself — and a proof published from that older build still verifies and is
redrawn exactly, to the byte of its file."""

from __future__ import annotations

import contextlib
import hashlib
import json
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import aggregate_order_by

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db, local_setting, local_settings, stored_bytes
from spotcheck.core.scoping import tenant_scope
from spotcheck.draw import blinding, proof_file, target_frames, targets
from spotcheck.draw.verify import verify, verify_bytes
from spotcheck.tenants.campaigns import commands as campaign_commands, draws as draw_steps, frames, queries as campaigns
from spotcheck.tenants.campaigns.models import Draw
from spotcheck.tenants.directory.models import DirectoryEntry, Entity
from tests.independent.draw_spec_check import check as independent_check
from tests.support.campaign_world import build, campaign_data, leader_of, planner_of
from tests.support.helpers import make_app, user_named

OLD_PROOF = Path(__file__).resolve().parents[1] / "data" / "old-frame-build" / "targets-3000.json"
DAY = date(2026, 2, 10)


def _old_build(part: frames.FramePart, on: date) -> bytes:
    """The frame file as the platform built it before issue 44 on PostgreSQL: each cell's lines as one string
    sorted by the database (``string_agg … ORDER BY code COLLATE "C"``), the cells in (group, stratum) order."""
    source, reason, stratum = frames._part_source(part, on)
    line = sa.literal(f"{part.group}\t") + stratum + "\t" + Entity.code + "\n"
    lines = sa.func.string_agg(line, aggregate_order_by(sa.literal_column("''"), Entity.code.collate("C"))).filter(
        reason.is_(None)
    )
    query = source.add_columns(reason.label("reason"), stratum.label("stratum"), lines).group_by(
        sa.literal_column("reason"), sa.literal_column("stratum")
    )
    cells = sorted((cell, text) for why, cell, text in db.session.execute(query) if why is None)
    return "".join(text for _, text in cells).encode("utf-8")


@pytest.mark.seconds(1.5)
def test_the_frame_is_the_frame_the_database_used_to_sort_byte_for_byte(app):
    with app.app_context(), frozen_at(DAY):
        world = build(entities=60)
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            campaign = campaign_commands.create_campaign(
                campaign_data(world, title="危化企业抽查"), actor=planner_of(admin)
            )
            campaign_commands.approve(campaign.id, actor=leader_of(admin))
            db.session.commit()
            part = frames.FramePart.of(campaigns.get_campaign(campaign.id))
            built = frames.target_frame([part], DAY).file
            rows = [
                (part.group, stratum, code)
                for stratum, code in db.session.execute(
                    sa.select(DirectoryEntry.risk, Entity.code)
                    .join(Entity, Entity.id == DirectoryEntry.entity_id)
                    .where(DirectoryEntry.tenant_id == admin.tenant_id)
                )
            ]
            assert built == target_frames.frame_file(rows)  # every row of the directory, sorted by code point
            if db.engine.dialect.name == "postgresql":
                assert built == _old_build(part, DAY)
                assert _built_by_parallel_workers(part) == built
            campaign_commands.freeze_targets(campaign.id, actor=planner_of(admin))
            db.session.commit()
            db.session.expire_all()
            frozen = db.session.scalar(sa.select(Draw).where(Draw.campaign_id == campaign.id, Draw.kind == "targets"))
            assert draw_steps.read_clear(frozen)["frame_file"].encode() == built  # the clear frame, kept encrypted
            published = blinding.blind_frame_file(draw_steps.blind_key(frozen), built)  # the same rows as tokens
            assert draw_steps.frame_of(frozen) == published  # read back as stored (binary protocol on PostgreSQL)
            assert frozen.frame_digest == hashlib.sha256(published).hexdigest()
            assert stored_bytes(Draw.frame_file, frozen.id + 1000) is None


#: What makes PostgreSQL plan even a frame of sixty rows with parallel workers.
_PARALLEL_EVEN_WHEN_SMALL = {
    "parallel_setup_cost": "0",
    "min_parallel_table_scan_size": "0",
    "enable_indexscan": "off",
    "enable_bitmapscan": "off",
    "enable_nestloop": "off",
}


def _built_by_parallel_workers(part: frames.FramePart) -> bytes:
    """The frame as built when the directory and the registry are scanned and joined by parallel workers (as at
    a province's size), each reading under the department's row-level security: the plan is checked parallel,
    and the planner's settings are as they were afterwards."""
    before = db.session.execute(sa.text("SHOW parallel_tuple_cost")).scalar_one()
    with contextlib.ExitStack() as settings:
        for name, value in _PARALLEL_EVEN_WHEN_SMALL.items():
            settings.enter_context(local_setting(name, value))
        with local_settings(frames.FRAME_SETTINGS):
            compiled = frames.cells_query(*frames._part_source(part, DAY)).compile(
                dialect=db.engine.dialect, compile_kwargs={"render_postcompile": True}
            )
            plan = db.session.connection().exec_driver_sql("EXPLAIN " + str(compiled), compiled.params).scalars().all()
        assert any("Parallel" in line for line in plan), plan
        # the businesses left out (checked this year, at their cap) are tested by the workers, not by subqueries the
        # leader alone may run on every row they hand it
        assert not any("SubPlan" in line for line in plan), plan
        built = frames.target_frame([part], DAY).file
    assert db.session.execute(sa.text("SHOW parallel_tuple_cost")).scalar_one() == before
    assert db.session.execute(sa.text("SHOW min_parallel_table_scan_size")).scalar_one() != "0"
    return built


@pytest.mark.postgres
def test_a_statement_failing_under_a_local_setting_raises_its_own_error(postgres_url):
    """A failure inside :func:`local_setting` is the caller's (a lost connection stays a lost connection), and
    the rollback puts the setting back."""
    app = make_app(postgres_url)
    with app.app_context():
        with pytest.raises(sa.exc.DataError, match="division by zero"), local_setting("parallel_tuple_cost", "0.001"):
            db.session.execute(sa.text("SELECT 1 / 0"))
        db.session.rollback()
        assert db.session.execute(sa.text("SHOW parallel_tuple_cost")).scalar_one() == "0.1"
        db.engine.dispose()


def test_a_proof_of_the_older_frame_build_verifies_and_is_redrawn_to_the_byte():
    data = OLD_PROOF.read_bytes()
    proof = json.loads(data)
    assert all(check.ok for check in verify_bytes(data)) and all(check.ok for check in verify(proof))
    independent_check(proof)
    frame = target_frames.frame_file([tuple(row) for row in proof["frame"]])
    assert hashlib.sha256(frame).hexdigest() == proof["frame_digest"]
    redrawn = targets.draw_targets_from_file(
        campaign=proof["campaign"],
        nonce=bytes.fromhex(proof["nonce"]),
        frame_file=frame,
        rules=proof["rules"],
        reserve_size=proof["reserve_size"],
        public_inputs=proof["public_inputs"],
    )
    for field in ("seed", "selected", "reserves", "frame_digest", "commitment"):
        assert redrawn[field] == proof[field], field
    stamps = {field: proof[field] for field in ("committed_at", "frozen_at", "drawn_at")}
    assert proof_file.dumps({**redrawn, **stamps}, frame) == data  # the published file, byte for byte
