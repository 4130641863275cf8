"""a region's justice bureau reads every level's checks of the businesses located in its region: ``area_read``

涉企检查频次 is per region: a bureau's figures count the checks of the businesses whose registry code lies in its
region, whichever department made them — a city department's visit of a county's business among the county bureau's.
The bureau's branch (``app.tenant_ids``) holds its own region's departments and those below, not the city's, so
its read of the figures opens, besides the branch and read-only, the rows about the businesses of its region
(``app.area``: the region's registry-code prefix; ``spotcheck.core.scoping.AreaReadable``):

* ``visit``: the visits of those businesses;
* ``campaign``: the campaigns of those visits, and the public random campaigns (approved; a joint campaign's own
  row, not a part) of the departments that drew one of those businesses — what the repeated draws' chances read;
* ``campaign_target``: those businesses' targets drawn (selected or replaced, as published; not a reserve, not a
  named check's);
* ``draw``: the target draws, once drawn (their proofs are published), of those random campaigns.

A ``FOR SELECT`` policy each (no write: the branch's policy alone checks what is written), the same conditions as the
models' ``area_rows`` in the ORM scope. A business's rows are found through the index on ``entity.region_code`` (a
range from the prefix to the prefix followed by ``~``: a code is digits); no policy reads its own table. PostgreSQL
only (SQLite has no row-level security).

Revision ID: 0068
Revises: 0067
Create Date: 2026-12-05 10:00:00

"""

from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0068"
down_revision = "0067"
branch_labels = None
depends_on = None

AREA = "NULLIF(current_setting('app.area', true), '')"
#: The businesses of the area.
LOCATED = f"(SELECT e.id FROM entity e WHERE e.region_code >= {AREA} AND e.region_code < ({AREA} || '~'))"
#: The departments that drew one of them (a target drawn, not a named check's).
DREW = (
    f"(SELECT t.tenant_id FROM campaign_target t WHERE t.entity_id IN {LOCATED} "
    "AND t.status IN ('selected', 'replaced') AND t.cause = '')"
)


def _drawing(table: str) -> str:
    """A public random campaign of a department that drew one of the area's businesses."""
    return (
        f"{table}.kind = 'random' AND {table}.status <> 'draft' AND {table}.approved_at IS NOT NULL "
        f"AND {table}.joint_id IS NULL AND {table}.tenant_id IN {DREW}"
    )


POLICIES = {
    "visit": f"visit.entity_id IN {LOCATED}",
    "campaign": (
        f"campaign.id IN (SELECT v.campaign_id FROM visit v WHERE v.entity_id IN {LOCATED}) OR ({_drawing('campaign')})"
    ),
    "campaign_target": (
        f"campaign_target.entity_id IN {LOCATED} AND campaign_target.status IN ('selected', 'replaced') "
        "AND campaign_target.cause = ''"
    ),
    "draw": (
        "draw.kind = 'targets' AND draw.drawn_at IS NOT NULL "
        f"AND draw.campaign_id IN (SELECT c.id FROM campaign c WHERE {_drawing('c')})"
    ),
}


def upgrade():
    for table, using in POLICIES.items():
        rls.enable_area_read(op, table, using)


def downgrade():
    for table in POLICIES:
        rls.disable_area_read(op, table)
