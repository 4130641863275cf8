"""each region its field leads: ``field_lead`` keyed by region and field

A field's lead department (执法领域牵头部门) is named per region (``region_id``, a department of that region); a
region without its own follows the nearest region above. Every lead named so far leads in its department's region
(after 0059, the one region every department is in). The downgrade keeps, for each field, the lead of the region
nearest the root (the others are dropped: before, a field had one lead in the deployment).

Revision ID: 0062
Revises: 0061
Create Date: 2026-11-28 13:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0062"
down_revision = "0061"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("field_lead", schema=None) as batch_op:
        batch_op.add_column(sa.Column("region_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE field_lead SET region_id ="
        " (SELECT tenant.region_id FROM tenant WHERE tenant.id = field_lead.lead_tenant_id)"
    )
    with op.batch_alter_table("field_lead", schema=None) as batch_op:
        batch_op.alter_column("region_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint("pk_field_lead", type_="primary")
        batch_op.create_primary_key("pk_field_lead", ["region_id", "field"])
        batch_op.create_foreign_key(batch_op.f("fk_field_lead_region_id_region"), "region", ["region_id"], ["id"])


def downgrade():
    # one lead per field: the one named for the region nearest the root
    op.execute(
        "DELETE FROM field_lead WHERE EXISTS (SELECT 1 FROM field_lead AS other"
        " JOIN region AS other_region ON other_region.id = other.region_id"
        " JOIN region AS own_region ON own_region.id = field_lead.region_id"
        " WHERE other.field = field_lead.field AND (length(other_region.path) < length(own_region.path)"
        " OR (length(other_region.path) = length(own_region.path) AND other.region_id < field_lead.region_id)))"
    )
    with op.batch_alter_table("field_lead", schema=None) as batch_op:
        batch_op.drop_constraint("fk_field_lead_region_id_region", type_="foreignkey")
        batch_op.drop_constraint("pk_field_lead", type_="primary")
        batch_op.create_primary_key("pk_field_lead", ["field"])
        batch_op.drop_column("region_id")
