"""official calendar (法定节假日与调休) in the database; a check's start and end dates; deadlines that
cannot slide

``calendar_year`` and ``official_day`` keep the official calendar one year at a time, the
deployment's (no tenant): the years the package ``chinesecalendar`` knows are loaded here, later ones
are entered by the platform administrator. A visit gets its check's end date (``checked_until``;
``checked_on`` is the start), whether each due date is provisional (a year without an official
calendar counted Monday–Friday), when its result was first submitted (its dates are fixed from then)
and the last correction of its dates by a leader; a rectification's deadline may be given in
working days (provisional likewise). Publication is now due 20 working days after the
check ended (review time included): existing due dates are counted again from the check, never later
than they were. The public register keeps the end date too.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-23 13:00:00

"""

import hashlib
from datetime import UTC, date, datetime, timedelta
from importlib.metadata import version

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

PUBLISH_DAYS = 20


def upgrade():
    op.create_table(
        "calendar_year",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("notice", sa.String(length=200), nullable=False),
        sa.Column("holidays", sa.Integer(), nullable=False),
        sa.Column("workdays", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded_by_name", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_calendar_year")),
    )
    op.create_table(
        "official_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(["year"], ["calendar_year.year"], name=op.f("fk_official_day_year_calendar_year")),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_official_day")),
    )
    with op.batch_alter_table("official_day", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_official_day_year"), ["year"], unique=False)
    rls.grant_tables(op, ["calendar_year", "official_day"])
    _load_package_years()

    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checked_until", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("report_due_provisional", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("publish_due_provisional", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("first_submitted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("dates_correction_reason", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("dates_corrected_by_name", sa.String(length=100), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("dates_corrected_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("published_result", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checked_until", sa.Date(), nullable=True))
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deadline_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("deadline_provisional", sa.Boolean(), nullable=False, server_default=sa.false()))
    _existing_visits()
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_column("due_assumed")


def _load_package_years():
    """Every year the package knows, as the database's first official calendar."""
    from spotcheck.core.official_calendar import HOLIDAY, WORKDAY, package_days

    loaded = sa.table(
        "calendar_year",
        sa.column("year"),
        sa.column("source"),
        sa.column("notice"),
        sa.column("holidays"),
        sa.column("workdays"),
        sa.column("sha256"),
        sa.column("loaded_at"),
        sa.column("loaded_by_name"),
    )
    days = sa.table("official_day", sa.column("day"), sa.column("year"), sa.column("kind"), sa.column("name"))
    package = f"chinesecalendar {version('chinesecalendar')}"
    for year, rows in package_days().items():
        text = "".join(f"{d.day.isoformat()}\t{d.kind}\t{d.name}\n" for d in rows)
        op.bulk_insert(
            loaded,
            [
                {
                    "year": year,
                    "source": "package",
                    "notice": package,
                    "sha256": hashlib.sha256(text.encode()).hexdigest(),
                    "holidays": sum(d.kind == HOLIDAY for d in rows),
                    "workdays": sum(d.kind == WORKDAY for d in rows),
                    "loaded_at": datetime.now(UTC),
                    "loaded_by_name": package,
                }
            ],
        )
        op.bulk_insert(days, [{"day": d.day, "year": year, "kind": d.kind, "name": d.name} for d in rows])


def _existing_visits():
    """The end of a recorded check is its day; the results submitted so far have fixed dates; the
    due dates of publication are counted from the check (never later than they were)."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("SELECT set_config('app.all_tenants', 'on', true)"))
    bind.execute(sa.text("UPDATE visit SET checked_until = checked_on, report_due_provisional = due_assumed"))
    bind.execute(
        sa.text(
            "UPDATE visit SET first_submitted_at = COALESCE(submitted_at, approved_at, published_at, created_at) "
            "WHERE status IN ('submitted', 'returned', 'approved', 'published') OR version > 0"
        )
    )
    bind.execute(sa.text("UPDATE published_result SET checked_until = checked_on"))
    known = {row[0] for row in bind.execute(sa.text("SELECT year FROM calendar_year"))}
    holidays, workdays = set(), set()
    for day, kind in bind.execute(sa.text("SELECT day, kind FROM official_day")):
        day = day if isinstance(day, date) else date.fromisoformat(str(day))
        (holidays if kind == "holiday" else workdays).add(day)
    for visit_id, checked, due in bind.execute(
        sa.text("SELECT id, checked_on, publish_due FROM visit WHERE checked_on IS NOT NULL")
    ).all():
        checked = checked if isinstance(checked, date) else date.fromisoformat(str(checked))
        due = due if due is None or isinstance(due, date) else date.fromisoformat(str(due))
        day, counted, provisional = checked, 0, False
        while counted < PUBLISH_DAYS:
            day += timedelta(days=1)
            provisional = provisional or day.year not in known
            counted += day not in holidays and (day in workdays or day.weekday() < 5)
        if due is None or day <= due:
            bind.execute(
                sa.text("UPDATE visit SET publish_due = :due, publish_due_provisional = :provisional WHERE id = :id"),
                {"due": day, "provisional": provisional, "id": visit_id},
            )


def downgrade():
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("due_assumed", sa.Boolean(), nullable=False, server_default=sa.false()))
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("SELECT set_config('app.all_tenants', 'on', true)"))
    bind.execute(sa.text("UPDATE visit SET due_assumed = (report_due_provisional OR publish_due_provisional)"))
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.drop_column("deadline_provisional")
        batch_op.drop_column("deadline_days")
    with op.batch_alter_table("published_result", schema=None) as batch_op:
        batch_op.drop_column("checked_until")
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_column("dates_corrected_at")
        batch_op.drop_column("dates_corrected_by_name")
        batch_op.drop_column("dates_correction_reason")
        batch_op.drop_column("first_submitted_at")
        batch_op.drop_column("publish_due_provisional")
        batch_op.drop_column("report_due_provisional")
        batch_op.drop_column("checked_until")
    with op.batch_alter_table("official_day", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_official_day_year"))
    op.drop_table("official_day")
    op.drop_table("calendar_year")
