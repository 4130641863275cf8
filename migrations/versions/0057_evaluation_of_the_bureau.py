"""a business's evaluation of an inspection is the justice bureau's row

``evaluation`` (row-level security): each evaluation a business gave with its 企业核验码 — how satisfied it is
(1 to 5), its text and when — owned by the justice bureau (the active department of kind ``supervisor``) and naming
the department inspected (``about_tenant_id``, the visit's department), which no longer reads it row by row. Every
evaluation kept on the department's ``inspection_code`` row moves there, its moment as it was, and the three columns
(``evaluated_at``, ``satisfaction``, ``evaluation_text``) are dropped. Where the platform has no bureau yet, the
evaluations are kept with no owner (a department's scope and row-level security show them to none) and become the
bureau's when it is created. The audit entries written before stay in the departments' chains, unchanged.

The downgrade puts each evaluation back on its visit's code row, whoever owns it.

Revision ID: 0057
Revises: 0056
Create Date: 2026-12-02 09:00:00

"""

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0057"
down_revision = "0056"
branch_labels = None
depends_on = None

COLUMNS = ("evaluated_at", "satisfaction", "evaluation_text")


def _every_department() -> None:
    """Read and write every department's rows (row-level security binds the owner too)."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("SELECT set_config('app.all_tenants', 'on', true)"))


def upgrade():
    op.create_table(
        "evaluation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=True),
        sa.Column("about_tenant_id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("satisfaction", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["about_tenant_id"], ["tenant.id"], name=op.f("fk_evaluation_about_tenant_id_tenant")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_evaluation_tenant_id_tenant")),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"], name=op.f("fk_evaluation_visit_id_visit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation")),
        sa.UniqueConstraint("visit_id", name=op.f("uq_evaluation_visit_id")),
    )
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluation_about_tenant_id"), ["about_tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evaluation_evaluated_at"), ["evaluated_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_evaluation_tenant_id"), ["tenant_id"], unique=False)
    rls.grant_tables(op, ["evaluation"])
    rls.enable(op, "evaluation")

    _every_department()
    bind = op.get_bind()
    bureau = bind.execute(
        sa.text("SELECT id FROM tenant WHERE kind = 'supervisor' AND active ORDER BY id LIMIT 1")
    ).scalar()
    bind.execute(
        sa.text(
            "INSERT INTO evaluation (tenant_id, about_tenant_id, visit_id, satisfaction, text, evaluated_at) "
            "SELECT :bureau, v.tenant_id, c.visit_id, c.satisfaction, c.evaluation_text, c.evaluated_at "
            "FROM inspection_code c JOIN visit v ON v.id = c.visit_id WHERE c.evaluated_at IS NOT NULL "
            "ORDER BY c.evaluated_at, c.id"
        ),
        {"bureau": bureau},
    )
    with op.batch_alter_table("inspection_code", schema=None) as batch_op:
        for column in COLUMNS:
            batch_op.drop_column(column)


def downgrade():
    with op.batch_alter_table("inspection_code", schema=None) as batch_op:
        batch_op.add_column(sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("satisfaction", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("evaluation_text", sa.Text(), nullable=False, server_default=""))
    _every_department()
    kept = "(SELECT e.{} FROM evaluation e WHERE e.visit_id = inspection_code.visit_id)"
    op.execute(
        f"UPDATE inspection_code SET evaluated_at = {kept.format('evaluated_at')}, "
        f"satisfaction = {kept.format('satisfaction')}, evaluation_text = {kept.format('text')} "
        f"WHERE visit_id IN (SELECT visit_id FROM evaluation)"
    )
    rls.disable(op, "evaluation")
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_evaluation_evaluated_at"))
        batch_op.drop_index(batch_op.f("ix_evaluation_about_tenant_id"))
    op.drop_table("evaluation")
