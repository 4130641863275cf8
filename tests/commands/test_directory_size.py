"""检查对象名录库规模: the supervisor's figure of a department's directory at a moment is read from the days'
tally the database keeps (``directory_size``), and it is the same number as counting the entries then, whatever
wrote them — entries added and removed by the commands, an import, a row moved in SQL."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from spotcheck.core.clock import frozen_at, now
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.directory import bulk, commands as directory, queries as directory_queries
from spotcheck.tenants.directory.history import entries_at, sizes_at
from spotcheck.tenants.directory.models import DirectoryEntry, DirectorySize
from tests.support.campaign_world import build, credit_code
from tests.support.helpers import user_named

DAY = date(2026, 3, 2)


def _counted(moment: datetime) -> Counter[int]:
    entries = entries_at(moment)
    return Counter(
        dict(db.session.execute(sa.select(entries.c.tenant_id, sa.func.count()).group_by(entries.c.tenant_id)).all())
    )


def test_the_directorys_size_at_any_moment_is_the_count_of_its_entries_then(app):
    with app.app_context():
        with frozen_at(DAY):
            build(entities=12)
        admin, lead = user_named("yjj_admin"), user_named("scj_admin")
        with tenant_scope(admin.tenant_id):
            entries = list(db.session.scalars(sa.select(DirectoryEntry.id).order_by(DirectoryEntry.id)))
        moments = [datetime(2026, 3, 2, 15, tzinfo=UTC)]  # the first day, after the entries joined
        for day, removed in ((date(2026, 3, 3), entries[:3]), (date(2026, 3, 5), entries[3:4])):
            with frozen_at(datetime(day.year, day.month, day.day, 2, tzinfo=UTC)):  # 10:00 in Beijing
                with tenant_scope(admin.tenant_id):
                    for entry_id in removed:
                        directory.remove_entry(entry_id, actor=admin)
                    db.session.commit()
                moments += [now() - timedelta(minutes=1), now() + timedelta(minutes=1)]
        with frozen_at(datetime(2026, 3, 6, 20, tzinfo=UTC)):  # 04:00 on 3-7 in Beijing: another day
            codes = [credit_code(900 + n) for n in range(5)]
            with tenant_scope(lead.tenant_id):
                for n, code in enumerate(codes):
                    directory.create_entity(
                        {"code": code, "name": f"新登记企业{n}", "industry_code": "C2611", "region_code": "231084902"},
                        actor=lead,
                    )
                db.session.commit()
            with tenant_scope(admin.tenant_id):  # an import: four new entries, one already there (updated)
                kept = directory_queries.entity_by_code(credit_code(5)).code
                bulk.upsert_directory_entries(
                    admin.tenant_id,
                    [{"code": c, "category": "危险化学品", "risk": "B", "tags": ""} for c in [*codes[:4], kept]],
                )
                db.session.commit()
                directory.add_entry({"entity_code": codes[4], "risk": "A"}, actor=admin)
                db.session.commit()
            moments += [now(), now() + timedelta(seconds=1)]
        with tenant_scope(admin.tenant_id):  # an entry's joining moved back a week in SQL: its count moves too
            db.session.execute(
                sa.update(DirectoryEntry)
                .where(DirectoryEntry.id == entries[-1])
                .values(created_at=datetime(2026, 2, 20, tzinfo=UTC))
            )
            db.session.commit()
        moments += [datetime(2026, 2, 25, tzinfo=UTC), datetime(2026, 12, 31, 16, tzinfo=UTC)]

        with tenant_scope(admin.tenant_id):
            sizes = {moment: (sizes_at(moment), _counted(moment)) for moment in moments}
            days = db.session.scalar(sa.select(sa.func.count()).select_from(DirectorySize))
        for moment, (size, counted) in sizes.items():
            assert size == counted, moment
        first, end = sizes[moments[0]][0][admin.tenant_id], sizes[moments[-1]][0][admin.tenant_id]
        assert (first, end) == (12, 12 - 4 + 5)
        assert sizes[datetime(2026, 2, 25, tzinfo=UTC)][0][admin.tenant_id] == 1  # only the one moved back
        assert days <= 6  # a row a day the directory changed, however many entries changed that day
