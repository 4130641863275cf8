"""a province's reads across departments and a region's reads of its businesses, by index: ``tenant_isolation`` finds
a row's department in ranges of ids, ``ix_entity_region_code`` holds the businesses' ids

Row-level security: each department policy (``tenant_isolation``) and receiver policy (``shared_with_receiver_*``)
asked ``tenant_id = ANY (ARRAY(…))`` of every row — an array searched one element after another: 6 µs a row for a
province's branch of 3,000 departments, five seconds over a year of its million visits before anything was counted.
The departments opened are now ranges of ids (``tenant_id <@ (SELECT range_agg(…))``, a multirange built once per
statement and searched by halves; an InitPlan, which parallel workers receive as they did the array), and the settings
(``app.tenant_id``, ``app.all_tenants``, ``app.platform``, and ``app.area`` in the area's policies) are read once per
statement (scalar sub-selects), not once per row. The same rows, the same commands: only how each row is asked
(:data:`spotcheck.platform.rls.PREDICATE`, :data:`~spotcheck.platform.rls.RECEIVER`).

An area's read (``area_read``, 0068) finds a region's businesses by the range of their registry codes: the index on
``entity.region_code`` gave the range, and every one of them was then read from the registry's table to learn its
id — a county's 93,000 businesses spread over ten million rows, a second each time a statement asked. The index
holds the id now (``INCLUDE (id)``): the range is read from the index alone. SQLite: the same index without it. And
a campaign is the area's when one of its visits is of the area's businesses, now asked of the campaign (``EXISTS``),
so that PostgreSQL reads a few campaigns' visits by campaign or the area's all at once, as the statement needs.

Revision ID: 0069
Revises: 0068
Create Date: 2026-12-06 10:00:00

"""

from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0069"
down_revision = "0068"
branch_labels = None
depends_on = None

#: The conditions before this revision (0060's): the settings read once a row, the departments as an array.
OPENED_BEFORE = (
    "ARRAY(SELECT unnest(string_to_array(NULLIF(current_setting('app.tenant_ids', true), ''), ','))::integer)"
)
PREDICATE_BEFORE = (
    "(current_setting('app.all_tenants', true) = 'on' "
    "OR tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::integer "
    f"OR tenant_id = ANY ({OPENED_BEFORE}) "
    "OR (tenant_id IS NULL AND current_setting('app.platform', true) = 'on'))"
)
RECEIVER_BEFORE = (
    "receiver_tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::integer "
    f"OR receiver_tenant_id = ANY ({OPENED_BEFORE})"
)


AREA = rls.earlier_migration(__file__, "0068_area_read.py")
#: The rows an area's read opens: 0068's, a campaign's visits of the area's businesses now asked of the campaign
#: (``EXISTS``: PostgreSQL reads a few campaigns' visits by the campaign, or every one of the area's at once, as the
#: statement needs) rather than always gathered for the whole area first.
AREA_ROWS = {
    **AREA.POLICIES,
    "campaign": (
        f"EXISTS (SELECT 1 FROM visit v WHERE v.campaign_id = campaign.id AND v.entity_id IN {AREA.LOCATED}) "
        f"OR ({AREA._drawing('campaign')})"
    ),
}
#: How 0068 asked whether an area's read is open: once a row.
AREA_OPEN_BEFORE = "current_setting('app.area', true) <> ''"


def upgrade():
    rls.set_predicates(op, rls.PREDICATE, rls.RECEIVER)
    for table, using in AREA_ROWS.items():
        rls.set_area_read(op, table, using)
    op.drop_index("ix_entity_region_code", table_name="entity")
    op.create_index("ix_entity_region_code", "entity", ["region_code"], postgresql_include=["id"])


def downgrade():
    op.drop_index("ix_entity_region_code", table_name="entity")
    op.create_index("ix_entity_region_code", "entity", ["region_code"])
    for table, using in AREA.POLICIES.items():
        rls.set_area_read(op, table, using, AREA_OPEN_BEFORE)
    rls.set_predicates(op, PREDICATE_BEFORE, RECEIVER_BEFORE)
