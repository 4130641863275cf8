"""管辖 (issue 93 §1): a department acts only on the businesses located in its region or below it — its directory,
its named checks, the registry's edits and so its random frames. Up and across are refused, each refusal naming the
business's place, the department's and the rule in force (《中华人民共和国行政处罚法》第二十二条, the national floor).

On the demo's tree: 牡丹江市 (231000, the root) → 宁安市 (231084) → 宁安镇 (231084100), and 海林市 (231083)
beside 宁安市 with no department. The cases of docs/rules.md (“管辖”): no region, imports, moving a business, one
licence with several addresses, work in flight; and the cross-level cases that must still pass."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import today
from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.scoping import tenant_scope
from spotcheck.platform.operations_check import outside_branches
from spotcheck.tenants.accounts.queries import bureau_of
from spotcheck.tenants.campaigns import commands as campaign_commands, inspection_counts
from spotcheck.tenants.campaigns.frames import OUTSIDE_BRANCH, FramePart, cell_counts, target_frame
from spotcheck.tenants.campaigns.models import Campaign, CampaignTarget, Draw
from spotcheck.tenants.directory import commands as directory, jurisdiction
from spotcheck.tenants.directory.models import DirectoryEntry, Entity, OperatingPlace
from spotcheck.tenants.plans.models import Plan
from tests.support import joint_levels, results_world
from tests.support.campaign_world import build, credit_code, leader_of, planner_of
from tests.support.helpers import bearer, tenant_id, user_named
from tests.support.named_world import named_data
from tests.support.sheets import upload

RULE = "《中华人民共和国行政处罚法》第二十二条"
HAILIN, NINGAN, TOWN, ELSEWHERE = "231083", "231084", "231084100", "231084101"  # 东京城镇: a town the tree lacks


def _create(login: str, number: int, region_code: str, **extra) -> Entity:
    """A business registered by ``login``'s department (committed)."""
    user = user_named(login)
    with tenant_scope(user.tenant_id):
        entity = directory.create_entity(
            {
                "code": credit_code(number),
                "name": f"管辖测试企业{number}",
                "industry_code": "H6210",
                "region_code": region_code,
                **extra,
            },
            actor=user,
        )
        db.session.commit()
        return entity


def _refused(call, *args, field: str, login: str, **kwargs) -> str:
    """The refusal of ``call`` as ``login``, under ``field``, nothing kept."""
    user = user_named(login)
    with tenant_scope(user.tenant_id):
        with pytest.raises(InvalidInputError) as refused:
            call(*args, actor=user, **kwargs)
        db.session.rollback()
    return refused.value.errors[field][0]


def _add(login: str, entity_id: int) -> DirectoryEntry:
    user = user_named(login)
    with tenant_scope(user.tenant_id):
        entry = directory.add_entry({"entity_id": entity_id, "category": "管辖测试", "risk": "B"}, actor=user)
        db.session.commit()
        return entry


def _count(code: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Entity).where(Entity.code == code))


def test_a_county_lead_registers_and_edits_only_the_businesses_of_its_branch(app):
    """宁安市's lead registers a business in 海林市 (across): refused naming both places and the rule, nothing added;
    in its own branch (a town of 宁安市) it registers and edits. 牡丹江市's lead (the root's) registers in 海林市, which
    宁安市's lead then may not edit."""
    with app.app_context():
        refusal = _refused(
            directory.create_entity,
            {"code": credit_code(930001), "name": "海林某餐馆", "industry_code": "H6210", "region_code": HAILIN},
            field="region_code",
            login="scj_admin",
        )
        assert RULE in refusal and "海林市" in refusal and "宁安市市场监督管理局" in refusal
        assert "宁安市及其下级区划" in refusal
        assert _count(credit_code(930001)) == 0
        mine = _create("scj_admin", 930002, ELSEWHERE)
        scj = user_named("scj_admin")
        with tenant_scope(scj.tenant_id):
            assert directory.update_entity(mine.id, {"address": "宁安市东京城镇渤海路1号"}, actor=scj).address
            db.session.commit()
        theirs = _create("mdjscj_admin", 930003, HAILIN)
        refusal = _refused(directory.update_entity, theirs.id, {"name": "改名"}, field="region_code", login="scj_admin")
        assert RULE in refusal and "海林市" in refusal
        assert db.session.get(Entity, theirs.id).name == "管辖测试企业930003"


def test_a_department_adds_to_its_directory_only_the_businesses_of_its_branch(app):
    """Up and across are refused, down is allowed: 宁安镇's office may not list a business of 宁安市 outside the town
    (up) nor one of 海林市 (across); 宁安市's 应急管理局 may list the town's; the city's lead (牡丹江市) lists both."""
    with app.app_context():
        county, town, beside = (
            _create("scj_admin", 930011, ELSEWHERE),
            _create("scj_admin", 930012, TOWN),
            _create("mdjscj_admin", 930013, HAILIN),
        )
        up = _refused(directory.add_entry, {"entity_id": county.id, "risk": "B"}, field="entity", login="nazf_admin")
        assert RULE in up and "宁安市" in up and "宁安镇及其下级区划" in up
        across = _refused(directory.add_entry, {"entity_id": beside.id, "risk": "B"}, field="entity", login="yjj_admin")
        assert "海林市" in across and "宁安市应急管理局" in across
        _add("nazf_admin", town.id)
        _add("yjj_admin", town.id)
        for business in (county, town, beside):  # the city's department on a county's (and a town's) business
            _add("mdjscj_admin", business.id)
        with tenant_scope(user_named("nazf_admin").tenant_id):
            assert set(db.session.scalars(sa.select(DirectoryEntry.entity_id))) >= {town.id}
            assert not {county.id, beside.id} & set(db.session.scalars(sa.select(DirectoryEntry.entity_id)))


def test_a_business_outside_the_tree_is_reached_only_by_the_roots_departments(app):
    """A place no region of the tree holds (110101, 北京市东城区) lies at the root: 宁安市's lead may not register it,
    宁安市's departments may not list it; 牡丹江市's lead registers and lists it."""
    with app.app_context():
        refusal = _refused(
            directory.create_entity,
            {"code": credit_code(930021), "name": "京城某公司", "industry_code": "F5211", "region_code": "110101"},
            field="region_code",
            login="scj_admin",
        )
        assert "区划树之外（110101）" in refusal and RULE in refusal
        outside = _create("mdjscj_admin", 930021, "110101")
        refusal = _refused(directory.add_entry, {"entity_id": outside.id}, field="entity", login="yjj_admin")
        assert "区划树之外（110101）" in refusal
        _add("mdjscj_admin", outside.id)
        assert not jurisdiction.reaches(user_named("nazf_admin").tenant_id, outside)
        assert jurisdiction.reaches(user_named("mdjsfj_admin").tenant_id, outside)


def test_a_business_moves_within_the_editors_branch_and_otherwise_by_the_lowest_common_levels_lead(app):
    """宁安市's lead moves a business from one of its towns to another; out to 海林市 is refused, naming 牡丹江市's
    lead, who moves it (海林市 has no lead of its own); back from 海林市, 宁安市's lead may not either."""
    with app.app_context():
        business = _create("scj_admin", 930031, ELSEWHERE)
        with tenant_scope(tenant_id("SCJ")):
            directory.update_entity(business.id, {"region_code": TOWN}, actor=user_named("scj_admin"))
            db.session.commit()
        refusal = _refused(
            directory.update_entity, business.id, {"region_code": HAILIN}, field="region_code", login="scj_admin"
        )
        assert "宁安市宁安镇" in refusal and "海林市" in refusal and "由牡丹江市市场监督管理局办理" in refusal
        assert RULE in refusal and db.session.get(Entity, business.id).region_code == TOWN
        assert jurisdiction.mover(TOWN, HAILIN).id == tenant_id("MDJSCJ")
        assert jurisdiction.mover(HAILIN, "231083100").id == tenant_id("MDJSCJ")  # within 海林市: the nearest above
        with tenant_scope(tenant_id("MDJSCJ")):
            directory.update_entity(business.id, {"region_code": HAILIN}, actor=user_named("mdjscj_admin"))
            db.session.commit()
        refusal = _refused(
            directory.update_entity, business.id, {"region_code": TOWN}, field="region_code", login="scj_admin"
        )
        assert "海林市" in refusal
        assert db.session.get(Entity, business.id).region_code == HAILIN


def test_one_licence_with_several_addresses_is_reached_through_any_of_its_places(app):
    """一照多址: a business registered in 海林市 with an operating place in 宁安镇 is reached by 宁安镇's office and by
    宁安市's departments; its yearly cap stays with 海林市 (its registered region). A bad place is refused naming its
    line; the places are replaced as given, audited."""
    with app.app_context():
        chain = _create(
            "mdjscj_admin",
            930041,
            HAILIN,
            places=f"{TOWN} 黑龙江省牡丹江市宁安市宁安镇西安街8号\n231083100 黑龙江省牡丹江市海林市海林镇林海路2号",
        )
        assert [(p.region_code, p.address[-5:]) for p in db.session.get(Entity, chain.id).places] == [
            (TOWN, "西安街8号"),
            ("231083100", "林海路2号"),
        ]
        _add("nazf_admin", chain.id)
        _add("swj_admin", chain.id)
        region, _rules = inspection_counts.rules_of_business(chain.region_code, today())
        assert region.code == HAILIN  # the cap's region: where it is registered
        bad = _refused(directory.update_entity, chain.id, {"places": "99 某地\n"}, field="places", login="mdjscj_admin")
        assert bad.startswith("第1处经营场所")
        with tenant_scope(tenant_id("MDJSCJ")):
            directory.update_entity(chain.id, {"places": []}, actor=user_named("mdjscj_admin"))
            db.session.commit()
            [entry] = db.session.scalars(
                sa.select(AuditEntry)
                .where(AuditEntry.action == "entity.saved", AuditEntry.object_id == str(chain.id))
                .order_by(AuditEntry.id.desc())
                .limit(1)
            )
            assert entry.details["places"] == []
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OperatingPlace)) == 0
        # without the place in the town, the office no longer reaches it (its row is the operator's to see)
        assert not jurisdiction.reaches(tenant_id("NAZF"), db.session.get(Entity, chain.id))


def test_a_county_leads_import_of_a_wider_file_is_refused_by_row_and_the_roots_lead_loads_it(app):
    """A directory file with a row of 宁安市 and one of 海林市: 宁安市's lead's import loads nothing and names the row
    of 海林市 (its place, the department's, the rule) — a wider file is the wider lead's; 牡丹江市's lead loads it."""
    client = app.test_client()
    csv = (
        "统一社会信用代码/对象编码,名称,行业代码,行政区划代码,监管类别,风险等级\n"
        f"{credit_code(930051)},宁安管辖导入企业,C1391,{TOWN},食品生产,B\n"
        f"{credit_code(930052)},海林管辖导入企业,C1391,{HAILIN},食品生产,C\n"
    ).encode()
    refused = upload(client, "directory", csv, bearer(app, "scj_admin"), "province.csv")
    assert refused["ok"] is False and refused["error_rows"] == 1
    [error] = refused["errors"]
    assert error["row"] == 3 and RULE in error["reason"] and "海林市" in error["reason"]
    with app.app_context():
        assert _count(credit_code(930051)) == 0 and _count(credit_code(930052)) == 0
    loaded = upload(client, "directory", csv, bearer(app, "mdjscj_admin"), "province.csv")
    assert loaded["ok"] is True and loaded["entities_created"] == 2 and loaded["created"] == 2


def test_work_in_flight_finishes_unchanged_and_the_operators_check_lists_the_rows_outside(app):
    """A business drawn and handed out by 宁安市's 应急管理局 moves to 海林市 (by 牡丹江市's lead): the frozen frame,
    the draws and their proofs do not change and the campaign's result is still published; a new named check of it is
    refused; ``spotcheck check`` lists the department's row outside its branch."""
    with app.app_context():
        ids = results_world.handed_out()
        yjj = tenant_id("YJJ")
        with tenant_scope(yjj):
            visit = results_world.visit(ids)
            business = db.session.get(Entity, visit.entity_id)
            draws = [
                (d.kind, d.frame_digest, d.seed, d.proof)
                for d in db.session.scalars(sa.select(Draw).where(Draw.campaign_id == ids["campaign"]))
            ]
            targets = list(
                db.session.execute(
                    sa.select(CampaignTarget.entity_id, CampaignTarget.rank, CampaignTarget.status).where(
                        CampaignTarget.campaign_id == ids["campaign"]
                    )
                )
            )
        assert outside_branches() == []
        with tenant_scope(tenant_id("MDJSCJ")):
            directory.update_entity(business.id, {"region_code": HAILIN}, actor=user_named("mdjscj_admin"))
            db.session.commit()
        with tenant_scope(yjj):
            assert [
                (d.kind, d.frame_digest, d.seed, d.proof)
                for d in db.session.scalars(sa.select(Draw).where(Draw.campaign_id == ids["campaign"]))
            ] == draws
            assert (
                list(
                    db.session.execute(
                        sa.select(CampaignTarget.entity_id, CampaignTarget.rank, CampaignTarget.status).where(
                            CampaignTarget.campaign_id == ids["campaign"]
                        )
                    )
                )
                == targets
            )
            assert results_world.published(ids).published_at is not None  # the campaign under way finishes
        world = ids["world"]
        refusal = _refused(
            campaign_commands.create_campaign,
            named_data(world, targets=1, codes=[business.code]),
            field="named_targets",
            login="yjj_planner",
        )
        assert business.code in refusal and "海林市" in refusal and RULE in refusal
        [line] = outside_branches()
        assert "宁安市应急管理局" in line and "1 directory row(s)" in line and business.code in line
        with tenant_scope(yjj):  # a new frame of the department leaves the row out, with its reason
            campaign = db.session.get(Campaign, ids["campaign"])
            _counts, excluded = cell_counts(FramePart.of(campaign), today())
            assert excluded[OUTSIDE_BRANCH] == 1
            frame = target_frame([FramePart.of(campaign)], today())
            assert (business.code, OUTSIDE_BRANCH) in frame.excluded_ids
            assert business.code.encode() not in frame.file


def test_a_named_check_names_only_businesses_of_the_departments_branch(app):
    """宁安镇's office drafts a named check of a business of its directory located in the town; one kept in its
    directory from before the rule, located elsewhere in 宁安市, is refused at the draft, naming its place."""
    with app.app_context():
        world = build("nazf", entities=4)
        kept = _create("scj_admin", 930061, ELSEWHERE)
        with tenant_scope(tenant_id("NAZF")):  # as an entry listed before the rule was: not through the command
            nazf = user_named("nazf_admin")
            db.session.add(DirectoryEntry(entity_id=kept.id, category="测试危化类", risk="B"))
            db.session.commit()
            campaign = campaign_commands.create_campaign(
                named_data(world, targets=1, codes=[world["codes"][0]]), actor=planner_of(nazf)
            )
            campaign_commands.approve(campaign.id, actor=leader_of(nazf))
            db.session.commit()
        refusal = _refused(
            campaign_commands.create_campaign,
            named_data(world, targets=1, codes=[kept.code]),
            field="named_targets",
            login="nazf_planner",
        )
        assert kept.code in refusal and "宁安市" in refusal and "宁安镇及其下级区划" in refusal


def test_a_town_office_s_plan_is_filed_by_the_county_s_bureau(app):
    """Cross-level, still allowed: 宁安镇's office (no bureau of its own) has its businesses in the town and its plan
    filed by 宁安市司法局."""
    with app.app_context():
        world = build("nazf", entities=4)
        with tenant_scope(user_named("nazf_admin").tenant_id):
            plan = db.session.get(Plan, world["plan"])
            assert plan.status.value == "filed"
            assert bureau_of(plan.tenant_id).full_name == "宁安市司法局"
            located = set(db.session.scalars(sa.select(Entity.region_code).where(Entity.code.in_(world["codes"]))))
        assert located == {TOWN}


def test_each_departments_cell_of_a_joint_frame_comes_from_its_own_directory_within_its_branch(app):
    """A joint campaign down the branch (the city's 商务局, 海林市's 应急管理局, 海林镇's department): every business
    each department's part drew is one it reaches, and the town's department may not list a business of its county
    outside the town — so its cell cannot hold one."""
    with app.app_context():
        ids = joint_levels.handed_out()
        for dept in joint_levels.LEVELS:
            tenant = user_named(f"{dept}_admin").tenant_id
            with tenant_scope(tenant):
                drawn = db.session.scalars(
                    sa.select(Entity)
                    .join(CampaignTarget, CampaignTarget.entity_id == Entity.id)
                    .where(CampaignTarget.campaign_id == ids[f"{dept}_part"])
                ).all()
                assert drawn and all(jurisdiction.reaches(tenant, business) for business in drawn), dept
        county = _create("mdjscj_admin", 930071, HAILIN)
        town_dept = next(dept for dept, level in joint_levels.LEVELS.items() if level == "town")
        refusal = _refused(directory.add_entry, {"entity_id": county.id}, field="entity", login=f"{town_dept}_admin")
        assert "海林市" in refusal and RULE in refusal
