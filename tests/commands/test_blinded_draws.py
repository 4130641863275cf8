"""Blinded draws on the platform (盲化抽取, ``spotcheck-draw/3``): every draw committed now has its blinding key
beside its nonce; at its freeze the published frame is the blinded one and the clear frame, with the businesses left
out by reason, is kept encrypted; the draw, its replacements and its proof name each business by its token alone —
and the proof still verifies for anyone, the bureau's check with the key and the clear file still holds, and each
business still finds its own row with its salt."""

from __future__ import annotations

import copy
import json

import sqlalchemy as sa

from spotcheck.core.audit import AuditEntry
from spotcheck.core.database import db
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.draw import blinding, disclosure, targets
from spotcheck.draw.verify import verify
from spotcheck.tenants.campaigns import commands as campaign_commands, draws as draw_steps, queries as campaigns
from spotcheck.tenants.campaigns.models import CampaignTarget, Draw, TeamMember
from spotcheck.tenants.campaigns.vocabulary import TargetStatus
from spotcheck.tenants.inspectors import commands as inspector_commands
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.joint import commands as joint
from tests.independent.draw_spec_check import check as independent_check, check_bureau, check_own
from tests.support import joint_world
from tests.support.campaign_world import build, campaign_data, leader_of, planner_of
from tests.support.helpers import user_named

INPUT = ["observer:市人大代表 张某 0917"]


def _bureau(record: Draw, actor) -> tuple[str, dict]:
    """The key and the clear file as the bureau's check reads them (the reading audited)."""
    return draw_steps.blind_key(record).hex(), json.loads(draw_steps.clear_file(record, actor=actor, reader="test"))


def _approved() -> tuple[dict, object, object, object]:
    """A world, its department's administrator and planner, and an approved campaign of it (read in its scope)."""
    world = build()
    admin = user_named("yjj_admin")
    planner = planner_of(admin)
    with tenant_scope(admin.tenant_id):
        campaign = campaign_commands.create_campaign(campaign_data(world), actor=planner)
        campaign_commands.approve(campaign.id, actor=leader_of(admin))
        db.session.commit()
    return world, admin, planner, campaign


def test_a_draw_approved_before_blinding_commits_its_key_at_its_freeze_and_draws_blinded(app):
    with app.app_context():
        _world, admin, planner, campaign = _approved()
        with tenant_scope(admin.tenant_id):
            campaign = campaigns.get_campaign(campaign.id)
            record = campaigns.draw(campaign, "targets")
            assert record.blinded and record.blind_commitment != record.commitment  # committed together, two values
            record.blind_key_encrypted = record.blind_commitment = None  # as a deployment before blinding left it
            db.session.commit()
            campaign_commands.freeze_targets(campaign.id, actor=planner)
            db.session.commit()
            record = campaigns.draw(campaigns.get_campaign(campaign.id), "targets")
            assert record.blinded
            campaign_commands.draw_targets(campaign.id, {"public_inputs": INPUT}, actor=planner)
            db.session.commit()
            proof = draw_steps.full_proof(record)
            assert proof["algorithm"] == "spotcheck-draw/3" and proof["blind_commitment"] == record.blind_commitment
        with system_access("test: the audit entries"):
            actions = list(
                db.session.scalars(
                    sa.select(AuditEntry.action).where(AuditEntry.object_id == str(campaign.id)).order_by(AuditEntry.id)
                )
            )
        assert actions.index("draw.key_committed") < actions.index("draw.frozen")  # the key before the freeze


def test_an_inspector_draw_with_a_recusal_and_a_replacement_names_no_business(app):
    with app.app_context():
        _world, admin, planner, campaign = _approved()
        with tenant_scope(admin.tenant_id):
            campaign_commands.freeze_targets(campaign.id, actor=planner)
            campaign_commands.draw_targets(campaign.id, {"public_inputs": INPUT}, actor=planner)
            db.session.commit()
            target = db.session.scalar(
                sa.select(CampaignTarget)
                .where(CampaignTarget.campaign_id == campaign.id, CampaignTarget.status == TargetStatus.selected)
                .order_by(CampaignTarget.id)
                .limit(1)
            )
            code = target.entity.code
            inspector_id = db.session.scalar(sa.select(Inspector.id).order_by(Inspector.id).limit(1))
            inspector_commands.declare_recusal(
                inspector_id, {"entity_id": target.entity_id, "reason": "其配偶在该企业任职"}, actor=admin
            )
            campaign_commands.freeze_inspectors(campaign.id, actor=planner)
            campaign_commands.draw_inspectors(campaign.id, {"public_inputs": INPUT}, actor=planner)
            db.session.commit()
            member = db.session.scalar(
                sa.select(TeamMember).where(TeamMember.campaign_id == campaign.id, TeamMember.active.is_(True)).limit(1)
            )
            campaign_commands.replace_inspector(
                campaign.id, {"member_id": member.id, "reason": "illness"}, actor=planner
            )
            db.session.commit()
            record = campaigns.draw(campaigns.get_campaign(campaign.id), "inspectors")
            proof = draw_steps.full_proof(record)
            codes = set(db.session.scalars(sa.select(sa.text("code")).select_from(sa.text("entity"))))
            key, clear = _bureau(record, planner)
            token = draw_steps.public_id(record, code)
            salt = blinding.salt(draw_steps.blind_key(record), "inspectors", code).hex()
            replaced_at = draw_steps.public_id(record, member.entity.code)
        text = json.dumps(proof, ensure_ascii=False)
        assert proof["algorithm"] == "spotcheck-draw/3" and not any(c in text for c in codes)  # no business named
        cert = next(line.split("\t")[2] for line in proof["frame_lines"] if line.startswith(f"X\t{token}\t"))
        assert any(f"\t{code}\t{cert}" in line for line in clear["frame_lines"])  # the recusal, in clear for the bureau
        assert proof["replacements"][0]["visit"] == replaced_at and proof["replacements"][0]["reason"] == "illness"
        assert all(check.ok for check in verify(proof))
        independent_check(proof)
        check_bureau(proof, key, clear)
        assert all(check.ok for check in disclosure.bureau_checks(proof, key, clear))
        changed = copy.deepcopy(clear)
        changed["frame_lines"] = [
            line for line in clear["frame_lines"] if not line.startswith("X\t")
        ]  # a recusal hidden
        assert not all(check.ok for check in disclosure.bureau_checks(proof, key, changed))
        own = check_own(proof, code, salt)  # the business reads its own visit: its lines, with the recusal
        assert f"X\t{token}\t{cert}" in own["lines"]


def test_a_joint_blinded_draw_and_a_replacement_in_it_verify_for_everyone(app):
    """A joint campaign's targets are not replaced on the platform (its page says so); the replacement DRAW-SPEC
    allows is made here on its stored proof, by the business's token, as a department would record one."""
    with app.app_context():
        ids = joint_world.world("approved")
        coord = user_named("scj_coord")
        with tenant_scope(coord.tenant_id):
            joint.freeze_targets(ids["campaign"], actor=coord)
            joint.draw_targets(ids["campaign"], {"public_inputs": INPUT}, actor=coord)
            db.session.commit()
            record = campaigns.draw(campaigns.get_campaign(ids["campaign"]), "targets")
            proof = draw_steps.full_proof(record)
            group, stratum = next(
                (g, s) for g, strata in proof["reserves"].items() for s, reserve in strata.items() if reserve
            )
            out = db.session.scalar(
                sa.select(CampaignTarget).where(
                    CampaignTarget.campaign_id == ids["campaign"],
                    CampaignTarget.group_code == group,
                    CampaignTarget.stratum == stratum,
                    CampaignTarget.status == TargetStatus.selected,
                )
            )
            out_code = out.entity.code
            out_token = draw_steps.public_id(record, out_code)
            key, clear = _bureau(record, coord)
            salt = blinding.salt(draw_steps.blind_key(record), "targets", out_code).hex()
            excluded = dict(record.excluded or {})
            drawn_codes = set(
                draw_steps.codes_of(
                    record, [i for s in proof["selected"].values() for v in s.values() for i in v]
                ).values()
            )
        replacement = targets.replace_target(proof, group=group, stratum=stratum, out=out_token, reason="已注销")
        assert replacement["in"] == proof["reserves"][group][stratum][0]  # the first reserve of its cell
        assert proof["algorithm"] == "spotcheck-draw/3" and len(proof["selected"]) == 2  # two departments, one seed
        assert out_code in drawn_codes and not any(code in json.dumps(proof) for code in drawn_codes)
        assert all(check.ok for check in verify(proof))
        independent_check(proof)
        check_bureau(proof, key, clear)
        assert all(check.ok for check in disclosure.bureau_checks(proof, key, clear, published_excluded=excluded))
        rows = check_own(proof, out_code, salt)
        assert {"group": group, "stratum": stratum, "status": "replaced out: 已注销"} in [
            {k: row[k] for k in ("group", "stratum", "status")} for row in rows
        ]
        wrong = copy.deepcopy(clear)
        wrong["frame"][0][1] = "Z"  # a clear row in another stratum
        assert not all(check.ok for check in disclosure.bureau_checks(proof, key, wrong))
