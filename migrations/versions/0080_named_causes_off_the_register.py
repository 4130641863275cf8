"""a named check's cause off the public register (有因检查): the public reads that the check had a cause, never which

A result of a check of named businesses (特定对象检查) was published with its business's cause (``content.cause``:
投诉举报, 上级交办（交办文件文号：…）) — the fact a blinded draw hides in its flagged stratum. The public register keeps
that it was such a check (``named``) and from now on the legal basis of its items; the cause stays on the campaign's
target row, read by the business on its own record and by its supervising bureau. The rows published before lose
their ``cause``; downgrading writes it back from the target rows (a complaint's number left out, as it was).

Revision ID: 0080
Revises: 0079
Create Date: 2026-12-22 10:00:00

"""

import sqlalchemy as sa
from alembic import op

from spotcheck.tenants.campaigns.vocabulary import cause_line

# revision identifiers, used by Alembic.
revision = "0080"
down_revision = "0079"
branch_labels = None
depends_on = None

published_result = sa.table(
    "published_result",
    sa.column("id", sa.Integer),
    sa.column("campaign_id", sa.Integer),
    sa.column("entity_id", sa.Integer),
    sa.column("content", sa.JSON),
)
campaign = sa.table("campaign", sa.column("id", sa.Integer), sa.column("kind", sa.String))
campaign_target = sa.table(
    "campaign_target",
    sa.column("campaign_id", sa.Integer),
    sa.column("entity_id", sa.Integer),
    sa.column("cause", sa.String),
    sa.column("cause_reference", sa.String),
)


def _all_rows():
    """Every department's rows (row-level security binds the migration too)."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("SELECT set_config('app.all_tenants', 'on', true)"))
    return bind


def _named_results(bind):
    """The published results of checks of named businesses: (id, content, cause, reference) each."""
    return bind.execute(
        sa.select(
            published_result.c.id,
            published_result.c.content,
            campaign_target.c.cause,
            campaign_target.c.cause_reference,
        )
        .join(campaign, campaign.c.id == published_result.c.campaign_id)
        .outerjoin(
            campaign_target,
            sa.and_(
                campaign_target.c.campaign_id == published_result.c.campaign_id,
                campaign_target.c.entity_id == published_result.c.entity_id,
            ),
        )
        .where(campaign.c.kind == "named")
        .order_by(published_result.c.id)
    ).all()


def upgrade():
    bind = _all_rows()
    for row_id, content, _cause, _reference in _named_results(bind):
        if isinstance(content, dict) and "cause" in content:
            kept = {key: value for key, value in content.items() if key != "cause"}
            bind.execute(published_result.update().where(published_result.c.id == row_id).values(content=kept))


def downgrade():
    bind = _all_rows()
    for row_id, content, cause, reference in _named_results(bind):
        if isinstance(content, dict) and content.get("named"):
            restored = {key: value for key, value in content.items() if key != "legal_bases"}
            restored["cause"] = cause_line(cause, reference or "", outside=True) if cause else ""
            bind.execute(published_result.update().where(published_result.c.id == row_id).values(content=restored))
