"""The directory's file (检查对象名录库导入) read once: each row staged as it is checked, in the first pass's savepoint,
and what was staged gone with a file that turns out bad or cannot be read to its end."""

from __future__ import annotations

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.spreadsheets import pipeline, reading
from tests.support.helpers import bearer
from tests.support.sheets import credit_code, directory_of, upload


def test_a_directory_file_is_read_once_and_a_bad_end_leaves_nothing_staged(app, monkeypatch):
    """The directory file is read once, its rows staged as they are checked: a bad last row, or an end of the file
    that cannot be read, imports nothing of the rows staged before it and leaves no staged row behind — and the
    corrected file then imports whole."""
    readings, left = [], []
    rows_of, run = reading.RowSource.rows, pipeline.run
    monkeypatch.setattr(reading.RowSource, "rows", lambda source: readings.append(source.path) or rows_of(source))

    def run_and_look(*args, **kwargs):  # the import's own connection, before its transaction ends
        result = run(*args, **kwargs)
        left.append(
            db.session.execute(
                sa.text(
                    "SELECT name FROM sqlite_temp_master WHERE name LIKE 'stage%'"
                    if db.session.get_bind().dialect.name == "sqlite"
                    else "SELECT relname FROM pg_class WHERE relpersistence = 't' AND relname LIKE 'stage%' "
                    "AND pg_table_is_visible(oid)"
                )
            )
            .scalars()
            .all()
        )
        return result

    monkeypatch.setattr(pipeline, "run", run_and_look)
    client = app.test_client()
    admin = bearer(app, "scj_admin")
    header = "统一社会信用代码/对象编码,名称,行业代码,行政区划代码,监管类别,风险等级\n"
    good = "".join(
        f"{credit_code(n)},滨江一次读取{n}号食品有限公司,C1391,231084908,食品生产,B\n" for n in range(40, 70)
    )
    with app.app_context():
        before = (db.session.scalar(sa.select(sa.func.count()).select_from(Entity)), len(directory_of("SCJ")))

    bad_end = upload(
        client,
        "directory",
        (header + good + f"{credit_code(70)},,C1391,231084908,食品生产,B\n").encode(),
        admin,
        "名录.csv",
    )
    assert bad_end["ok"] is False and {(e["row"], e["column"]) for e in bad_end["errors"]} == {(32, "名称")}
    too_long = "长" * (reading._CSV_FIELD_LIMIT + 1)  # a cell the reader refuses: the file cannot be read to its end
    unreadable = upload(
        client, "directory", (header + good + f"{credit_code(70)},{too_long}\n").encode(), admin, "名录.csv"
    )
    assert unreadable["ok"] is False and "CSV" in unreadable["errors"][0]["reason"], unreadable
    with app.app_context():
        assert (db.session.scalar(sa.select(sa.func.count()).select_from(Entity)), len(directory_of("SCJ"))) == before
    assert left == [[], []]  # what the two files staged is gone with them

    readings.clear()
    fixed = upload(
        client,
        "directory",
        (header + good + f"{credit_code(70)},滨江一次读取70号食品有限公司,C1391,231084908,食品生产,B\n").encode(),
        admin,
        "名录.csv",
    )
    assert (fixed["ok"], fixed["rows"], fixed["created"], fixed["entities_created"]) == (True, 31, 31, 31), fixed
    assert len(readings) == 1  # the file's rows read once: checked and staged in one pass
    with app.app_context():
        entries = directory_of("SCJ")
        assert len(entries) == before[1] + 31
        assert entries[credit_code(70)].entity.name == "滨江一次读取70号食品有限公司"
