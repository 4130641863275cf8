"""The public search of the register (检查结果公示查询) when a search matches many businesses: it says "more
than" the most it counts (a search for 有限公司 would otherwise count every business) and pages on from the
newest, with no last page to jump to; a search that matches few counts them all and orders just those."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from stdnum.cn import uscc

from spotcheck.core.database import db
from spotcheck.core.errors import NotFoundError
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.directory import commands as directory, plans, queries as directory_queries
from spotcheck.tenants.results.models import PublishedEntity
from spotcheck.tenants.results.queries import register
from tests.support.campaign_world import credit_code
from tests.support.helpers import user_named
from tests.support.page_text import visible_text

#: Three businesses whose names share 餐饮管理 (valid codes, GB 32100).
CODES = tuple(credit_code(700 + number) for number in range(3))


def page_text(response) -> str:
    return visible_text(response.get_data(as_text=True))


def _published_businesses() -> None:
    lead = user_named("scj_admin")
    with tenant_scope(lead.tenant_id):
        for number, code in enumerate(CODES):
            entity = directory.create_entity(
                {
                    "code": code,
                    "name": f"杭州第{number + 1}餐饮管理有限公司",
                    "industry_code": "H6210",
                    "region_code": "231084901",
                },
                actor=lead,
            )
            db.session.flush()
            db.session.add(
                PublishedEntity(
                    entity_id=entity.id,
                    results=1,
                    name=entity.name,
                    code=entity.code,
                    last_published_at=datetime(2026, 5, 1, tzinfo=UTC) + timedelta(days=number),
                )
            )  # as publication keeps it
        db.session.commit()


def _published_and_renamed(app, name: str) -> None:
    """The three businesses published, the first of them then renamed in the registry to ``name``."""
    with app.app_context():
        _published_businesses()
        lead = user_named("scj_admin")
        with tenant_scope(lead.tenant_id):
            entity = directory_queries.entity_by_code(CODES[0])
            directory.update_entity(entity.id, {"name": name}, actor=lead)
            db.session.commit()


def test_a_search_that_matches_more_than_it_counts_says_more_than_and_pages_on_from_the_newest(app, monkeypatch):
    with app.app_context():
        _published_businesses()
    monkeypatch.setattr(register, "FEW_MATCHES", 2)
    monkeypatch.setattr(register, "PER_PAGE", 2)
    client = app.test_client()
    first = page_text(client.get("/public/results", query_string={"q": "餐饮管理"}))
    assert "第 1–2 户，共 2 户以上" in first and "末页" not in first and "下一页" in first
    assert first.index("杭州第3餐饮管理有限公司") < first.index("杭州第2餐饮管理有限公司")  # newest first
    second = page_text(client.get("/public/results", query_string={"q": "餐饮管理", "page": 2}))
    assert "杭州第1餐饮管理有限公司" in second and "下一页" not in second
    assert client.get("/public/results", query_string={"q": "餐饮管理", "page": 3}).status_code == 404
    # a page before the first is not found either, as the view's own check would say
    with app.app_context(), pytest.raises(NotFoundError):
        register.search("餐饮管理", page=0)


def test_a_search_that_matches_few_counts_them_all(app):
    with app.app_context():
        _published_businesses()
    page = page_text(app.test_client().get("/public/results", query_string={"q": "餐饮管理"}))
    assert "第 1–3 条，共 3 条" in page and "以上" not in page


def test_a_business_renamed_in_the_registry_is_found_by_its_new_name_and_two_characters_find_it(app):
    """The register's copy of the name follows the registry (a trigger on PostgreSQL, where the search looks
    up the names' two-character runs): a fragment of two characters finds the business."""
    _published_and_renamed(app, "杭州临安山核桃专业合作社")
    client = app.test_client()
    assert "杭州临安山核桃专业合作社" in page_text(client.get("/public/results", query_string={"q": "临安"}))
    assert "杭州第1餐饮管理有限公司" not in page_text(client.get("/public/results", query_string={"q": "餐饮"}))


def test_a_business_found_both_by_its_code_and_by_its_name_is_counted_once(app, monkeypatch):
    """A search read the code prefixes and the names one after the other and may meet a business twice (its name
    holds the text its code starts with): it is one business, and three matches of a cap of three are all counted."""
    _published_and_renamed(app, "杭州91330100MA餐饮管理有限公司")
    monkeypatch.setattr(register, "FEW_MATCHES", 3)
    page = page_text(app.test_client().get("/public/results", query_string={"q": "91330100MA"}))
    assert "第 1–3 条，共 3 条" in page and "以上" not in page
    assert page.count("杭州91330100MA餐饮管理有限公司") == 1


def test_a_business_renumbered_in_the_registry_is_found_by_its_new_code_and_not_its_old(app):
    """The register's copy of the code follows the registry as the name's does (PostgreSQL, where the search reads
    the copy in the register's own index): the beginning of the new code finds the business, the old code nothing."""
    body = "92330106MA2K00700"
    renumbered = body + uscc.calc_check_digit(body)
    with app.app_context():
        _published_businesses()
        lead = user_named("scj_admin")
        with tenant_scope(lead.tenant_id):
            entity = directory_queries.entity_by_code(CODES[0])
            directory.update_entity(entity.id, {"code": renumbered}, actor=lead)
            db.session.commit()
    client = app.test_client()
    found = page_text(client.get("/public/results", query_string={"q": renumbered[:12].lower()}))
    assert "杭州第1餐饮管理有限公司" in found and "第 1–1 条，共 1 条" in found
    assert "杭州第1餐饮管理有限公司" not in page_text(client.get("/public/results", query_string={"q": CODES[0]}))


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_whole_name_is_looked_up_by_its_rarest_characters_and_found(app, database_url):
    """A whole name asks the index of the names' characters for its three rarest (the shares ANALYZE sampled, read
    through migration 0053's function): 杭 and 州, in every name here, are not asked for; ``LIKE`` still checks the
    whole name, so a name holding those characters but not the text is not found."""
    with app.app_context():
        _published_businesses()
        db.session.execute(sa.text("SELECT spotcheck_refresh_statistics(ARRAY['published_entity'])"))
        db.session.commit()
        plans._kept_shares.clear()
        shares = plans.character_shares("ix_published_entity_name_characters")
        assert shares["杭"] == shares["州"] == 1.0
        condition = directory_queries.name_holds(PublishedEntity.name, "杭州第2餐饮管理有限公司")
        asked = condition.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}).string
        assert "'杭'" not in asked.split("@>")[1].split("AND")[0] and "'2'" in asked
    page = page_text(app.test_client().get("/public/results", query_string={"q": "杭州第2餐饮管理有限公司"}))
    assert "第 1–1 条，共 1 条" in page and "杭州第2餐饮管理有限公司" in page
