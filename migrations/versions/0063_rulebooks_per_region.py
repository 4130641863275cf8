"""each region its rulebook: ``rule_version.region_id``; a campaign keeps the chain of rulebook versions

A rulebook (实施方案) belongs to a region (its level): ``rule_version.region_id``. Every rulebook version loaded so far
was the deployment's, so it becomes the root's (the region without a parent; none while there is no tree, which the
rules read as the root's). A campaign keeps every level's rulebook version in force at its approval, from the root
down (``campaign.rulebook_version_ids``, a JSON list) instead of one (``rulebook_version_id``, carried over as a list of
one). The downgrade keeps each campaign's nearest level's version and forgets the regions of the rulebooks: every
rulebook version stays, read again as the deployment's (the old model has one rulebook).

Revision ID: 0063
Revises: 0062
Create Date: 2026-11-28 15:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0063"
down_revision = "0062"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("rule_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("region_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_rule_version_region_id"), ["region_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_rule_version_region_id_region"), "region", ["region_id"], ["id"])
    op.execute(
        "UPDATE rule_version SET region_id ="
        " (SELECT min(region.id) FROM region WHERE region.parent_id IS NULL) WHERE tenant_id IS NULL"
    )
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rulebook_version_ids", sa.JSON(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "UPDATE campaign SET rulebook_version_ids = json_build_array(rulebook_version_id)"
            " WHERE rulebook_version_id IS NOT NULL"
        )
    else:
        op.execute(
            "UPDATE campaign SET rulebook_version_ids = json_array(rulebook_version_id)"
            " WHERE rulebook_version_id IS NOT NULL"
        )
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_constraint("fk_campaign_rulebook_version_id_rule_version", type_="foreignkey")
        batch_op.drop_column("rulebook_version_id")


def downgrade():
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rulebook_version_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_campaign_rulebook_version_id_rule_version"), "rule_version", ["rulebook_version_id"], ["id"]
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "UPDATE campaign SET rulebook_version_id = (rulebook_version_ids->>-1)::int"
            " WHERE rulebook_version_ids IS NOT NULL AND json_array_length(rulebook_version_ids) > 0"
        )
    else:
        op.execute(
            "UPDATE campaign SET rulebook_version_id = json_extract(rulebook_version_ids, '$[#-1]')"
            " WHERE rulebook_version_ids IS NOT NULL AND json_array_length(rulebook_version_ids) > 0"
        )
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_column("rulebook_version_ids")
    with op.batch_alter_table("rule_version", schema=None) as batch_op:
        batch_op.drop_constraint("fk_rule_version_region_id_region", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_rule_version_region_id"))
        batch_op.drop_column("region_id")
