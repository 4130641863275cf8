"""Outside inputs to a draw (外部监督人输入). A blinded draw (盲化抽取, ``spotcheck-draw/3``: every draw committed
now) is refused without one — the department chose both the secret number and the blinding key, and nobody else can
read the frame — naming the field in Chinese, by every command that draws (a campaign's target and inspector draws,
a joint campaign's, and the requests that queue them as jobs), a reason or not. A draw frozen before blinding keeps
the earlier rule: with no input, a reason, kept with the draw, in its audit entry and on the public page."""

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
from spotcheck.tenants.joint import commands as joint, commands as joint_commands
from tests.support import joint_world
from tests.support.campaign_world import build, frozen_campaign, planner_of
from tests.support.ceremony_world import frozen_before_blinding
from tests.support.helpers import user_named

REASON = "现场监督人因暴雨未能到场，经局务会同意按期抽取"


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


def _refused_for_public_inputs(attempt) -> None:
    with force_locale("zh_CN"), pytest.raises(InvalidInputError) as refused:
        attempt()
    db.session.rollback()
    assert list(refused.value.errors) == ["public_inputs"]
    message = str(refused.value.errors["public_inputs"][0])
    assert message.startswith("现场监督人输入") and "盲化抽取" in message, message


@pytest.mark.parametrize(
    "data",
    [{"public_inputs": []}, {"public_inputs": ["  ", ""], "no_input_reason": REASON}, {"no_input_reason": REASON}],
)
def test_a_blinded_draw_without_an_outside_input_is_refused_naming_the_field_in_chinese(app, data):
    with app.app_context():
        campaign_id = frozen_campaign(build())
        planner = planner_of(user_named("yjj_admin"))
        with tenant_scope(planner.tenant_id):
            _refused_for_public_inputs(lambda: campaign_commands.draw_targets(campaign_id, data, actor=planner))
            _refused_for_public_inputs(  # the job is not even queued
                lambda: campaign_commands.submit_draw(campaign_id, {"kind": "targets", **data}, actor=planner)
            )
            record = campaigns.draw(campaigns.get_campaign(campaign_id), "targets")
            assert record.blinded and record.drawn_at is None and record.seed is None  # nothing drawn
        assert _drawn_entries(campaign_id) == []


def test_a_draw_frozen_before_blinding_takes_a_reason_kept_with_it_and_published(app):
    with app.app_context():
        campaign_id = frozen_campaign(build())
        planner = planner_of(user_named("yjj_admin"))
        with tenant_scope(planner.tenant_id):
            frozen_before_blinding(campaigns.draw(campaigns.get_campaign(campaign_id), "targets"))
            db.session.commit()
            with pytest.raises(InvalidInputError, match="no_input_reason"):
                campaign_commands.draw_targets(campaign_id, {"public_inputs": []}, actor=planner)
            db.session.rollback()
            campaign_commands.draw_targets(
                campaign_id, {"public_inputs": [], "no_input_reason": f"  {REASON} "}, actor=planner
            )
            db.session.commit()
            campaign = campaigns.get_campaign(campaign_id)
            record = campaigns.draw(campaign, "targets")
            assert record.no_input_reason == REASON and record.public_inputs == []
            proof = proof_file.loads(draw_steps.published_bytes(record))
            assert proof["algorithm"] == "spotcheck-draw/1" and "blind_commitment" not in proof
            assert proof["public_inputs"] == [] and "no_input_reason" not in proof
            seed = derive_seed(
                bytes.fromhex(proof["nonce"]), "targets", campaign.code, bytes.fromhex(proof["frame_digest"]), []
            )
            assert seed.hex() == proof["seed"] and all(check.ok for check in verify(draw_steps.full_proof(record)))
            assert publication.public_draws(campaign)["targets"].no_input_reason == REASON
            # the inspector draw, committed after it, is blinded: it needs an input
            campaign_commands.freeze_inspectors(campaign_id, actor=planner)
            db.session.commit()
            _refused_for_public_inputs(
                lambda: campaign_commands.draw_inspectors(campaign_id, {"no_input_reason": REASON}, actor=planner)
            )
        [details] = _drawn_entries(campaign_id)
        assert details["public_inputs"] == [] and details["no_input_reason"] == REASON


def test_with_the_observers_inputs_no_reason_is_asked_nor_kept(app):
    with app.app_context():
        campaign_id = frozen_campaign(build())
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
            assert draw_steps.full_proof(record)["algorithm"] == "spotcheck-draw/3"
        [details] = _drawn_entries(campaign_id)
        assert "no_input_reason" not in details and details["public_inputs"] == ["observer:区人大代表 赵某 0917"]


def test_the_inspector_draw_is_refused_without_an_input_too(app):
    with app.app_context():
        campaign_id = frozen_campaign(build())
        planner = planner_of(user_named("yjj_admin"))
        with tenant_scope(planner.tenant_id):
            campaign_commands.draw_targets(campaign_id, {"public_inputs": ["observer:媒体 1"]}, actor=planner)
            campaign_commands.freeze_inspectors(campaign_id, actor=planner)
            db.session.commit()
            _refused_for_public_inputs(
                lambda: campaign_commands.draw_inspectors(campaign_id, {"public_inputs": []}, actor=planner)
            )
            _refused_for_public_inputs(
                lambda: campaign_commands.submit_draw(campaign_id, {"kind": "inspectors"}, actor=planner)
            )
            assert campaigns.draw(campaigns.get_campaign(campaign_id), "inspectors").drawn_at is None


@pytest.mark.seconds(3)
def test_a_joint_campaigns_blinded_draws_need_an_input_too(app):
    with app.app_context():
        ids = joint_world.world("approved")
        coord = user_named("scj_coord")
        with tenant_scope(coord.tenant_id):
            joint.freeze_targets(ids["campaign"], actor=coord)
            db.session.commit()
            _refused_for_public_inputs(lambda: joint.draw_targets(ids["campaign"], {"public_inputs": []}, actor=coord))
            _refused_for_public_inputs(
                lambda: joint_commands.submit_joint_draw(
                    ids["campaign"], {"kind": "targets", "no_input_reason": REASON}, actor=coord
                )
            )
        assert _drawn_entries(ids["campaign"]) == []
