"""The list of drawn businesses (抽查对象名单) by rule (``publish_drawn_list``): a blinded draw's public page and the
API follow the department's rule — never published (不公布), published once the campaign's checks have ended
(检查结束后: its window's last day past) or from the inspector freeze on (抽取后) — with names only; under 抽取后 a
target is not replaced after the inspector freeze, and the refusal cites the rule."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, NotFoundError
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns import commands as campaign_commands, queries as campaigns
from spotcheck.tenants.campaigns.models import CampaignTarget
from spotcheck.tenants.campaigns.queries import public as publication
from spotcheck.tenants.campaigns.vocabulary import TargetStatus
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.rules.rulebook import rules_for
from tests.support.campaign_world import build, planner_of
from tests.support.ceremony_world import campaign_through
from tests.support.helpers import bearer, signed_in, user_named
from tests.support.page_text import visible_text
from tests.support.rules_files import load_department_rule

BEFORE = date(2026, 2, 20)  # the campaign's window is 1 March to 30 April
LAST_DAY, AFTER = date(2026, 4, 30), date(2026, 5, 1)


def _drawn(world, when: str | None) -> tuple[int, list[str]]:
    """应急管理局's campaign with its targets drawn (its inspector draw committed, not frozen) under the rule ``when``
    (None: its rules as they are — 乌审旗's 方案 二（三）, 抽取后); its id and the codes of the businesses selected."""
    admin = user_named("yjj_admin")
    if when is not None:
        with tenant_scope(admin.tenant_id):
            load_department_rule(admin.tenant_id, publish_drawn_list=when)
    campaign_id = campaign_through(world, stop="targets")
    with tenant_scope(admin.tenant_id):
        selected = db.session.scalars(
            sa.select(Entity.code)
            .join(CampaignTarget, CampaignTarget.entity_id == Entity.id)
            .where(CampaignTarget.campaign_id == campaign_id, CampaignTarget.status == TargetStatus.selected)
        ).all()
    return campaign_id, sorted(selected)


def _freeze_inspectors(campaign_id: int) -> None:
    admin = user_named("yjj_admin")
    with tenant_scope(admin.tenant_id):
        campaign_commands.freeze_inspectors(campaign_id, actor=planner_of(admin))
        db.session.commit()


def _seen(app, campaign_id: int, selected: list[str]) -> tuple[bool, dict]:
    """Whether the public page lists the businesses drawn (each by code and name, nothing beside them) — checked
    against the public query — and the campaign's list as the API says it."""
    page = app.test_client().get(f"/public/draws/campaigns/{campaign_id}").get_data(as_text=True)
    listed = re.search(r'<ul class="public-targets-blinded".*?</ul>', page, re.S)
    if listed is None:
        assert 'id="public-list-withheld"' in page and not any(code in page for code in selected)
        assert 'class="public-strata"' in page  # the numbers drawn per stratum stay public
    else:
        assert re.findall(r"<code>([0-9A-Z]{18})</code>", listed.group(0)) == selected  # by code, nothing else
        assert "风险等级" not in listed.group(0) and 'id="public-list-rule"' in page
    with app.app_context(), tenant_scope(user_named("yjj_admin").tenant_id):
        campaign = campaigns.get_campaign(campaign_id)
        try:
            named = [row.code for row in publication.public_names(campaign).rows]
        except NotFoundError:
            named = None
        assert (named == selected) if listed is not None else named is None
    api = app.test_client().get(f"/api/v1/campaigns/{campaign_id}", headers=bearer(app, "yjj_planner")).json
    assert api["drawn_list"]["public"] is (listed is not None)
    return listed is not None, api["drawn_list"]


@pytest.mark.parametrize(
    ("when", "words", "before_freeze", "after_freeze", "after_the_checks"),
    [
        ("never", "不公布", False, False, False),
        ("after_checks", "检查结束后", False, False, True),
        ("after_draw", "抽取后", False, True, True),
    ],
)
def test_the_public_list_is_absent_or_shown_as_the_departments_rule_says(
    app, when, words, before_freeze, after_freeze, after_the_checks
):
    with app.app_context(), frozen_at(BEFORE):
        world = build()
        campaign_id, selected = _drawn(world, when)
        source = rules_for(user_named("yjj_admin").tenant_id).cited["publish_drawn_list"].words
    assert selected and "（" in source  # the department's document and article, as it cites them
    with frozen_at(BEFORE):
        shown, said = _seen(app, campaign_id, selected)
    assert shown is before_freeze and said == {"when": when, "words": words, "source": source, "public": False}
    with app.app_context(), frozen_at(BEFORE):
        _freeze_inspectors(campaign_id)
    with frozen_at(BEFORE):
        assert _seen(app, campaign_id, selected)[0] is after_freeze
    with frozen_at(LAST_DAY):  # the window's last day: a team may still arrive
        assert _seen(app, campaign_id, selected)[0] is after_freeze
    with frozen_at(AFTER):
        assert _seen(app, campaign_id, selected)[0] is after_the_checks
        page = app.test_client().get(f"/public/draws/campaigns/{campaign_id}").get_data(as_text=True)
        staff = signed_in(app, "yjj_planner").get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert source in page  # shown or not, the page says under which rule, and so does the department's own
    said = visible_text(re.search(r'<dd id="campaign-drawn-list">.*?</dd>', staff, re.S).group(0))
    assert words in said and source in said and ("已公布" in said) is after_the_checks


def test_the_platforms_default_publishes_the_list_from_the_inspector_freeze(app):
    """A department whose documents say nothing of the list (商务局: 唐山's 方案 and 宁安市's 实施方案 leave it open) is
    under the platform's default, 抽取后, said as such."""
    with app.app_context(), frozen_at(BEFORE):
        rules = rules_for(user_named("swj_admin").tenant_id)
        assert rules.publish_drawn_list == "after_draw" and rules.cited["publish_drawn_list"].source == "platform"
        assert rules.cited["publish_drawn_list"].words.startswith("平台默认（")


def test_under_after_draw_a_target_is_replaced_before_the_inspector_freeze_and_refused_after_it_citing_the_rule(app):
    with app.app_context(), frozen_at(BEFORE):
        world = build()
        campaign_id, selected = _drawn(world, None)  # 乌审旗's 方案 二（三）: 抽取后
        admin = user_named("yjj_admin")
        planner = planner_of(admin)
        with tenant_scope(admin.tenant_id):
            citation = rules_for(admin.tenant_id).cite("publish_drawn_list")
            ids = dict(db.session.execute(sa.select(Entity.code, Entity.id).where(Entity.code.in_(selected))).all())
            campaign_commands.replace_target(
                campaign_id, {"entity_id": ids[selected[0]], "reason": "closed"}, actor=planner
            )  # before the freeze: the list is not public yet, a replacement leaves one version of it
            db.session.commit()
        _freeze_inspectors(campaign_id)
        with tenant_scope(admin.tenant_id):
            with pytest.raises(ConflictError) as refused:
                campaign_commands.replace_target(
                    campaign_id, {"entity_id": ids[selected[1]], "reason": "closed"}, actor=planner
                )
            db.session.rollback()
            said = str(refused.value.args[0])  # in the department's language, inside its context
            replaced = db.session.scalar(
                sa.select(sa.func.count())
                .select_from(CampaignTarget)
                .where(CampaignTarget.campaign_id == campaign_id, CampaignTarget.status == TargetStatus.replaced)
            )
    assert "二（三）" in citation and citation in said and "此后不再替换检查对象" in said, said
    assert replaced == 1  # the refused replacement changed nothing
    with frozen_at(BEFORE):
        api = app.test_client().post(
            f"/api/v1/campaigns/{campaign_id}/targets/{ids[selected[1]]}/replace",
            headers=bearer(app, "yjj_planner"),
            json={"reason": "closed"},
        )
    assert api.status_code == 409 and citation in api.json["message"]


def test_under_another_rule_the_refusal_after_the_freeze_cites_none(app):
    with app.app_context(), frozen_at(BEFORE):
        world = build()
        campaign_id, selected = _drawn(world, "after_checks")
        _freeze_inspectors(campaign_id)
    with frozen_at(BEFORE):
        with app.app_context(), tenant_scope(user_named("yjj_admin").tenant_id):
            entity_id = db.session.scalar(sa.select(Entity.id).where(Entity.code == selected[0]))
        api = app.test_client().post(
            f"/api/v1/campaigns/{campaign_id}/targets/{entity_id}/replace",
            headers=bearer(app, "yjj_planner"),
            json={"reason": "closed"},
        )
    assert api.status_code == 409 and "二（三）" not in api.json["message"] and "名单" not in api.json["message"]
