"""Bulk writes to the registry and the directories (imports): COPY on PostgreSQL, executemany on
SQLite; new and existing rows, idempotence, all or nothing, progress."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from stdnum.cn import uscc

from spotcheck.core.database import db
from spotcheck.core.scoping import TenantViolationError, tenant_scope
from spotcheck.demo.registry import credit_code
from spotcheck.tenants.directory import bulk
from spotcheck.tenants.directory.models import DirectoryEntry, Entity
from tests.support.helpers import _pg_connect, make_app, tenant_id


def code(n: int) -> str:
    return credit_code("91", "330106", f"BK{n:06d}")


def row(n: int, **changes) -> dict:
    """A registry row as ``clean_entity`` returns it."""
    return {
        "code": code(n),
        "name": f"杭州批量{n}号贸易有限公司",
        "entity_type": "enterprise",
        "industry_code": "F5212",
        "region_code": "330106",
        "address": f"杭州市西湖区文三路{n}号",
        "status": "active",
        "abnormal": False,
        "blacklisted": False,
        "penalized_on": None,
        "complaints": 0,
        "credit_rating": None,
        **changes,
    }


def entities(prefix: str = "杭州批量") -> dict[str, tuple]:
    return {
        e.code: (e.name, e.abnormal, e.penalized_on, e.complaints, e.credit_rating, e.updated_at)
        for e in db.session.scalars(sa.select(Entity).where(Entity.name.startswith(prefix)))
    }


def test_codes_of_the_tests_are_valid():
    assert all(uscc.is_valid(code(n)) for n in range(50))


def test_upsert_inserts_new_and_updates_existing_rows(app):
    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
        memory = db.session.execute(sa.text("SHOW work_mem")).scalar() if postgres else None
        assert bulk.upsert_entities([row(n) for n in range(5)]) == 5
        if postgres:  # the merge sorts with memory of its own; the rest of the import's transaction has the server's
            assert db.session.execute(sa.text("SHOW work_mem")).scalar() == memory != bulk.MERGE_WORK_MEM
        db.session.commit()
        before = entities()
        assert len(before) == 5
        changed = [
            row(
                1,
                name="杭州批量1号贸易有限公司（已更名）",
                abnormal=True,
                penalized_on=date(2026, 3, 2),
                complaints=4,
                credit_rating="C",
            ),
            row(2),
            row(5),
            row(6),
        ]
        assert bulk.upsert_entities(changed) == 4
        db.session.commit()
        after = entities()
    assert len(after) == 7
    assert after[code(1)][:5] == ("杭州批量1号贸易有限公司（已更名）", True, date(2026, 3, 2), 4, "C")
    assert after[code(1)][5] >= before[code(1)][5]
    assert after[code(2)] == before[code(2)]  # unchanged rows are not rewritten (updated_at kept)
    assert after[code(0)] == before[code(0)]
    assert {code(5), code(6)} <= after.keys()


def test_the_same_import_twice_changes_nothing(app):
    rows = [row(n, abnormal=n % 3 == 0, credit_rating="AB"[n % 2]) for n in range(40)]
    with app.app_context():
        bulk.upsert_entities(rows)
        db.session.commit()
        first = entities()
        assert bulk.upsert_entities(iter(rows)) == 40  # a generator is fine
        db.session.commit()
        assert entities() == first and len(first) == 40


def test_a_code_given_twice_keeps_the_later_row(app):
    with app.app_context():
        bulk.upsert_entities([row(1, name="杭州批量旧名"), row(2), row(1, name="杭州批量新名")])
        db.session.commit()
        found = entities()
    assert len(found) == 2 and found[code(1)][0] == "杭州批量新名"


def test_new_entities_are_numbered_in_the_order_of_the_file(app):
    order = [9, 2, 7, 1, 5]
    with app.app_context():
        bulk.upsert_entities([row(n) for n in order])
        db.session.commit()
        ids = dict(
            db.session.execute(sa.select(Entity.code, Entity.id).where(Entity.name.startswith("杭州批量"))).all()
        )
    assert sorted(order, key=lambda n: ids[code(n)]) == order


def test_a_rollback_leaves_nothing(app):
    with app.app_context():
        bulk.upsert_entities([row(n) for n in range(3)])
        db.session.commit()
        bulk.upsert_entities([row(n, name=f"杭州批量改名{n}") for n in range(3)] + [row(n) for n in range(3, 30)])
        db.session.rollback()
        assert set(entities()) == {code(0), code(1), code(2)}
        assert all(not name.startswith("杭州批量改名") for name, *_ in entities().values())
        # the staging table went with the transaction: the next import works
        assert bulk.upsert_entities([row(7)]) == 1
        db.session.commit()
        assert code(7) in entities()


def test_a_failing_row_source_imports_nothing(app):
    """Validation while streaming: the row source raises after the last row, nothing is merged."""

    def rows():
        yield from (row(n) for n in range(20))
        raise ValueError("row 21: bad check digit")

    with app.app_context():
        with pytest.raises(ValueError):
            bulk.upsert_entities(rows())
        db.session.rollback()
        assert entities() == {}


def test_progress_is_reported_while_rows_stream(app, monkeypatch):
    monkeypatch.setattr(bulk, "COPY_BATCH", 10)
    monkeypatch.setattr(bulk, "CHUNK", 10)
    seen = []
    with app.app_context():
        assert bulk.upsert_entities((row(n) for n in range(35)), progress=seen.append) == 35
        db.session.commit()
        assert len(entities()) == 35
    assert seen[:4] == [10, 20, 30, 35] and seen[-1] == 35 and seen == sorted(seen)


def test_directory_entries_in_bulk(app):
    with app.app_context():
        bulk.upsert_entities([row(n) for n in range(6)])
        db.session.commit()
        scj, yjj = tenant_id("SCJ"), tenant_id("YJJ")
        with tenant_scope(scj):
            written = bulk.upsert_directory_entries(
                scj,
                [
                    {
                        "code": code(n),
                        "category": "食品销售",
                        "risk": "ABCD"[n % 4],
                        "tags": ",批量,",
                        "last_inspected_on": date(2025, 5, 1) if n == 0 else None,
                    }
                    for n in range(4)
                ],
            )
            assert written == 4
            db.session.commit()
            changed = bulk.upsert_directory_entries(
                scj,
                [
                    {"code": code(0), "category": "餐饮服务", "risk": "A", "tags": "", "last_inspected_on": None},
                    {"code": code(5), "category": "食品销售", "risk": "D", "tags": "", "last_inspected_on": None},
                ],
            )
            assert changed == 2
            db.session.commit()
            rows = {
                e.entity.code: (e.category, e.risk, e.tags, e.last_inspected_on, e.tenant_id)
                for e in db.session.scalars(sa.select(DirectoryEntry).where(DirectoryEntry.tags.in_([",批量,", ""])))
                if e.entity.code.startswith("91330106BK")
            }
            # another department may not be written from here
            with pytest.raises(TenantViolationError):
                bulk.upsert_directory_entries(
                    yjj, [{"code": code(1), "category": "x", "risk": "C", "tags": "", "last_inspected_on": None}]
                )
            # unknown codes: nothing may be committed
            with pytest.raises(bulk.UnknownEntitiesError) as unknown:
                bulk.upsert_directory_entries(
                    scj,
                    [
                        {"code": code(1), "category": "x", "risk": "C", "tags": "", "last_inspected_on": None},
                        {"code": code(99), "category": "x", "risk": "C", "tags": "", "last_inspected_on": None},
                    ],
                )
            assert unknown.value.codes == [code(99)]
            db.session.rollback()
            assert (
                db.session.scalar(
                    sa.select(DirectoryEntry.category)
                    .join(DirectoryEntry.entity)
                    .where(sa.text("entity.code = :c"))
                    .params(c=code(1))
                )
                == "食品销售"
            )
        with tenant_scope(yjj):
            assert not db.session.scalar(
                sa.select(sa.func.count())
                .select_from(DirectoryEntry)
                .join(DirectoryEntry.entity)
                .where(sa.text("entity.code LIKE '91330106BK%'"))
            )
    assert len(rows) == 5 and {t for *_, t in rows.values()} == {scj}
    assert rows[code(0)] == ("餐饮服务", "A", "", date(2025, 5, 1), scj)  # a missing date keeps the known one
    assert rows[code(1)][:2] == ("食品销售", "B") and rows[code(5)][:2] == ("食品销售", "D")


def _entity_indexes() -> dict[str, tuple[int, str]]:
    """The registry's indexes on PostgreSQL: name → (oid, definition); a rebuilt index has a new oid."""
    return {
        name: (oid, definition)
        for name, oid, definition in db.session.execute(
            sa.text(
                "SELECT c.relname, c.oid, pg_get_indexdef(c.oid) "
                "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE i.indrelid = 'entity'::regclass"
            )
        )
    }


def test_a_first_load_builds_the_registrys_search_indexes_once_after_its_rows(app, monkeypatch):
    """An import that outnumbers the registry (a first load) updates the entities it already holds, drops its
    search indexes and its unique code for the new ones and builds them again, the same; a later, smaller import
    keeps them up row by row. Both find what they wrote, and a code is still refused twice."""
    monkeypatch.setattr(bulk, "REBUILD_FROM", 10)
    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
        assert bulk.upsert_entities([row(n) for n in range(3)]) == 3
        db.session.commit()
        earlier = entities()
        held = db.session.scalar(sa.select(sa.func.count()).select_from(Entity))
        before = _entity_indexes() if postgres else {}
        first_load = (
            [row(2, name="杭州批量2号（未采用）")]
            + [row(n) for n in range(held + 20)]
            + [row(1, name="杭州批量1号贸易有限公司（已更名）", complaints=2)]
        )
        assert bulk.upsert_entities(first_load) == held + 22
        db.session.commit()
        loaded = entities()
        rebuilt = _entity_indexes() if postgres else {}
        assert bulk.upsert_entities([row(n) for n in range(held + 20, held + 30)]) == 10
        db.session.commit()
        kept = _entity_indexes() if postgres else {}
        found = db.session.scalars(sa.select(Entity.code).where(Entity.name.contains("批量7号"))).all()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Entity)) == 2 * held - 3 + 30
        with pytest.raises(sa.exc.IntegrityError):  # the unique code is back
            db.session.execute(sa.insert(Entity), [row(7)])
        db.session.rollback()
    assert code(7) in found
    assert loaded[code(0)] == earlier[code(0)]  # held and unchanged: not rewritten
    assert loaded[code(2)] == earlier[code(2)]  # its later row (unchanged) won over the earlier one
    assert loaded[code(1)][0] == "杭州批量1号贸易有限公司（已更名）" and loaded[code(1)][5] > earlier[code(1)][5]
    if postgres:
        assert {n: d for n, (_, d) in rebuilt.items()} == {n: d for n, (_, d) in before.items()}
        assert {n for n in before if rebuilt[n][0] != before[n][0]} == {
            "ix_entity_name",
            "ix_entity_industry_code",
            "ix_entity_region_code",
            "ix_entity_name_characters",
            "ix_entity_status",
            "ix_entity_abnormal",
            "ix_entity_blacklisted",
            "ix_entity_penalized",
            "ix_entity_complained",
            "uq_entity_code",
        }  # the primary key, which the directories refer to, was kept
        assert kept == rebuilt


@pytest.mark.postgres
@pytest.mark.parametrize("repeated", [False, True], ids=["distinct codes", "a code given twice"])
def test_a_first_load_into_an_empty_registry_writes_its_rows_once_in_the_files_order(
    postgres_url, monkeypatch, repeated
):
    """A city's first load into an empty registry: every entity written in the order of the file, the later row of
    a code given twice winning as in any import, and the registry's indexes and unique code back afterwards."""
    monkeypatch.setattr(bulk, "REBUILD_FROM", 10)
    with _pg_connect(postgres_url, autocommit=True) as admin:
        admin.execute("TRUNCATE entity CASCADE")  # a city's registry before its first load
    order = [17, 3, 12, 5, 9, 1, 14, 7, 11, 2, 16, 4]
    rows = [row(n) for n in order] + ([row(12, name="杭州批量12号（更名）")] if repeated else [])
    app = make_app(postgres_url)
    with app.app_context():
        before = _entity_indexes()
        assert bulk.upsert_entities(rows) == len(rows)
        db.session.commit()
        found = entities()
        ids = dict(db.session.execute(sa.select(Entity.code, Entity.id)).all())
        after = _entity_indexes()
        with pytest.raises(sa.exc.IntegrityError):  # the unique code is back
            db.session.execute(sa.insert(Entity), [row(3)])
        db.session.rollback()
    assert len(found) == len(order) == len(ids)
    numbered = [n for n in order if n != 12] + [12] if repeated else order  # a code's id comes with its later row
    assert sorted(order, key=lambda n: ids[code(n)]) == numbered
    assert found[code(12)][0] == ("杭州批量12号（更名）" if repeated else "杭州批量12号贸易有限公司")
    assert {n: d for n, (_, d) in after.items()} == {n: d for n, (_, d) in before.items()}
    assert after["uq_entity_code"][0] != before["uq_entity_code"][0]  # built again after the rows


@pytest.mark.postgres
def test_only_the_owners_functions_suspend_and_restore_the_registrys_indexes(postgres_url):
    """The application's role cannot have the owner drop another table's indexes or run a statement it wrote
    (PostgreSQL's functions: SQLite keeps its indexes up)."""
    app = make_app(postgres_url)
    with app.app_context():
        with pytest.raises(sa.exc.DBAPIError, match="not suspended"):
            db.session.execute(sa.text("SELECT spotcheck_suspend_indexes('visit')"))
        db.session.rollback()
        db.session.execute(sa.text("CREATE TEMP TABLE spotcheck_suspended_index (tablename text, definition text)"))
        db.session.execute(sa.text("INSERT INTO spotcheck_suspended_index VALUES ('entity', 'DROP TABLE audit_entry')"))
        with pytest.raises(sa.exc.DBAPIError, match="not kept by spotcheck_suspend_indexes"):
            db.session.execute(sa.text("SELECT spotcheck_restore_indexes('entity')"))
        db.session.rollback()
        indexes = set(_entity_indexes())
        db.session.execute(sa.text("SELECT spotcheck_suspend_indexes('entity')"))
        assert "uq_entity_code" not in _entity_indexes()
        with pytest.raises(sa.exc.DBAPIError, match="suspended and not restored"):
            db.session.commit()  # the unique code cannot be left dropped
        db.session.rollback()
        assert set(_entity_indexes()) == indexes
        assert db.session.scalar(sa.text("SELECT to_regclass('audit_entry') IS NOT NULL"))
