"""What a department's directory search finds through the indexes PostgreSQL keeps for it, exactly what it finds by
the columns on SQLite: a tag (标签), whatever wrote the tags — an import, a re-import, an edit, a removal, the upgrade
of a deployment that already had them (the table of tags, migration 0043) — and any part of a name (the index of
the names' characters, migrations 0046 and 0050); and a search asked again and again on one connection is
planned for what it asks each time."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings, strategies as st

from spotcheck.core.database import db, local_settings, searching
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.directory import bulk, queries
from spotcheck.tenants.directory.models import DirectoryEntry, Entity
from spotcheck.tenants.directory.queries import Filters, search_directory
from tests.support.directory_pages import every_page
from tests.support.helpers import make_app, migrate_to, tenant_id

#: Tags as departments write them, with LIKE's wildcards among them (they must match as themselves).
VOCABULARY = ("学校周边", "燃气", "粉尘涉爆", "有限空间作业", "老字号", "50%预付", "a_b")
CODES = tuple(f"TAG-{n:03d}" for n in range(16))


def tags(chosen) -> str:
    """The column as ``checks.clean_entry`` writes it: ",tag1,tag2," (sorted), or empty."""
    return ("," + ",".join(sorted(chosen)) + ",") if chosen else ""


def write_registry(names: dict[str, str]) -> None:
    bulk.upsert_entities(
        {
            "code": code,
            "name": name,
            "entity_type": "enterprise",
            "industry_code": "H6210",
            "region_code": "330106",
            "address": "",
            "status": "active",
            "abnormal": False,
            "blacklisted": False,
            "penalized_on": None,
            "complaints": 0,
            "credit_rating": None,
        }
        for code, name in names.items()
    )


@pytest.fixture
def registry(app):
    """Sixteen entities of the registry, none in a directory yet."""
    with app.app_context():
        write_registry({code: f"标签测试企业{code}" for code in CODES})
        db.session.commit()
    return app


def found(tag: str) -> set[str]:
    """The codes of this test's entities that a search of the current department's directory by ``tag`` lists."""
    rows = search_directory(Filters(tag=tag), limit=200).rows
    return {entry.entity.code for entry in rows} & set(CODES)


def entries(department: int, chosen: dict[str, frozenset]) -> None:
    bulk.upsert_directory_entries(
        department,
        [
            {"code": code, "category": "标签测试", "risk": "C", "tags": tags(held), "last_inspected_on": None}
            for code, held in chosen.items()
        ],
    )


tag_sets = st.frozensets(st.sampled_from(VOCABULARY), max_size=3)


@pytest.mark.seconds(1.4)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_tag_finds_exactly_the_entries_holding_it_after_imports_edits_and_removals(registry, data):
    imported = data.draw(st.fixed_dictionaries({code: tag_sets for code in CODES}), label="imported")
    again = data.draw(st.dictionaries(st.sampled_from(CODES), tag_sets, max_size=5), label="imported again")
    edited = data.draw(st.dictionaries(st.sampled_from(CODES), tag_sets, max_size=4), label="edited")
    removed = data.draw(st.sets(st.sampled_from(CODES), max_size=3), label="removed")
    with registry.app_context():
        yjj, scj = tenant_id("YJJ"), tenant_id("SCJ")
        try:
            with tenant_scope(scj):  # another department tags every entity with every tag: none of it shows below
                entries(scj, {code: frozenset(VOCABULARY) for code in CODES})
            with tenant_scope(yjj):
                entries(yjj, imported)
                entries(yjj, again)  # a re-import changes the tags of the entries already held
                held = {**imported, **again}
                rows = {
                    entry.entity.code: entry
                    for entry in db.session.scalars(
                        sa.select(DirectoryEntry).join(DirectoryEntry.entity).where(Entity.code.in_(CODES))
                    )
                }
                for code, chosen in edited.items():
                    rows[code].tags = tags(chosen)
                    db.session.flush()  # one statement each, as an edit's command writes it
                    held[code] = chosen
                for code in removed:
                    db.session.delete(rows[code])
                    held.pop(code)
                db.session.flush()
                for tag in VOCABULARY:
                    assert found(tag) == {code for code, chosen in held.items() if tag in chosen}, tag
                assert found("学校") == set() and found("%") == set()  # whole tags only, wildcards as themselves
                combined = search_directory(Filters(tag="燃气", q="标签测试企业", risk="C"), limit=200).rows
                assert {e.entity.code for e in combined} == {code for code, chosen in held.items() if "燃气" in chosen}
            with tenant_scope(scj):
                assert found("燃气") == set(CODES)
        finally:
            db.session.rollback()


@pytest.mark.seconds(2.2)
def test_the_upgrade_finds_the_tags_a_deployment_already_held(registry):
    """Upgraded from before the table of tags (0042), a deployment's directories are searched by tag as before."""
    app = registry
    with app.app_context():
        with tenant_scope(tenant_id("YJJ")):
            entries(tenant_id("YJJ"), {CODES[0]: frozenset({"燃气", "老字号"}), CODES[1]: frozenset({"老字号"})})
        db.session.commit()
        migrate_to(app, "0042")
        migrate_to(app)
        with tenant_scope(tenant_id("YJJ")):
            assert found("老字号") == {CODES[0], CODES[1]} and found("燃气") == {CODES[0]}


#: Characters of names and of what is searched, LIKE's wildcards and the escape among them.
LETTERS = "钱顺飞越峰新a%_/"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    names=st.lists(st.text(LETTERS, min_size=1, max_size=8), min_size=len(CODES), max_size=len(CODES)),
    parts=st.lists(st.text(LETTERS, min_size=1, max_size=5), min_size=1, max_size=4),
)
def test_any_part_of_a_name_finds_exactly_the_names_holding_it(registry, names, parts):
    """On PostgreSQL a part of a name, of any length, is found through the index of the names' characters
    (migrations 0046 and 0050), each candidate checked by ``LIKE``; elsewhere by ``LIKE`` alone: either way exactly
    the names that contain it, in that order, wildcards as themselves (钱顺 is not 顺钱, 峰新越 not 越峰新)."""
    with registry.app_context():
        yjj = tenant_id("YJJ")
        try:
            named = dict(zip(CODES, names, strict=True))
            write_registry(named)
            with tenant_scope(yjj):
                entries(yjj, {code: frozenset() for code in CODES})
                for part in parts:
                    rows = search_directory(Filters(q=part), limit=200).rows
                    assert {e.entity.code for e in rows} & set(CODES) == {c for c, n in named.items() if part in n}, (
                        part
                    )
        finally:
            db.session.rollback()


def test_a_fragment_counts_as_common_in_names_by_the_registrys_size_not_a_fixed_share():
    """Where walking the directory for a page of names holding a fragment reads fewer entries than looking up every
    one of its matches (:func:`queries.common_names`): at ten million, a fragment in one name of a thousand (大药房,
    10,000 names) is walked — looked up, its matches were read and sorted in 260–300 ms; at a million, the same share
    (1,000 names) is still looked up; and twice the page a walk finds needs √2 times the matches."""
    assert queries.common_names(10_000_000) < 10_000
    assert queries.common_names(1_000_000) > 1_000
    assert queries.common_names(100_000_000) / queries.common_names(1_000_000) == pytest.approx(10)
    assert queries.common_names(1_000_000, page=102) / queries.common_names(1_000_000, page=51) == pytest.approx(2**0.5)


@pytest.mark.postgres
def test_a_search_asked_again_and_again_is_planned_for_what_it_asks_each_time(postgres_url):
    """The driver prepares a statement it has run five times; PostgreSQL would then plan it once for any values, and a
    plan made for no name in particular read every name of a million for 号店 (4.7 s against 6 ms). A search's
    statements are planned for their own values — the look-up of how common a name is too, or a generic plan would
    answer for any name — and nothing else's (planning a look-up afresh costs it some 40 µs). PostgreSQL only: SQLite
    plans every statement for its values."""
    app = make_app(postgres_url)
    with app.app_context():
        db.session.execute(sa.text("SET plan_cache_mode = force_generic_plan"))  # as if the planner had chosen so
        with tenant_scope(tenant_id("YJJ")):
            for text in ("钱顺", "飞越", "峰新", "顺飞", "越峰", "新钱", "钱越", "顺峰"):
                search_directory(Filters(q=text))
                search_directory(Filters(q=text + "有限"))
            plans = db.session.execute(
                sa.text(
                    "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements "
                    "WHERE statement LIKE '%directory_entry%' OR statement LIKE 'EXPLAIN%'"
                )
            ).all()
            mode = db.session.execute(sa.text("SHOW plan_cache_mode")).scalar()
        assert len(plans) >= 2 and all(generic == 0 and custom >= 1 for _, generic, custom in plans), plans
        db.session.rollback()
        assert mode == "force_generic_plan"  # after the searches, the connection's statements are planned as before
        db.session.remove()
        db.engine.dispose()


#: Forty entities of a region of their own (3399…): four industries, two districts, every third on the 经营异常名录.
INDUSTRIES = ("C3670", "H6210", "F5211", "B0610")
SPREAD = {f"SPREAD-{n:03d}": (INDUSTRIES[n % 4], "339901" if n % 3 else "339902", n % 3 == 0) for n in range(40)}
#: The first thirty are in YJJ's directory (:func:`_yjj_entry`); all forty in SCJ's, as 餐饮服务 (none of them may
#: show in YJJ's searches).
IN_YJJ = list(SPREAD)[:30]


def _yjj_entry(number: int) -> tuple[str, str]:
    """The category and risk class of YJJ's entry of the ``number``-th entity: 一般市场主体 and 餐饮服务 in turn, B
    every fifth."""
    return ("一般市场主体", "餐饮服务")[number % 2], "B" if number % 5 == 0 else "C"


def _spread_registry() -> None:
    bulk.upsert_entities(
        {
            "code": code,
            "name": f"分布测试企业{code[-3:]}",
            "entity_type": "enterprise",
            "industry_code": industry,
            "region_code": region,
            "address": "",
            "status": "active",
            "abnormal": abnormal,
            "blacklisted": False,
            "penalized_on": None,
            "complaints": 0,
            "credit_rating": None,
        }
        for code, (industry, region, abnormal) in SPREAD.items()
    )
    yjj, scj = tenant_id("YJJ"), tenant_id("SCJ")
    with tenant_scope(scj):
        bulk.upsert_directory_entries(
            scj,
            [
                {"code": code, "category": "餐饮服务", "risk": "C", "tags": "", "last_inspected_on": None}
                for code in SPREAD
            ],
        )
    with tenant_scope(yjj):
        bulk.upsert_directory_entries(
            yjj,
            [
                {
                    "code": code,
                    "category": _yjj_entry(n)[0],
                    "risk": _yjj_entry(n)[1],
                    "tags": "",
                    "last_inspected_on": None,
                }
                for n, code in enumerate(IN_YJJ)
            ],
        )


def _expected(filters: Filters) -> list[str]:
    """The codes YJJ's directory holds for ``filters``, in the order its entries were added (their ids)."""
    found = []
    for number, code in enumerate(IN_YJJ):
        industry, region, abnormal = SPREAD[code]
        category, risk = _yjj_entry(number)
        if (
            industry.startswith(filters.industry)
            and region.startswith(filters.region)
            and (abnormal or "abnormal" not in filters.flags)
            and category.startswith(filters.category)
            and risk.startswith(filters.risk)
            and filters.q in f"分布测试企业{code[-3:]}"
        ):
            found.append(code)
    return found


#: Every search is of the region 3399… (this test's entities only).
SEARCHES = (
    Filters(region="3399", industry="C36"),
    Filters(region="3399", industry="C36", category="一般市场主体"),
    Filters(region="3399", industry="B", category="餐饮服务"),
    Filters(region="339902", flags=["abnormal"], risk="B"),
    Filters(region="3399", industry="H", q="企业01"),
    Filters(region="3399", category="餐饮服务"),
    Filters(region="339901", industry="F5211", risk="C"),
)


def _all_pages(filters: Filters) -> list[str]:
    """The codes of every page of a search of ``filters``, four a page."""
    return every_page(filters, per_page=4)


def test_a_search_starting_from_few_entities_of_the_registry_finds_what_walking_the_directory_finds(app, monkeypatch):
    """Where the registry's coded filters hold for few entities, PostgreSQL starts from them rather than walking the
    directory (queries.FEW_ENTITIES): the same entries, page after page, in the same order, the department's own
    only — whichever way each search is made (both forced here); on SQLite by walking alone."""
    decided: list[bool] = []
    few_entities = queries._few_entities

    def recorded(filters: Filters) -> bool:
        decided.append(few_entities(filters))
        return decided[-1]

    monkeypatch.setattr(queries, "_few_entities", recorded)
    with app.app_context():
        try:
            _spread_registry()
            with tenant_scope(tenant_id("YJJ")):
                for filters in SEARCHES:
                    for few in (0, 10**9):  # never, and whenever a coded filter is asked
                        monkeypatch.setattr(queries, "FEW_ENTITIES", few)
                        assert _all_pages(filters) == _expected(filters), (filters, few)
        finally:
            db.session.rollback()
    if app.config["DATABASE_URL"].startswith("postgresql"):
        assert set(decided) == {False, True}  # each way was taken


def _walked(_statement) -> bool:
    """As if the planner would walk the directory for any search."""
    return True


def test_a_search_whose_first_stretch_of_the_directory_holds_too_few_matches_finds_the_rest_either_way(
    app, monkeypatch
):
    """A search the planner would walk walks a first stretch of the directory's ids, then — with less than a page
    there — looks the rest up from the registry's side or walks on (queries.WALKED_FIRST, LOOKUP_IN_ENTRIES): the
    same entries, page after page, in the same order, the department's own only, whichever way is taken (each forced
    here, the walk too — a directory this small is not walked —, with stretches of one id, so that pages are found
    partly in the stretch and partly after it, or wholly after it)."""
    decided: list[bool] = []
    lookups_pay, walks = queries._lookups_pay, queries._walks

    def recorded(*args, **kwargs) -> bool:
        decided.append(lookups_pay(*args, **kwargs))
        return decided[-1]

    monkeypatch.setattr(queries, "_lookups_pay", recorded)
    monkeypatch.setattr(queries, "FEW_ENTITIES", 0)
    with app.app_context():
        try:
            _spread_registry()
            with tenant_scope(tenant_id("YJJ")):
                for filters in (*SEARCHES, Filters(q="分布测试企业"), Filters(q="企业01", category="一般市场主体")):
                    for stretch, lookup, planned in (
                        (1, 0, _walked),
                        (1, 10**9, _walked),
                        (10**9, 0, _walked),
                        (1, 0, walks),
                    ):
                        monkeypatch.setattr(queries, "WALKED_FIRST", stretch)
                        monkeypatch.setattr(queries, "LOOKUP_IN_ENTRIES", lookup)
                        monkeypatch.setattr(queries, "_walks", planned)
                        assert _all_pages(filters) == _expected(filters), (filters, stretch, lookup, planned)
        finally:
            db.session.rollback()
    if app.config["DATABASE_URL"].startswith("postgresql"):
        assert set(decided) == {False, True}  # each way was taken


#: Plans priced as on a directory of millions, where walking it in id order is the cheap way to a first page.
WALK_CHEAP = {
    "enable_seqscan": "off",
    "enable_bitmapscan": "off",
    "enable_sort": "off",
    "enable_hashjoin": "off",
    "enable_mergejoin": "off",
}


@pytest.mark.postgres
def test_a_plan_walking_the_directory_is_told_from_one_that_sorts_what_it_found(postgres_url):
    """The stretch walked first (queries.WALKED_FIRST) is for a search the planner would walk: one whose plan starts by
    reading the directory's primary key in order, or the tags' index of their entries for a tag — not one that reads
    what it finds whole and sorts it. PostgreSQL only: its plans."""
    app = make_app(postgres_url)
    with app.app_context():
        try:
            _spread_registry()
            with tenant_scope(tenant_id("YJJ")), searching():
                walked = queries.directory_query(Filters(region="3399")).limit(5)
                with local_settings(WALK_CHEAP):
                    assert queries._walks(walked)
                with local_settings({"enable_indexscan": "off", "enable_bitmapscan": "off"}):
                    assert not queries._walks(walked)  # read whole and sorted
                with local_settings(WALK_CHEAP):
                    assert queries._walks(queries.directory_query(Filters(tag="老字号")).limit(5))
        finally:
            db.session.rollback()
            db.session.remove()
            db.engine.dispose()
