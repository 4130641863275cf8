"""The data key (数据密钥): ``spotcheck keys adopt`` moves a deployment whose protected values are under the key derived
from SECRET_KEY to its own SPOTCHECK_DATA_KEY, ``keys rotate`` to a new one — ID numbers, 企业核验码, complainants'
contacts and every draw's commitment nonce, with every digest kept for look-ups, all or nothing, audited. Afterwards
every value reads back, a business code still verifies, a committed draw completes with a proof that verifies, and
SECRET_KEY may change without touching stored data; a process still on the old key refuses to read."""

from __future__ import annotations

import json
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from spotcheck.core import personal_data
from spotcheck.core.audit import AuditEntry
from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.policy import CONSOLE
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.draw import disclosure, proof_file
from spotcheck.draw.verify import verify
from spotcheck.platform.data_keys import change_data_key
from spotcheck.tenants.campaigns import commands as campaign_commands, draws as draw_steps, queries as campaigns
from spotcheck.tenants.campaigns.models import Campaign, CampaignStatus, Draw
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.results import codes
from spotcheck.tenants.results.models import InspectionCode
from spotcheck.tenants.supervision.models import ComplaintContact
from tests.independent.draw_spec_check import check as independent_check
from tests.support.demo_world import demo_city
from tests.support.helpers import user_named


@contextmanager
def _keyed(app, **config):
    """The app's settings changed for a while (a process restarted with another key), a fresh session."""
    before = {name: app.config.get(name) for name in config}
    app.config.update(config)
    db.session.remove()
    try:
        yield
    finally:
        app.config.update(before)
        db.session.remove()


def _protected() -> dict:
    """Every protected value as it reads now, and whether each business code verifies against its digest."""
    with system_access("test: the protected values"):
        ids = {row.id: personal_data.decrypt(row.id_encrypted) for row in db.session.scalars(sa.select(Inspector))}
        business = {}
        for code in db.session.scalars(sa.select(InspectionCode)):
            plain = codes.business_code(code)
            business[code.id] = (plain, codes.business_matches(code, plain))
        contacts = {
            row.id: (personal_data.decrypt(row.name_encrypted), personal_data.decrypt(row.phone_encrypted))
            for row in db.session.scalars(sa.select(ComplaintContact))
        }
        draws = list(db.session.scalars(sa.select(Draw)))
        nonces = {row.id: draw_steps.secret_nonce(row) for row in draws}
        blinded = {  # a blinded draw's key, and its clear frame once frozen
            row.id: (draw_steps.blind_key(row), draw_steps.read_clear(row) if row.frozen_at else None)
            for row in draws
            if row.blinded
        }
        db.session.rollback()
    return {"ids": ids, "business": business, "contacts": contacts, "nonces": nonces, "blinded": blinded}


def _committed_undrawn() -> int:
    """A campaign of the demo whose target draw is committed (approved), not frozen nor drawn."""
    with system_access("test: a committed draw"):
        campaign_id = db.session.scalar(
            sa.select(Campaign.id)
            .join(Draw, Draw.campaign_id == Campaign.id)
            .where(Campaign.status == CampaignStatus.approved, Draw.frozen_at.is_(None))
            .order_by(Campaign.id)
            .limit(1)
        )
        db.session.rollback()
    assert campaign_id is not None
    return campaign_id


def _drawn_and_verified(campaign_id: int) -> None:
    """The committed draw frozen and drawn by its planner: its published proof verifies, twice over."""
    with system_access("test: the campaign's department"):
        campaign = db.session.get(Campaign, campaign_id)
        tenant_id, code = campaign.tenant_id, campaign.tenant.code.lower()
        db.session.rollback()
    planner = user_named(f"{code}_planner")
    with tenant_scope(tenant_id):
        campaign_commands.freeze_targets(campaign_id, actor=planner)
        campaign_commands.draw_targets(campaign_id, {"public_inputs": ["observer:测试"]}, actor=planner)
        db.session.commit()
        proof = proof_file.loads(
            draw_steps.published_bytes(campaigns.draw(campaigns.get_campaign(campaign_id), "targets"))
        )
    assert all(check.ok for check in verify(proof))
    independent_check(proof)
    with tenant_scope(tenant_id):  # the bureau's check: the key and the clear frame kept through both moves
        record = campaigns.draw(campaigns.get_campaign(campaign_id), "targets")
        key, clear = (
            draw_steps.blind_key(record).hex(),
            json.loads(draw_steps.clear_file(record, actor=planner, reader="test")),
        )
        excluded = dict(record.excluded or {})
        db.session.rollback()
    checks = disclosure.bureau_checks(proof, key, clear, published_excluded=excluded)
    assert all(check.ok for check in checks) and proof["algorithm"] == "spotcheck-draw/3"


@pytest.mark.seconds(15)
def test_adopting_then_rotating_the_data_key_keeps_every_value_and_the_committed_draw(app):
    with app.app_context():
        demo_city()
        before = _protected()
        assert before["ids"] and before["business"] and before["contacts"] and before["nonces"] and before["blinded"]
        assert any(clear for _key, clear in before["blinded"].values())  # the demo's blinded draws, drawn
        assert any(clear is not None and clear.token_order for _key, clear in before["blinded"].values())  # sealed
        assert all(matches for _plain, matches in before["business"].values())
        campaign_id = _committed_undrawn()
        own, rotated = personal_data.generate_key(), personal_data.generate_key()
        derived = personal_data.derived_key(app.config["SECRET_KEY"])

        counts = change_data_key({"old": derived, "new": own, "how": "adopted"}, actor=CONSOLE)
        db.session.commit()
        assert counts["inspector"] == len(before["ids"]) and counts["inspection_code"] == len(before["business"])
        assert counts["complaint_contact"] == len(before["contacts"]) and counts["draw"] == len(before["nonces"])
        with system_access("test: the audit entry"):
            entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "data_key.adopted"))
            assert (
                entry is not None
                and entry.actor_login == "console"
                and entry.details["inspector"] == counts["inspector"]
            )
            db.session.rollback()
        with pytest.raises(personal_data.DataKeyMismatchError):  # a process still on the derived key refuses to read
            _protected()
        db.session.remove()

        with _keyed(app, SPOTCHECK_DATA_KEY=own):
            assert _protected() == before
            with _keyed(app, SECRET_KEY="another-secret-key-for-sessions-only-0123456789"):
                assert _protected() == before  # SECRET_KEY no longer touches stored data
            change_data_key({"old": own, "new": rotated, "how": "rotated"}, actor=CONSOLE)
            db.session.commit()
        with _keyed(app, SPOTCHECK_DATA_KEY=rotated):
            assert _protected() == before
            _drawn_and_verified(campaign_id)  # the nonce committed before both moves still opens its draw


def test_a_failed_rotation_leaves_the_old_key_in_force_and_changes_nothing(app):
    with app.app_context():
        demo_city()
        before = _protected()
        derived = personal_data.derived_key(app.config["SECRET_KEY"])
        with system_access("test: one value under another key"):
            broken = db.session.scalar(sa.select(Inspector).order_by(Inspector.id.desc()).limit(1))
            kept = broken.id_encrypted
            broken.id_encrypted = personal_data.keys_of(personal_data.generate_key()).fernet.encrypt(b"x").decode()
            db.session.commit()
        with pytest.raises(InvalidInputError) as refused:
            change_data_key({"old": derived, "new": personal_data.generate_key()}, actor=CONSOLE)
        assert "nothing was changed" in str(refused.value.errors["key"][0]).lower() or "未作" in str(refused.value)
        db.session.rollback()
        with pytest.raises(InvalidInputError):  # a key that is not the one the values are under: refused at once
            change_data_key({"old": personal_data.generate_key(), "new": personal_data.generate_key()}, actor=CONSOLE)
        db.session.rollback()
        with system_access("test: put the value back"):
            db.session.get(Inspector, broken.id).id_encrypted = kept
            db.session.commit()
        assert _protected() == before  # every value as it was, under the derived key still in force
