"""campaigns and plans: structured ratio and frequency

An item's 抽查比例 and 抽查频次, free text until now, become values: ``item.ratio_bp`` (the least share
checked, basis points: 不低于5% is 500) and ``item.frequency_times`` per ``item.frequency_period``
(year, half, quarter, month: 每年1次 is 1 per year); a plan line's frequency likewise
(``plan_item.frequency_times``/``frequency_period``, empty: the item's). The text is read as the
forms read it (:mod:`spotcheck.tenants.common.vocabulary.sampling`): what parses is kept, what does not is left
empty — such an item must state its ratio or frequency again before its next publication (a
published item keeps its published version until then). The items' versions (``item_version.fields``)
are rewritten the same way, and the plans' published and filed lines (``plan.published_lines``,
``plan_review.lines``) gain the two values beside the text they were published with.

Downgrading writes the values back as text (不低于5%, 每年1次).

Revision ID: 0028
Revises: 0027
Create Date: 2026-11-24 22:40:00

"""

import sqlalchemy as sa
from alembic import op

from spotcheck.tenants.common.validators import InvalidValueError
from spotcheck.tenants.common.vocabulary import sampling

# revision identifiers, used by Alembic.
revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

item_version = sa.table("item_version", sa.column("id", sa.Integer), sa.column("fields", sa.JSON))
plan = sa.table("plan", sa.column("id", sa.Integer), sa.column("published_lines", sa.JSON))
plan_review = sa.table("plan_review", sa.column("id", sa.Integer), sa.column("lines", sa.JSON))


def _all_rows():
    """Every department's rows (row-level security binds the migration too)."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("SELECT set_config('app.all_tenants', 'on', true)"))
    return bind


def _ratio(text) -> int | None:
    try:
        return sampling.parse_ratio(text)
    except InvalidValueError:
        return None


def _frequency(text) -> tuple[int | None, str]:
    try:
        return sampling.parse_frequency(text) or (None, "")
    except InvalidValueError:
        return None, ""


def _structured(fields: dict) -> dict:
    """A version's fields with the text of ratio and frequency read as values."""
    fields = dict(fields)
    ratio, (times, period) = _ratio(fields.pop("ratio", "")), _frequency(fields.pop("frequency", ""))
    return {**fields, "ratio_bp": ratio, "frequency_times": times, "frequency_period": period}


def _text(fields: dict) -> dict:
    """A version's fields with ratio and frequency said as text again."""
    fields = dict(fields)
    ratio = sampling.ratio_text(fields.pop("ratio_bp", None))
    frequency = sampling.frequency_text(fields.pop("frequency_times", None), fields.pop("frequency_period", ""))
    return {**fields, "ratio": ratio, "frequency": frequency}


def _lines_with_values(lines):
    if lines is None:
        return None
    return [
        {**line, **dict(zip(("frequency_times", "frequency_period"), _frequency(line.get("frequency")), strict=True))}
        for line in lines
    ]


def _lines_without_values(lines):
    if lines is None:
        return None
    return [{k: v for k, v in line.items() if k not in ("frequency_times", "frequency_period")} for line in lines]


def _rewrite(bind, table, column: str, change) -> None:
    for row_id, value in bind.execute(sa.select(table.c.id, table.c[column])).all():
        if value is not None:
            bind.execute(table.update().where(table.c.id == row_id).values({column: change(value)}))


def upgrade():
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ratio_bp", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("frequency_times", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("frequency_period", sa.String(length=8), nullable=False, server_default=""))
    with op.batch_alter_table("plan_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("frequency_times", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("frequency_period", sa.String(length=8), nullable=False, server_default=""))

    bind = _all_rows()
    for table in ("item", "plan_item"):
        rows = bind.execute(sa.text(f"SELECT id, {'ratio, ' if table == 'item' else ''}frequency FROM {table}")).all()
        for row in rows:
            times, period = _frequency(row.frequency)
            values = {"id": row.id, "times": times, "period": period}
            ratio = ""
            if table == "item":
                values["ratio"], ratio = _ratio(row.ratio), "ratio_bp = :ratio, "
            bind.execute(
                sa.text(
                    f"UPDATE {table} SET {ratio}frequency_times = :times, frequency_period = :period WHERE id = :id"
                ),
                values,
            )
    _rewrite(bind, item_version, "fields", _structured)
    _rewrite(bind, plan, "published_lines", _lines_with_values)
    _rewrite(bind, plan_review, "lines", _lines_with_values)

    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_column("ratio")
        batch_op.drop_column("frequency")
    with op.batch_alter_table("plan_item", schema=None) as batch_op:
        batch_op.drop_column("frequency")


def downgrade():
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ratio", sa.String(length=100), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("frequency", sa.String(length=100), nullable=False, server_default=""))
    with op.batch_alter_table("plan_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("frequency", sa.String(length=100), nullable=False, server_default=""))

    bind = _all_rows()
    for row in bind.execute(sa.text("SELECT id, ratio_bp, frequency_times, frequency_period FROM item")).all():
        bind.execute(
            sa.text("UPDATE item SET ratio = :ratio, frequency = :frequency WHERE id = :id"),
            {
                "id": row.id,
                "ratio": sampling.ratio_text(row.ratio_bp),
                "frequency": sampling.frequency_text(row.frequency_times, row.frequency_period),
            },
        )
    for row in bind.execute(sa.text("SELECT id, frequency_times, frequency_period FROM plan_item")).all():
        bind.execute(
            sa.text("UPDATE plan_item SET frequency = :frequency WHERE id = :id"),
            {"id": row.id, "frequency": sampling.frequency_text(row.frequency_times, row.frequency_period)},
        )
    _rewrite(bind, item_version, "fields", _text)
    _rewrite(bind, plan, "published_lines", _lines_without_values)
    _rewrite(bind, plan_review, "lines", _lines_without_values)

    with op.batch_alter_table("plan_item", schema=None) as batch_op:
        batch_op.drop_column("frequency_period")
        batch_op.drop_column("frequency_times")
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_column("frequency_period")
        batch_op.drop_column("frequency_times")
        batch_op.drop_column("ratio_bp")
