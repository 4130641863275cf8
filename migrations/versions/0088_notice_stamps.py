"""检查预告: an inspection notice issued stamps the business's kept record (档案变更戳)

A check shows under 检查预告 on the business's record as soon as its inspection notice (检查通知书) is issued to the
business (:mod:`spotcheck.tenants.business_record.queries`): writing a notice — a department's own, about its visit,
or a joint campaign's, about the joint visit — now stamps the campaign it is of (``campaign``, the notice's
``campaign_id``), so a record kept before it is read anew. The triggers are those of migration 0072, for one more
table.

Revision ID: 0088
Revises: 0084
Create Date: 2026-12-29 10:00:00

"""

from alembic import op

from spotcheck.platform.rls import earlier_migration

# revision identifiers, used by Alembic.
revision = "0088"
down_revision = "0084"
branch_labels = None
depends_on = None

#: table → (kind, the key of a changed row ``{row}`` as SQL, the changes that stamp it), as 0072's ``STAMPED``.
STAMPED = {"notice": ("campaign", "{row}.campaign_id", ("INSERT", "UPDATE", "DELETE"))}


def _stamps():
    """Migration 0072's triggers, from its own text."""
    return earlier_migration(__file__, "0072_record_stamps.py")


def upgrade():
    _stamps().create_triggers(op.get_bind().dialect.name, STAMPED)


def downgrade():
    _stamps().drop_triggers(op.get_bind().dialect.name, STAMPED)
