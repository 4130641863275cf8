"""A department's search by its own category and by the registry's industry finds exactly the entries of entities of
that industry, whatever wrote them or changed the industry since: the bulk import, the directory's and the registry's
commands, a re-import of the registry, another department's keeper of the registry. On PostgreSQL through each
entry's copy of its entity's industry (migration 0054), kept by the import and by triggers, for the index from the
category to the industry; on SQLite through the registry's column alone."""

from __future__ import annotations

import threading

import pytest

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.directory import bulk, commands as directory
from spotcheck.tenants.directory.queries import Filters, entity_by_code
from tests.support.directory_pages import every_page
from tests.support.helpers import _pg_connect, make_app, migrate_to, tenant_id, user_named

#: Twelve products (entities with a code of their own) of a region of their own (23108498…, in 宁安市: no demo
#: business uses it), in four industries in turn.
INDUSTRIES = ("C3670", "H6210", "F5211", "C3611")
CODES = {f"INDUSTRY-{n:03d}": INDUSTRIES[n % 4] for n in range(12)}


def _registry(industries: dict[str, str]) -> None:
    bulk.upsert_entities(
        {
            "code": code,
            "name": f"行业测试产品{code[-3:]}",
            "entity_type": "product",
            "industry_code": industry,
            "region_code": "231084981",
            "address": "",
            "status": "active",
            "abnormal": False,
            "blacklisted": False,
            "penalized_on": None,
            "complaints": 0,
            "credit_rating": None,
        }
        for code, industry in industries.items()
    )


def _found(category: str, industry: str, region: str | None = "23108498") -> set[str]:
    """The codes the current department's directory lists for ``category`` and ``industry``, every page of them
    (``region``: of the products' place; None: anywhere — a database downgraded below the region tree has none)."""
    return set(every_page(Filters(category=category, industry=industry, region=region), per_page=3))


def _entries(department: int, categories: dict[str, str], risk: str = "C") -> None:
    """The department's entries of the entities ``categories`` names, each under its category, by the bulk import."""
    bulk.upsert_directory_entries(
        department,
        [
            {"code": code, "category": category, "risk": risk, "tags": "", "last_inspected_on": None}
            for code, category in categories.items()
        ],
    )


def _built(postgres_url: str, build) -> str:
    """The database at ``postgres_url`` with what ``build`` writes committed, and no connection of the app left."""
    app = make_app(postgres_url)
    with app.app_context():
        build()
        db.session.commit()
        url = db.engine.url.render_as_string(hide_password=False)
        db.session.remove()
        db.engine.dispose()
    return url


def _department(connection, code: str) -> int:
    """The id of the department ``code``, read on a connection of the tables' owner."""
    return connection.execute("SELECT id FROM tenant WHERE code = %s", (code,)).fetchone()[0]


def _held(industries: dict[str, str], codes, prefix: str) -> set[str]:
    return {code for code in codes if industries[code].startswith(prefix)}


def _copies_differ() -> list:
    """On PostgreSQL, the entries (of every department) whose copy of the industry is not their entity's."""
    if db.engine.dialect.name != "postgresql":
        return []
    url = db.engine.url.render_as_string(hide_password=False)
    with _pg_connect(url) as owner:  # as the tables' owner: every department's entries
        return owner.execute(
            "SELECT d.id, d.entity_industry, e.industry_code FROM directory_entry d "
            "JOIN entity e ON e.id = d.entity_id WHERE d.entity_industry IS DISTINCT FROM "
            "e.industry_code"
        ).fetchall()


def test_a_category_and_an_industry_find_the_entities_of_that_industry_whatever_changed_it(app):
    with app.app_context():
        industries = dict(CODES)
        yjj, scj = tenant_id("YJJ"), tenant_id("SCJ")
        imported, added = list(CODES)[:8], list(CODES)[8:]
        _registry(industries)
        with tenant_scope(yjj):  # eight entries imported, four added one by one, all of them 餐饮服务
            _entries(yjj, dict.fromkeys(imported, "餐饮服务"))
            admin = user_named("yjj_admin")
            for code in added:
                directory.add_entry({"entity_code": code, "category": "餐饮服务", "risk": "B"}, actor=admin)
        with tenant_scope(scj):  # the registry's keeper files every entity under a category of its own
            _entries(scj, dict.fromkeys(CODES, "一般市场主体"))
        db.session.commit()

        lead = user_named("scj_admin")  # the keeper changes two industries by hand, a re-import a third
        with tenant_scope(lead.tenant_id):
            for code, industry in (("INDUSTRY-000", "H6210"), ("INDUSTRY-009", "C3670")):
                directory.update_entity(entity_by_code(code).id, {"industry_code": industry}, actor=lead)
                industries[code] = industry
            db.session.commit()
        industries["INDUSTRY-002"] = "C3670"
        _registry({"INDUSTRY-002": "C3670"})
        db.session.commit()

        with tenant_scope(yjj):
            for prefix in ("C36", "C3670", "H", "H6210", "F52", "C", "B", "%", "行业"):
                assert _found("餐饮服务", prefix) == _held(industries, CODES, prefix), prefix
            assert _found("一般市场主体", "C36") == set()  # YJJ files none there: SCJ's entries stay SCJ's
        with tenant_scope(scj):
            assert _found("一般市场主体", "C36") == _held(industries, CODES, "C36")
            assert _found("餐饮服务", "H") == set()
        assert _copies_differ() == []


@pytest.mark.postgres
def test_the_upgrade_copies_the_industry_of_the_entries_a_deployment_already_held(postgres_url):
    """Upgraded from before the copy (0053), a deployment's directories are searched by category and industry as
    before: every entry held gets its entity's industry."""
    app = make_app(postgres_url)
    with app.app_context():
        _registry(CODES)
        with tenant_scope(tenant_id("YJJ")):
            _entries(tenant_id("YJJ"), dict.fromkeys(CODES, "餐饮服务"))
        db.session.commit()
        migrate_to(app, "0053")
        migrate_to(app)
        try:
            with tenant_scope(tenant_id("YJJ")):
                assert _found("餐饮服务", "C36", region=None) == _held(CODES, CODES, "C36")
            assert _copies_differ() == []
        finally:
            db.session.remove()
            db.engine.dispose()


#: A directory whose categories and industries go together, as a city's do: 餐饮服务 only of H (catering), 汽车制造
#: only of C36; forty entries of each.
TOGETHER = {
    **{f"TOGETHER-H{n:03d}": ("H6210", "餐饮服务") for n in range(40)},
    **{f"TOGETHER-C{n:03d}": ("C3670", "汽车制造") for n in range(40)},
}


@pytest.mark.postgres
def test_the_planner_knows_a_category_and_an_industry_that_never_meet(postgres_url):
    """The statistics over the department, its category and the industry (migration 0054) tell the planner that
    餐饮服务 never meets C36 here — about one entry expected, so a search finds nothing through the index rather than
    walking the directory — where, taking the two for independent, it expected a quarter of the directory; the
    pair that does meet is expected at its size."""

    def build() -> None:
        _registry({code: industry for code, (industry, _) in TOGETHER.items()})
        with tenant_scope(tenant_id("YJJ")):
            _entries(tenant_id("YJJ"), {code: category for code, (_, category) in TOGETHER.items()})

    url = _built(postgres_url, build)
    with _pg_connect(url, autocommit=True) as owner:
        owner.execute("ANALYZE directory_entry")
        yjj = _department(owner, "YJJ")

        def expected(category: str, start: str, end: str) -> float:
            plan = owner.execute(
                "EXPLAIN (FORMAT JSON) SELECT id FROM directory_entry WHERE tenant_id = %s AND "
                "category = %s AND entity_industry >= %s AND entity_industry < %s",
                (yjj, category, start, end),
            ).fetchone()[0]
            return plan[0]["Plan"]["Plan Rows"]

        assert expected("餐饮服务", "C36", "C37") <= 1
        assert expected("餐饮服务", "H62", "H63") == pytest.approx(40, rel=0.2)
        owner.execute("DROP STATISTICS st_directory_entry_category_industry")  # what the planner knew without them
        owner.execute("ANALYZE directory_entry")
        assert expected("餐饮服务", "C36", "C37") >= 10


@pytest.mark.postgres
@pytest.mark.parametrize("first", ["entry added", "industry changed"])
def test_an_entry_added_while_its_entitys_industry_changes_keeps_the_new_industry(postgres_url, first):
    """An entry added in one transaction while another changes its entity's industry, either of them first, ends with
    the industry the registry ends with: the entry's copy is read with the entity locked, so the change waits for the
    entry or the entry for the change (a foreign key alone locks only the key, and the copy kept the old industry)."""
    url, code = _built(postgres_url, lambda: _registry(CODES)), "INDUSTRY-001"
    with _pg_connect(url) as adding, _pg_connect(url) as changing:
        yjj = _department(adding, "YJJ")
        entity = adding.execute("SELECT id FROM entity WHERE code = %s", (code,)).fetchone()[0]
        adding.commit()

        def add():
            adding.execute(
                "INSERT INTO directory_entry (tenant_id, entity_id, category, risk, tags, created_at) "
                "VALUES (%s, %s, '餐饮服务', 'C', '', now())",
                (yjj, entity),
            )

        def change():
            changing.execute("UPDATE entity SET industry_code = 'F5211' WHERE id = %s", (entity,))

        waiting = threading.Thread(target=change if first == "entry added" else add)
        (add if first == "entry added" else change)()
        waiting.start()
        waiting.join(timeout=1)
        assert waiting.is_alive()  # the second waits for the first to end
        (adding if first == "entry added" else changing).commit()
        waiting.join(timeout=10)
        assert not waiting.is_alive()
        adding.commit()
        changing.commit()
        copy = adding.execute(
            "SELECT d.entity_industry, e.industry_code FROM directory_entry d "
            "JOIN entity e ON e.id = d.entity_id WHERE e.id = %s",
            (entity,),
        ).fetchone()
    assert copy == ("F5211", "F5211")
