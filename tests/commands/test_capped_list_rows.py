"""A frame's capped list (被排除企业名单) names, for each business it lists, the cap reached and the checks that count
toward it, as the register holds them: a check of a kind the business's region leaves out of its cap neither counts
nor is listed; at the department's own cap only the department's own counting checks are listed; a joint campaign
is listed once with its departments in order, under the first one's code; the campaign's own draws and the named
checks not disclosed yet are not read — the same list on SQLite and on PostgreSQL, where the register is gone through
in the database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from spotcheck.core.clock import frozen_at, today
from spotcheck.core.commands import unit_of_work
from spotcheck.core.database import db
from spotcheck.core.policy import CONSOLE
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns import capped_lists, commands as campaign_commands, inspection_counts
from spotcheck.tenants.campaigns.models import InspectionCount
from spotcheck.tenants.directory.queries import entity_by_code
from spotcheck.tenants.rules import commands as rules_commands, rulefile
from spotcheck.tenants.rules.documents import Entry
from tests.support.campaign_world import build, campaign_data, leader_of, planner_of
from tests.support.helpers import user_named
from tests.support.rulebooks import NINGAN
from tests.support.rules_files import load_department_cap

DAY = date(2026, 2, 10)
ARTICLE = NINGAN.articles[4].number
TOTAL = "已达每户企业每年涉企行政检查次数上限：2次"
OWN = "已达本部门每年对同一企业的检查次数上限：2次"


def _caps() -> None:
    """The root's rulebook: a yearly cap of 2 on every business, accidents (事故) left out of it."""
    document = replace(
        NINGAN,
        title="涉企行政检查次数上限的规定（测试）",
        short_title="上限规定",
        effective_from=today(),
        entries={"inspection_cap": Entry(value=2, article=ARTICLE), "cap_exempt_kinds": Entry(["accident"], ARTICLE)},
    )
    rules_commands.load_rulebook({"text": rulefile.write(document)}, actor=CONSOLE)
    db.session.commit()


def test_the_capped_list_names_the_checks_that_count_toward_each_cap_reached(app):
    with app.app_context(), frozen_at(DAY):
        world = build()
        admin = user_named("yjj_admin")
        own, market, commerce = (user_named(f"{code}_admin").tenant_id for code in ("yjj", "scj", "swj"))
        _caps()
        with tenant_scope(own):
            load_department_cap(own, 2)
            campaign = campaign_commands.create_campaign(
                campaign_data(world, title="危化企业抽查"), actor=planner_of(admin)
            )
            campaign = campaign_commands.approve(campaign.id, actor=leader_of(admin))
            db.session.commit()
        businesses = [entity_by_code(code) for code in world["codes"][:5]]
        total, own_cap, both, joint, below = businesses
        # (business, key, code, department, kind, counts toward the department's own cap, withheld)
        rows = [
            (total, "campaign:9101", "市监抽〔2026〕1号", market, "", True, False),
            (total, "campaign:9102", "商务抽〔2026〕1号", commerce, "", True, False),
            (total, "campaign:9103", "市监抽〔2026〕2号", market, "accident", True, False),  # left out of the cap
            (own_cap, "campaign:9201", "应急抽〔2026〕1号", own, "accident", True, False),
            (own_cap, "campaign:9202", "应急抽〔2026〕2号", own, "accident", True, False),
            (own_cap, "campaign:9203", "市监抽〔2026〕3号", market, "", True, False),
            (both, "joint:9301", "联抽〔2026〕1号（应急）", own, "", True, False),
            (both, "joint:9301", "联抽〔2026〕1号（市监）", market, "accident", True, False),
            (both, "campaign:9302", "应急抽〔2026〕3号", own, "", True, False),
            (joint, "joint:9401", "联抽〔2026〕2号（商务）", commerce, "", True, False),
            (joint, "joint:9401", "联抽〔2026〕2号（市监）", market, "", True, False),
            (joint, "campaign:9402", "应急抽〔2026〕4号", own, "", False, False),
            (below, "campaign:9501", "商务抽〔2026〕2号", commerce, "", True, False),
            (below, "campaign:9502", "商务抽〔2026〕3号", commerce, "", True, True),  # a named check, not disclosed
            (below, inspection_counts.counted_as(campaign), "应急抽〔2026〕9号", own, "", True, False),  # its own
        ]
        with unit_of_work():
            for entity, key, code, department, kind, counts, withheld in rows:
                db.session.add(
                    InspectionCount(
                        entity_id=entity.id,
                        year=2026,
                        counted_as=key,
                        campaign_code=code,
                        department_id=department,
                        kind=kind,
                        counts=counts,
                        withheld=withheld,
                    )
                )
        tenants = [db.session.get_one(Tenant, tenant_id) for tenant_id in (own, market, commerce)]
        names = {tenant.id: inspection_counts.level_label(tenant.name, tenant.region) for tenant in tenants}
        first, second = sorted((market, commerce))  # a joint campaign's departments in order, the first one's code
        joint_code = {market: "联抽〔2026〕2号（市监）", commerce: "联抽〔2026〕2号（商务）"}[first]
        expected = {
            total.code: (TOTAL, [("市监抽〔2026〕1号", [market]), ("商务抽〔2026〕1号", [commerce])]),
            own_cap.code: (OWN, [("应急抽〔2026〕1号", [own]), ("应急抽〔2026〕2号", [own])]),
            both.code: (TOTAL, [("应急抽〔2026〕3号", [own]), ("联抽〔2026〕1号（应急）", [own])]),
            joint.code: (TOTAL, [("应急抽〔2026〕4号", [own]), (joint_code, [first, second])]),
            below.code: ("", []),
        }
        with tenant_scope(own):
            listed = capped_lists.capped_list([b.id for b in businesses], 2026, campaign, own)
            every = capped_lists.capped_list([b.id for b in businesses], 2026)

    assert [row["code"] for row in listed] == sorted(b.code for b in businesses)  # by code point
    for row in listed:
        why, counted = expected[row["code"]]
        assert row["why"].startswith(why) if why else row["why"] == ""
        assert ("涉企行政检查次数上限的规定（测试）" in row["why"]) == (why == TOTAL)  # the rule cited
        assert row["counted"] == [
            {"campaign": code, "departments": [names[d] for d in departments]}
            for code, departments in sorted(counted, key=lambda entry: (entry[0], entry[1]))
        ]
        assert row["campaigns"] == [entry["campaign"] for entry in row["counted"]]
    # without a campaign: every counting check of the year (none withheld), no cap said
    assert {row["code"]: row["campaigns"] for row in every}[below.code] == [
        "商务抽〔2026〕2号",
        "应急抽〔2026〕9号",
    ]
    assert {row["code"]: row["campaigns"] for row in every}[joint.code] == [joint_code]  # 9402 counts for no cap
    assert all("why" not in row for row in every)
