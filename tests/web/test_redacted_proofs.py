"""Old proofs withdrawn from public view (隐去明细, issue 92 part 3, DRAW-SPEC "A redacted proof"). A version 1 target
proof whose strata name each business's risk class or a flag, and a version 2 inspector proof whose ``X`` lines name a
recusal, drawn before blinding: ``spotcheck draws redact --dry-run`` lists them (campaign, kind, version, why) and
changes nothing; the upgrade's run withdraws them, each audited in the department's trail as the console's. The public
then downloads the redacted proof, which verifies (Python, the one-file verifier, Node's) and whose page keeps the
original's SHA-256; the department and its supervising bureau still download and verify the full proof, another
bureau finds nothing. A proof whose strata are public facts — one risk class, or the legal lists only — stays whole.
A draw frozen before blinding and drawn afterwards is withdrawn at its draw."""

from __future__ import annotations

import hashlib
import json
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from spotcheck.cli import main
from spotcheck.core.audit import AuditEntry
from spotcheck.core.database import db
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.draw import proof_file
from spotcheck.draw.verify import REDACTED_FIELDS, verify, verify_bytes
from spotcheck.tenants.campaigns import (
    draws as draw_steps,
    queries as campaigns,
    redaction,
)
from spotcheck.tenants.directory.models import DirectoryEntry
from tests.support.campaign_world import STRATA, build, campaign_data
from tests.support.helpers import bearer, signed_in, user_named
from tests.support.old_draws import FLAGGED_RULES, flag_some, old_campaign
from tests.support.verifier import run_node


def _redact(app, *args: str):
    """``spotcheck draws redact`` with ``args``, as the operator runs it."""
    result = app.test_cli_runner().invoke(args=["draws", "redact", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _redacted_entries() -> list[AuditEntry]:
    with system_access("test: the withdrawals' audit entries"):
        return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "draw.redacted")))


def _record(campaign_id: int, kind: str = "targets") -> SimpleNamespace:
    """What the tests read of the campaign's draw, read in its department's scope."""
    with tenant_scope(user_named("yjj_admin").tenant_id):
        record = campaigns.draw(campaigns.get_campaign(campaign_id), kind)
        return SimpleNamespace(
            proof=record.proof,
            counts=record.counts,
            redacted_at=record.redacted_at,
            proof_sha256=record.proof_sha256,
            frame_file=draw_steps.frame_of(record),
            full=draw_steps.published_bytes(record),
        )


def _full_bytes(campaign_id: int, kind: str = "targets") -> bytes:
    return _record(campaign_id, kind).full


def test_an_old_target_proof_naming_classes_and_flags_is_listed_then_withdrawn_audited(app, tmp_path):
    with app.app_context():
        world = build()
        flag_some(world)
        campaign_id = old_campaign(world, before_the_upgrade=True)
        full = _full_bytes(campaign_id)
        code = _record(campaign_id).proof["campaign"]
    anyone = app.test_client()
    public = f"/public/draws/campaigns/{campaign_id}"
    assert anyone.get(f"{public}/proofs/targets.json").data == full  # served whole before the upgrade

    listed = _redact(app, "--dry-run")  # what would change, and why, in Chinese; nothing changes
    assert f"{code} 《危化企业双随机抽查》 检查对象抽取 spotcheck-draw/1" in listed, listed
    assert "风险等级 A" in listed and "有特殊标记的对象" in listed and "指明了每户企业的风险等级或特殊标记" in listed
    assert "试运行（--dry-run）：未作任何改动" in listed and "规则：" in listed
    with app.app_context():
        assert _record(campaign_id).redacted_at is None and _redacted_entries() == []
    assert anyone.get(f"{public}/proofs/targets.json").data == full

    upgraded = app.test_cli_runner().invoke(args=["db", "upgrade"])  # the upgrade applies it
    assert upgraded.exit_code == 0, upgraded.output
    applied = upgraded.output
    assert "已隐去明细" in applied and code in applied and "试运行" not in applied
    with app.app_context():
        [entry] = _redacted_entries()
        record = _record(campaign_id)
        assert record.redacted_at is not None
        assert entry.tenant_id == world["tenant"] and entry.actor_login == "console"  # the department's trail
        assert entry.object_id == str(campaign_id) and entry.details["kind"] == "targets"
        assert entry.details["original_sha256"] == hashlib.sha256(full).hexdigest() == record.proof_sha256
        assert "flagged" in entry.details["revealing_strata"]["YJJ"]
    assert "没有版本1或版本2的抽取证明仍在完整公开" in _redact(app)  # a second run finds nothing
    with app.app_context():
        assert len(_redacted_entries()) == 1

    # the public: the redacted proof, which verifies, and names the original's SHA-256
    data = anyone.get(f"{public}/proofs/targets.json").data
    proof = json.loads(data)
    assert set(proof) == REDACTED_FIELDS and proof["redacted"] is True and proof["campaign"] == code
    assert proof["original_sha256"] == hashlib.sha256(full).hexdigest()
    assert proof["counts"]["YJJ"]["flagged"] >= 6 and sum(proof["counts"]["YJJ"].values()) == len(world["codes"])
    assert not any(c.encode() in data for c in world["codes"])  # no business is named
    assert all(check.ok for check in verify_bytes(data))
    path = tmp_path / "redacted.json"
    path.write_bytes(data)
    checked = CliRunner().invoke(main, ["draw", "verify", str(path)])
    assert checked.exit_code == 0 and "明细已隐去" in checked.output, checked.output
    in_node = run_node(path)  # the browser verifier, as the verify button runs it
    assert in_node.returncode == 0 and "明细已隐去" in in_node.stdout, in_node.stdout
    page = anyone.get(public).get_data(as_text=True)
    assert 'id="targets-redacted"' in page and f'id="targets-original-sha256">{proof["original_sha256"]}<' in page
    verified = anyone.get(f"{public}/proofs/targets/verify").get_data(as_text=True)
    assert 'id="verify-redacted"' in verified and "public-verdict-ok" in verified
    assert proof["original_sha256"] in verified and "differs from" not in verified and "不一致" not in verified

    # the department: the full proof, which verifies, on its pages and through its API
    planner = signed_in(app, "yjj_planner")
    assert planner.get(f"/campaigns/{campaign_id}/proofs/targets.json").data == full
    assert 'id="verify-ok"' in planner.get(f"/campaigns/{campaign_id}/proofs/targets/verify").get_data(as_text=True)
    assert 'id="targets-redacted"' in planner.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    api = app.test_client().get(
        f"/api/v1/campaigns/{campaign_id}/draws/targets/proof", headers=bearer(app, "yjj_planner")
    )
    assert api.status_code == 200 and api.data == full
    assert all(check.ok for check in verify(proof_file.loads(full)))
    facts = app.test_client().get(f"/api/v1/campaigns/{campaign_id}/draws/targets", headers=bearer(app, "yjj_planner"))
    assert facts.json["redacted"] is True and facts.json["proof_sha256"] == proof["original_sha256"]

    # its supervising bureau: the full proof too, read through its path across departments; another bureau: nothing
    bureau = signed_in(app, "sfj_supervisor")
    assert bureau.get(f"/supervision/draws/{campaign_id}").status_code == 200
    assert bureau.get(f"/supervision/draws/{campaign_id}/proofs/targets.json").data == full
    assert 'id="verify-ok"' in bureau.get(f"/supervision/draws/{campaign_id}/proofs/targets/verify").get_data(
        as_text=True
    )
    for other in ("mdjsfj_supervisor", "scj_planner"):
        assert signed_in(app, other).get(f"/supervision/draws/{campaign_id}/proofs/targets.json").status_code in (
            403,
            404,
        ), other


def test_a_proof_of_one_risk_class_or_of_the_legal_lists_only_stays_whole(app):
    with app.app_context():
        world = build()
        with system_access("test: one risk class in the department's directory"):
            db.session.execute(sa.update(DirectoryEntry).values(risk="C"))
            db.session.commit()
        one_class = old_campaign(world, strata=STRATA)  # drawn after the upgrade: examined at its draw, kept
        flag_some(world, 8, abnormal=True)  # on the abnormal operations list (经营异常名录), a public list
        with system_access("test: other risk classes again"):
            db.session.execute(sa.update(DirectoryEntry).where(DirectoryEntry.id % 2 == 0).values(risk="A"))
            db.session.commit()
        listed = old_campaign(
            world,
            strata=FLAGGED_RULES,
            target_filter={"categories": campaign_data(world)["target_filter"]["categories"], "flags": ["abnormal"]},
        )
        assert set(_record(one_class).counts["YJJ"]) == {"C"} and set(_record(listed).counts["YJJ"]) == {"flagged"}
        whole = {campaign_id: _full_bytes(campaign_id) for campaign_id in (one_class, listed)}
    listing = _redact(app, "--dry-run")
    assert "保持完整公开，共2份" in listing and "将隐去明细" not in listing, listing
    assert "各部门的分层均为公开事实" in listing
    _redact(app)
    with app.app_context():
        assert _redacted_entries() == []
    for campaign_id, data in whole.items():
        assert app.test_client().get(f"/public/draws/campaigns/{campaign_id}/proofs/targets.json").data == data


def test_an_old_inspector_proof_with_a_recusal_line_is_withdrawn(app):
    with app.app_context():
        world = build()
        with system_access("test: one risk class in the department's directory"):
            db.session.execute(sa.update(DirectoryEntry).values(risk="B"))
            db.session.commit()
        campaign_id = old_campaign(world, before_the_upgrade=True, strata=STRATA, inspectors=True)
        record = _record(campaign_id, "inspectors")
        assert record.proof["algorithm"] == "spotcheck-draw/2"
        recusals = [line for line in record.frame_file.decode().splitlines() if line.startswith("X\t")]
        assert len(recusals) == 1
        full = _full_bytes(campaign_id, "inspectors")
    listing = _redact(app, "--dry-run")
    assert "检查人员抽取 spotcheck-draw/2" in listing and "1 行回避声明（X 行）" in listing, listing
    assert "检查对象抽取 spotcheck-draw/1：各部门的分层均为公开事实" in listing  # its target proof: one class
    _redact(app)
    with app.app_context():
        [entry] = _redacted_entries()
        assert entry.details["kind"] == "inspectors" and entry.details["recusals"] == 1
    data = app.test_client().get(f"/public/draws/campaigns/{campaign_id}/proofs/inspectors.json").data
    proof = json.loads(data)
    assert set(proof) == REDACTED_FIELDS and proof["original_sha256"] == hashlib.sha256(full).hexdigest()
    assert proof["counts"]["YJJ"]["pool"] == 8 and proof["counts"]["YJJ"]["visits"] >= 2
    assert recusals[0].split("\t")[1].encode() not in data  # the business a conflict was declared with
    assert all(check.ok for check in verify_bytes(data))
    planner = signed_in(app, "yjj_planner")
    assert planner.get(f"/campaigns/{campaign_id}/proofs/inspectors.json").data == full
    assert app.test_client().get(f"/public/draws/campaigns/{campaign_id}/proofs/targets.json").data == _whole(
        app, campaign_id
    )


def _whole(app, campaign_id: int) -> bytes:
    with app.app_context():
        return _full_bytes(campaign_id)


def test_a_draw_frozen_before_blinding_and_drawn_after_the_upgrade_is_withdrawn_at_its_draw(app):
    with app.app_context():
        campaign_id = old_campaign(build())
        [entry] = _redacted_entries()
        assert entry.actor_login == "yjj_planner" and _record(campaign_id).redacted_at is not None
        proof = json.loads(app.test_client().get(f"/public/draws/campaigns/{campaign_id}/proofs/targets.json").data)
        assert proof["redacted"] is True and all(check.ok for check in verify(proof))


@pytest.mark.parametrize(
    "stratum, strata, target_filter, public",
    [
        ("C", ["C"], {}, True),  # the frame's only stratum: sets no business apart
        ("A", ["A", "B"], {}, False),  # a class among others
        ("flagged", ["flagged"], {}, False),  # flagged: may be a complaint or a penalty
        ("flagged", ["flagged"], {"flags": ["abnormal"]}, True),  # every candidate on a public list
        ("flagged", ["flagged"], {"flags": ["blacklisted", "complaints"]}, True),  # the stratum; the filter is not
    ],
)
def test_the_rule_of_public_facts(stratum, strata, target_filter, public):
    assert redaction.public_fact(stratum, strata, target_filter) is public
    assert redaction.private_flags({"flags": ["abnormal", "complaints", "penalized"]}) == ["complaints", "penalized"]


def test_a_withdrawn_proofs_campaign_page_lists_its_businesses_by_name_only(app):
    """The page of a campaign whose proof was withdrawn lists no business beside its stratum or team: the strata are
    what the redaction hides (names only, and only as the department's rule publishes the list)."""
    with app.app_context():
        campaign_id = old_campaign(build())
        html = app.test_client().get(f"/public/draws/campaigns/{campaign_id}").get_data(as_text=True)
    assert 'class="public-targets stack-on-phone"' not in html  # the table of targets with their strata and teams
    assert 'id="stratum"' not in html  # nor a filter by stratum
    assert 'id="public-targets-withdrawn"' in html  # why the page says so
