"""the rules as data (规则集): the versions of the deployment's rulebook (实施方案) and of each
department's rules (细则), the versions a campaign keeps from its approval, and the statistical tables
named by what they are rather than by the document that first asked for them

``rule_version`` holds every version loaded (public data like the official calendar: no row-level
security; only the loading commands write). ``campaign.rulebook_version_id`` and
``campaign.department_rules_version_id`` are the versions in force when the campaign was approved.
The table codes of submitted tables and of table jobs are renamed (001-2 → progress, …).

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-24 20:00:00

"""

import json

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

#: The tables' codes before and after.
RENAMED = {
    "001-1": "plan",
    "001-2": "progress",
    "001-3": "joint",
    "001-4": "halfplan",
    "001-5": "practice",
    "003-3": "area",
    "003-4": "dept",
    "003-5": "contacts",
}


def _rename_codes(mapping: dict) -> None:
    bind = op.get_bind()
    for old, new in mapping.items():
        bind.execute(
            sa.text("UPDATE report_submission SET table_code = :new WHERE table_code = :old"), {"new": new, "old": old}
        )
    jobs = bind.execute(sa.text("SELECT id, params FROM job WHERE kind = 'supervision.table'")).all()
    for job_id, params in jobs:
        params = json.loads(params) if isinstance(params, str) else dict(params or {})
        if params.get("code") in mapping:
            params["code"] = mapping[params["code"]]
            bind.execute(
                sa.text("UPDATE job SET params = :params WHERE id = :id"),
                {"params": json.dumps(params, ensure_ascii=False), "id": job_id},
            )


def upgrade():
    op.create_table(
        "rule_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("short_title", sa.String(length=60), nullable=False),
        sa.Column("issuer", sa.String(length=100), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("preset", sa.String(length=60), nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded_by_name", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_rule_version_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_version")),
    )
    with op.batch_alter_table("rule_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rule_version_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_rule_version_effective_from"), ["effective_from"], unique=False)
    rls.grant_tables(op, ["rule_version"])
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rulebook_version_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("department_rules_version_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_campaign_rulebook_version_id_rule_version"), "rule_version", ["rulebook_version_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_campaign_department_rules_version_id_rule_version"),
            "rule_version",
            ["department_rules_version_id"],
            ["id"],
        )
    _rename_codes(RENAMED)


def downgrade():
    _rename_codes({new: old for old, new in RENAMED.items()})
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_campaign_department_rules_version_id_rule_version"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_campaign_rulebook_version_id_rule_version"), type_="foreignkey")
        batch_op.drop_column("department_rules_version_id")
        batch_op.drop_column("rulebook_version_id")
    with op.batch_alter_table("rule_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rule_version_effective_from"))
        batch_op.drop_index(batch_op.f("ix_rule_version_tenant_id"))
    op.drop_table("rule_version")
