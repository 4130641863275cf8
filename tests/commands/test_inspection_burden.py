"""涉企检查频次 (国办发〔2024〕54号): the justice bureau's figures of how often each business is inspected across the
departments — two departments' checks of one business 18 days apart are flagged, the checks per business and the
joint rate counted, each drilling down to its visits; a department's repeated draws of one business are weighed
against the chance its frames gave; only the bureau reads them."""

from __future__ import annotations

import itertools
import math
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from hypothesis import given, strategies as st

from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import SHANGHAI, frozen_at
from spotcheck.core.database import db
from spotcheck.core.errors import ForbiddenError
from spotcheck.core.policy import CONSOLE
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.tenants.accounts.models import Tenant, TenantKind
from spotcheck.tenants.audit.vocabulary import ACTION_LABELS
from spotcheck.tenants.campaigns import commands as campaign_commands
from spotcheck.tenants.directory import commands as directory
from spotcheck.tenants.directory.models import DirectoryEntry, Entity
from spotcheck.tenants.directory.queries import entity_by_code
from spotcheck.tenants.regions import queries as regions
from spotcheck.tenants.results import commands as results
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.rules import commands as rules_commands
from spotcheck.tenants.supervision import vocabulary
from spotcheck.tenants.supervision.burden import rows as burden_rows
from spotcheck.tenants.supervision.commands.draw_checks import REPEATS_REASON
from spotcheck.tenants.supervision.queries import burden as burden_queries
from spotcheck.tenants.supervision.repeated_draws import tail
from tests.support.campaign_world import build, campaign_data, drawn_together, leader_of, planner_of
from tests.support.helpers import user_named
from tests.support.joint_world import checked_world
from tests.support.named_world import handed_out
from tests.support.rules_files import changed_rulebook, load_department_cap

YEAR = vocabulary.parse_period("2026")


def _brute(chances, k):
    return sum(
        math.prod(p if hit else 1 - p for p, hit in zip(chances, hits, strict=True))
        for hits in itertools.product((0, 1), repeat=len(chances))
        if sum(hits) >= k
    )


@given(st.lists(st.floats(0, 1), max_size=7), st.integers(0, 8))
def test_the_chance_of_being_drawn_that_often_is_the_poisson_binomial_tail(chances, k):
    assert tail(chances, k) == pytest.approx(_brute(chances, k), abs=1e-9)
    assert tail(chances, 0) == pytest.approx(1.0)


def test_known_chances():
    assert tail([0.5, 0.5], 2) == pytest.approx(0.25)
    assert tail([0.1] * 3, 3) == pytest.approx(0.001)


def _checked(ids, department: str, day: date) -> None:
    chief = user_named(f"{department}_inspector")
    with tenant_scope(ids["tenant"]), frozen_at(datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI)):
        item = ids["item"]
        results.record_result(
            ids["visit"],
            {
                "checked_on": day.isoformat(),
                "method": "onsite",
                "record": "现场核查。",
                "evaluation": "基本规范。",
                "opinions": "无。",
                "items": {str(item): {"categories": ["no_problem"], "findings": ""}},
            },
            actor=chief,
        )
        results.submit_result(ids["visit"], actor=chief)
        db.session.commit()


def _bureau():
    """A supervisor of the deployment's justice bureau (the root's): the campaign worlds' businesses are registered
    outside the tree, and only the root's figures cover every business (a lower level's, those in its branch)."""
    root = regions.root()
    bureau = db.session.scalar(
        sa.select(Tenant).where(Tenant.region_id == root.id, Tenant.kind == TenantKind.supervisor)
    )
    return user_named(f"{bureau.code.lower()}_supervisor")


def _named(tenant_id: int) -> str:
    """A department as the drill-downs name it: with its region and level (``应急管理局（宁安市，县级）``)."""
    tenant = db.session.get(Tenant, tenant_id)
    return f"{tenant.name}（{tenant.region.name}，{LEVELS[tenant.region.level]}级）"


#: The level words of a department's name in a drill-down.
LEVELS = {"province": "省", "city": "市", "county": "县", "town": "乡"}


def test_every_burden_figure_has_its_rows_in_one_table_and_an_unknown_key_is_refused():
    assert set(burden_rows.ROWS) == set(vocabulary.BURDEN_BY_KEY)
    with pytest.raises(KeyError, match="no_such_figure"):
        burden_rows.rows_of("no_such_figure", YEAR, reader=CONSOLE)


@pytest.mark.seconds(3)
def test_two_departments_checking_one_business_within_the_window_are_flagged_and_drill_down(app):
    with app.app_context(), frozen_at(date(2026, 2, 27)):
        yjj_world, swj_world = build(), build("swj")
        business = yjj_world["codes"][0]
        swj = user_named("swj_admin")
        with tenant_scope(swj.tenant_id):
            directory.add_entry(
                {"entity_id": entity_by_code(business).id, "risk": "B", "category": "危险化学品"}, actor=swj
            )
            db.session.commit()
        first = {**handed_out(yjj_world), "item": yjj_world["item"]}
        second = {**handed_out(swj_world, department="swj", codes=[business]), "item": swj_world["item"]}
    with app.app_context():
        _checked(first, "yjj", date(2026, 3, 2))
        _checked(second, "swj", date(2026, 3, 20))
        supervisor = _bureau()
        with tenant_scope(supervisor.tenant_id), frozen_at(date(2026, 4, 1)):
            found = burden_queries.figures(YEAR, reader=supervisor)
            assert (found.onsite, found.joint, found.businesses, found.most) == (2, 0, 1, 2)
            assert found.repeated == 1 and found.spread == {2: 1} and found.joint_rate == 0
            assert found.over_cap == 0 and found.window_days == 30
            rows = burden_queries.rows("repeated", YEAR, reader=supervisor)  # the business once, with its checks
            yjj = _named(user_named("yjj_admin").tenant_id)  # each department with its region and level
            assert yjj.startswith(user_named("yjj_admin").tenant.name + "（") and yjj.endswith("级）")
            assert [r[1:] for r in rows.rows] == [
                [business, 2, f"2026-03-02 {yjj}；2026-03-20 {_named(swj.tenant_id)}"]
            ]
            assert [r[2] for r in burden_queries.rows("per_business", YEAR, reader=supervisor).rows] == [2]
            with pytest.raises(ForbiddenError):
                burden_queries.figures(YEAR, reader=user_named("yjj_leader"))


@pytest.mark.seconds(2.0)
def test_frames_frozen_together_over_the_cap_and_repeated_draws_are_flagged_with_their_chance(app):
    with app.app_context(), frozen_at(date(2026, 2, 10)):
        world = build()
        admin, supervisor = user_named("yjj_admin"), _bureau()
        with tenant_scope(admin.tenant_id):
            load_department_cap(admin.tenant_id, 1)
        rules_commands.load_rulebook({"text": changed_rulebook(repeat_draw_alpha=(99, "第9条"))}, actor=CONSOLE)
        db.session.commit()
        planner, leader = planner_of(admin), leader_of(admin)
        with tenant_scope(admin.tenant_id):
            sizes = dict(
                db.session.execute(sa.select(DirectoryEntry.risk, sa.func.count()).group_by(DirectoryEntry.risk)).all()
            )
            # two draws of 80 % of each class (the same ratio for every class: the floor's order of the risk classes
            # holds), so they overlap
            strata = {risk: {"ratio_bp": 8000, "min": 0} for risk in sizes}
            ids = []
            for title in ("第一批", "第二批"):
                campaign = campaign_commands.create_campaign(
                    campaign_data(world, title=title, strata=strata), actor=planner
                )
                campaign_commands.approve(campaign.id, actor=leader)
                ids.append(campaign.id)
            both = drawn_together(ids, planner)  # each frame sees the business below its cap
            risk_of = dict(db.session.execute(sa.select(DirectoryEntry.entity_id, DirectoryEntry.risk)).all())
        assert both
        with tenant_scope(supervisor.tenant_id):
            found = burden_queries.figures(YEAR, reader=supervisor)
            assert found.over_cap == len(both) and found.suspicious == len(both)
            over = burden_queries.rows("over_cap", YEAR, reader=supervisor)
            named = _named(admin.tenant_id)
            assert all(row[2:5] == [2, 1, named] and row[6] == "两个抽取范围同时冻结" for row in over.rows)
            flagged = burden_queries.rows("suspicious", YEAR, reader=supervisor)
            by_code = {row[1]: row for row in flagged.rows}
        # the businesses' tokens in each blinded draw were made with its key: each reading in the drawing department's
        # trail and the bureau's, named in Chinese, with why and for how many businesses
        department, bureau = admin.tenant_id, supervisor.tenant_id
        with system_access("test: the trails"):
            for chain in (department, bureau):
                read = db.session.scalars(
                    sa.select(AuditEntry).where(AuditEntry.chain == chain, AuditEntry.action == "draw.key_read")
                ).all()
                assert {int(entry.object_id) for entry in read} >= set(ids), chain
                assert all(e.details["reason"] == REPEATS_REASON and e.details["count"] >= 1 for e in read)
            with app.test_request_context(), force_locale("zh_CN"):
                assert str(ACTION_LABELS["draw.key_read"]) == "司法局读取抽取的盲化密钥（核验抽取、重复抽中提示）"
            db.session.rollback()
        with tenant_scope(bureau):
            for entity_id in both:
                entity = db.session.get(Entity, entity_id)
                n = sizes[risk_of[entity_id]]
                p = (8000 * n + 9999) // 10000 / n  # DRAW-SPEC: ceil(ratio × size) of the class drawn
                row = by_code[entity.code]
                assert row[3] == 2 and row[4] == pytest.approx(2 * p, abs=0.01)  # drawn twice, expected 2p
                assert row[5] == f"{p**2:.2%}"  # the chance of both: p²


#: What each figure of 涉企检查频次 counts (a rate: the count it is the share of) — its drill-down lists as many rows.
COUNTED = {
    "over_cap": "over_cap",
    "repeated": "repeated",
    "suspicious": "suspicious",
    "per_business": "businesses",
    "joint_rate": "joint",
    "onsite": "onsite",
}


@pytest.mark.seconds(9)
def test_each_figure_is_the_number_of_rows_its_drill_down_lists_a_joint_visit_once_with_every_department(app):
    with app.app_context():
        ids = checked_world()
        departments: dict[int, set[str]] = {}  # the departments that checked each business of the joint campaign
        for dept in ("yjj", "swj"):
            admin = user_named(f"{dept}_admin")
            with tenant_scope(admin.tenant_id):
                for entity_id in db.session.scalars(
                    sa.select(Visit.entity_id).where(Visit.campaign_id == ids[f"{dept}_part"])
                ):
                    departments.setdefault(entity_id, set()).add(_named(admin.tenant_id))
        supervisor = _bureau()
        with tenant_scope(supervisor.tenant_id), frozen_at(date(2026, 5, 6)):
            found = burden_queries.figures(YEAR, reader=supervisor)
            assert set(COUNTED) == set(vocabulary.BURDEN_BY_KEY)
            listed = {key: burden_queries.rows(key, YEAR, reader=supervisor) for key in COUNTED}
            for key, count in COUNTED.items():
                assert getattr(found, count) == listed[key].total == len(listed[key].rows), key
            # one row per joint visit, naming every department that checked there; 商务局's own check beside them
            assert found.joint == len(departments) and found.onsite == found.joint + 1 and found.repeated == 1
            names = {row[2]: set(row[3].split("、")) for row in listed["joint_rate"].rows}
            assert names == {db.session.get(Entity, e).code: d for e, d in departments.items()}
            assert any(len(d) == 2 for d in names.values())
            assert len({row[0] for row in listed["joint_rate"].rows}) == 1  # the joint campaign's own code
            business, rows = burden_queries.business(ids["repeated"], YEAR, reader=supervisor)
            assert rows.total == 2 == next(r[2] for r in listed["per_business"].rows if r[1] == business.code)
            assert [r[4] for r in rows.rows] == [date(2026, 4, 20), date(2026, 4, 10)]
