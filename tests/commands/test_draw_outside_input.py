"""A draw with no outside input is a deliberate, recorded choice (无外部监督人输入须说明理由): every
command that draws — a campaign's target and inspector draws, a joint campaign's, and the requests
that queue them as jobs — refuses to draw on the department's secret number alone without a reason,
naming the field in Chinese; with one, the reason is kept with the draw and in its audit entry, and
the draw itself (its seed, its proof) is exactly what the same inputs always gave."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from spotcheck.core.audit import AuditEntry
from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.draw import proof_file
from spotcheck.draw.primitives import derive_seed
from spotcheck.draw.verify import verify
from spotcheck.tenants.campaigns import commands as campaign_commands, draws as draw_steps, queries as campaigns
from spotcheck.tenants.campaigns.queries import public as publication
from spotcheck.tenants.joint import commands as joint, commands as joint_commands, queries as joint_queries
from tests.support import joint_world
from tests.support.campaign_world import build, frozen_campaign, planner_of
from tests.support.helpers import user_named

REASON = "现场监督人因暴雨未能到场，经局务会同意按期抽取"


def _frozen(world) -> int:
    return frozen_campaign(world)


def _drawn_entries(campaign_id: int) -> list[dict]:
    with system_access("test: the draw's audit entries"):
        return [
            entry.details
            for entry in db.session.scalars(
                sa.select(AuditEntry)
                .where(AuditEntry.action == "draw.drawn", AuditEntry.object_id == str(campaign_id))
                .order_by(AuditEntry.id)
            )
        ]


@pytest.mark.parametrize(
    "data", [{"public_inputs": []}, {"public_inputs": ["  ", ""], "no_input_reason": "  "}, {"no_input_reason": "无"}]
)
def test_a_draw_without_inputs_or_reason_is_refused_naming_the_field_in_chinese(app, data):
    with app.app_context():
        campaign_id = _frozen(build())
        planner = planner_of(user_named("yjj_admin"))
        with tenant_scope(planner.tenant_id), force_locale("zh_CN"):
            with pytest.raises(InvalidInputError) as refused:
                campaign_commands.draw_targets(campaign_id, data, actor=planner)
            db.session.rollback()
            assert list(refused.value.errors) == ["no_input_reason"]
            message = refused.value.errors["no_input_reason"][0]
            assert message.startswith("无外部输入的理由") and "本部门密钥" in message, message
            with pytest.raises(InvalidInputError, match="no_input_reason"):  # the job is not even queued
                campaign_commands.submit_draw(campaign_id, {"kind": "targets", **data}, actor=planner)
            db.session.rollback()
            record = campaigns.draw(campaigns.get_campaign(campaign_id), "targets")
            assert record.drawn_at is None and record.seed is None  # nothing drawn
        assert _drawn_entries(campaign_id) == []


def test_the_reason_is_recorded_with_the_draw_in_its_audit_entry_and_on_the_public_page(app):
    with app.app_context():
        campaign_id = _frozen(build())
        planner = planner_of(user_named("yjj_admin"))
        with tenant_scope(planner.tenant_id):
            campaign_commands.draw_targets(
                campaign_id, {"public_inputs": [], "no_input_reason": f"  {REASON} "}, actor=planner
            )
            db.session.commit()
            campaign = campaigns.get_campaign(campaign_id)
            record = campaigns.draw(campaign, "targets")
            assert record.no_input_reason == REASON and record.public_inputs == []
            # the draw's bytes are those of a draw with no input, as always: I = H("")
            proof = proof_file.loads(draw_steps.published_bytes(record))
            assert proof["public_inputs"] == [] and "no_input_reason" not in proof
            seed = derive_seed(
                bytes.fromhex(proof["nonce"]), "targets", campaign.code, bytes.fromhex(proof["frame_digest"]), []
            )
            assert seed.hex() == proof["seed"] and all(check.ok for check in verify(draw_steps.full_proof(record)))
            assert publication.public_draws(campaign)["targets"].no_input_reason == REASON
        [details] = _drawn_entries(campaign_id)
        assert details["public_inputs"] == [] and details["no_input_reason"] == REASON


def test_with_the_observers_inputs_no_reason_is_asked_nor_kept(app):
    with app.app_context():
        campaign_id = _frozen(build())
        planner = planner_of(user_named("yjj_admin"))
        with tenant_scope(planner.tenant_id):
            campaign_commands.draw_targets(
                campaign_id,
                {"public_inputs": ["observer:区人大代表 赵某 0917"], "no_input_reason": "用不上的理由"},
                actor=planner,
            )
            db.session.commit()
            record = campaigns.draw(campaigns.get_campaign(campaign_id), "targets")
            assert record.public_inputs == ["observer:区人大代表 赵某 0917"] and record.no_input_reason == ""
        [details] = _drawn_entries(campaign_id)
        assert "no_input_reason" not in details and details["public_inputs"] == ["observer:区人大代表 赵某 0917"]


def test_the_inspector_draw_asks_for_the_reason_too(app):
    with app.app_context():
        campaign_id = _frozen(build())
        planner = planner_of(user_named("yjj_admin"))
        with tenant_scope(planner.tenant_id):
            campaign_commands.draw_targets(campaign_id, {"public_inputs": ["observer:媒体 1"]}, actor=planner)
            campaign_commands.freeze_inspectors(campaign_id, actor=planner)
            db.session.commit()
            for refused in (
                lambda: campaign_commands.draw_inspectors(campaign_id, {"public_inputs": []}, actor=planner),
                lambda: campaign_commands.submit_draw(campaign_id, {"kind": "inspectors"}, actor=planner),
            ):
                with pytest.raises(InvalidInputError, match="no_input_reason"):
                    refused()
                db.session.rollback()
            campaign_commands.draw_inspectors(campaign_id, {"no_input_reason": REASON}, actor=planner)
            db.session.commit()
            assert campaigns.draw(campaigns.get_campaign(campaign_id), "inspectors").no_input_reason == REASON
        assert _drawn_entries(campaign_id)[-1]["no_input_reason"] == REASON


@pytest.mark.seconds(3)
def test_a_joint_campaigns_draws_ask_for_the_reason_too(app):
    with app.app_context():
        ids = joint_world.world("approved")
        coord = user_named("scj_coord")
        with tenant_scope(coord.tenant_id):
            joint.freeze_targets(ids["campaign"], actor=coord)
            db.session.commit()
            for refused in (
                lambda: joint.draw_targets(ids["campaign"], {"public_inputs": []}, actor=coord),
                lambda: joint_commands.submit_joint_draw(ids["campaign"], {"kind": "targets"}, actor=coord),
            ):
                with pytest.raises(InvalidInputError, match="no_input_reason"):
                    refused()
                db.session.rollback()
            joint.draw_targets(ids["campaign"], {"public_inputs": [], "no_input_reason": REASON}, actor=coord)
            joint.freeze_inspectors(ids["campaign"], actor=coord)
            db.session.commit()
            with pytest.raises(InvalidInputError, match="no_input_reason"):
                joint.draw_inspectors(ids["campaign"], {}, actor=coord)
            db.session.rollback()
            joint.draw_inspectors(ids["campaign"], {"public_inputs": ["observer:市政协委员 冯某 1013"]}, actor=coord)
            db.session.commit()
            campaign = joint_queries.get_joint(ids["campaign"])
            drawn = publication.public_draws(campaign)
            assert drawn["targets"].no_input_reason == REASON and drawn["inspectors"].no_input_reason == ""
        assert [d.get("no_input_reason") for d in _drawn_entries(ids["campaign"])] == [REASON, None]
