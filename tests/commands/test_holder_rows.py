"""A business checks its own row of a blinded draw (本户抽取核验): signed in (here through the legal persons' identity
platform), each business of a drawn frame reads the department, its stratum, its rank out of its cell, whether it was
selected, held in reserve or not drawn, and its salt — with which the independent verifier finds that very row in
the published proof; a business left out before the freeze reads why. The key is read once a business and draw,
audited in the department's trail; one business never reads another's salt."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from spotcheck.core.audit import AuditEntry
from spotcheck.core.database import db
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.draw import native
from spotcheck.tenants.business_record import commands as draw_rows
from spotcheck.tenants.businesses import commands as businesses
from spotcheck.tenants.campaigns import (
    commands as campaign_commands,
    draws as draw_steps,
    holders,
    queries as campaigns,
)
from spotcheck.tenants.campaigns.models import CampaignTarget
from spotcheck.tenants.campaigns.vocabulary import TargetStatus
from spotcheck.tenants.directory.models import Entity
from tests.independent.draw_spec_check import check_own
from tests.support.campaign_world import build, campaign_data, leader_of, planner_of
from tests.support.helpers import user_named

ISSUER = "https://faren.example.gov.cn"


def _signed_in(code: str):
    """The business of credit code ``code`` signed in through the identity platform: its person."""
    outcome = businesses.sign_in_with_identity(
        {"issuer": ISSUER, "subject": f"fr-{code}", "credit_code": code, "name": "王法人", "user_agent": "t"}
    )
    db.session.commit()
    return outcome.person


def _drawn_world():
    """应急管理局's campaign drawn blinded, one business of its directory deregistered before the freeze; returns the
    campaign, its proof as published, and the codes of a selected, a reserve, a not drawn and the excluded
    business."""
    world = build()
    admin = user_named("yjj_admin")
    planner = planner_of(admin)
    excluded = world["codes"][-1]
    with system_access("test: a business deregistered"):
        db.session.execute(sa.update(Entity).where(Entity.code == excluded).values(status="deregistered"))
        db.session.commit()
    with tenant_scope(admin.tenant_id):
        campaign = campaign_commands.create_campaign(campaign_data(world), actor=planner)
        campaign_commands.approve(campaign.id, actor=leader_of(admin))
        campaign_commands.freeze_targets(campaign.id, actor=planner)
        campaign_commands.draw_targets(campaign.id, {"public_inputs": ["observer:测试 0917"]}, actor=planner)
        db.session.commit()
        record = campaigns.draw(campaigns.get_campaign(campaign.id), "targets")
        proof = json.loads(draw_steps.published_bytes(record))
        by_status = {
            status: sorted(
                db.session.scalars(
                    sa.select(Entity.code)
                    .join(CampaignTarget, CampaignTarget.entity_id == Entity.id)
                    .where(CampaignTarget.campaign_id == campaign.id, CampaignTarget.status == status)
                )
            )
            for status in (TargetStatus.selected, TargetStatus.reserve)
        }
    chosen = set(by_status[TargetStatus.selected]) | set(by_status[TargetStatus.reserve]) | {excluded}
    not_drawn = next(code for code in world["codes"] if code not in chosen)
    return (
        campaign,
        proof,
        {
            "selected": by_status[TargetStatus.selected][0],
            "reserve": by_status[TargetStatus.reserve][0],
            "not drawn": not_drawn,
            "excluded": excluded,
        },
    )


def test_each_business_reads_its_own_row_and_checks_it_against_the_published_proof(app):
    with app.app_context():
        campaign, proof, codes = _drawn_world()
        rows = {}
        for what, code in codes.items():
            drawn = draw_rows.own_draws(actor=_signed_in(code))
            db.session.commit()
            assert [d.campaign_id for d in drawn] == [campaign.id], what
            rows[what] = drawn[0]
        for what in ("selected", "reserve", "not drawn"):
            row = rows[what]
            assert row.blinded and row.departments == "宁安市应急管理局" and len(row.salt) == 64
            (cell,) = row.cells
            assert cell.stratum_label and 1 <= cell.rank <= cell.size and row.excluded is None
            (found,) = check_own(proof, codes[what], row.salt)  # the independent verifier, from the proof alone
            assert (found["rank"], found["of"], found["status"]) == (cell.rank, cell.size, cell.status), what
        assert rows["selected"].cells[0].status_label == "已抽中"
        assert rows["reserve"].cells[0].status_label.startswith("备选第")
        assert rows["not drawn"].cells[0].status_label == "未抽中"
        left_out = rows["excluded"]
        assert left_out.cells == [] and left_out.excluded == "not_active"
        assert left_out.excluded_label  # in words
        # the salts are each business's own: another's does not find this one's row
        with pytest.raises(AssertionError, match="token in the draw"):
            check_own(proof, codes["selected"], rows["reserve"].salt)


def test_the_key_is_read_once_a_business_and_the_reading_is_audited(app):
    with app.app_context():
        campaign, _proof, codes = _drawn_world()
        person = _signed_in(codes["selected"])
        first = draw_rows.own_draws(actor=person)
        db.session.commit()
        again = draw_rows.own_draws(actor=person)
        db.session.commit()
        assert first == again
        with system_access("test: the audit entries"):
            entries = list(
                db.session.scalars(
                    sa.select(AuditEntry).where(
                        AuditEntry.action == "draw.holder_read", AuditEntry.object_id == str(campaign.id)
                    )
                )
            )
        assert len(entries) == 1 and entries[0].tenant_id == campaign.tenant_id
        assert entries[0].details["entity"] == codes["selected"]


def test_a_cells_rank_is_the_same_in_c_and_in_python(monkeypatch):
    """The rank the record shows is the holder's check's, whichever way it is worked out."""
    seed = bytes(range(32))
    ids = sorted(f"{n:064x}" for n in range(0, 5000, 7))
    separator = b"\nSCJ\tA\t"
    block = separator.join(i.encode() for i in ids)
    wanted = ids[::97]
    in_c = [holders._rank(seed, block, separator, one) for one in wanted]
    monkeypatch.setattr(native, "BUILT", False)
    in_python = [holders._rank(seed, block, separator, one) for one in wanted]
    assert in_c == in_python and in_c != sorted(in_c)  # ranked by the draw's keys, not by id
    assert len(set(in_c)) == len(wanted) and all(1 <= rank <= len(ids) for rank in in_c)
