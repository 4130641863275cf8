"""row-level security reads the departments a read across departments opened: a region's branch, never "all"

Every tenant-owned table's policy (``tenant_isolation``) and every shared table's receiver policies
(``shared_with_receiver_read`` / ``_update``) are given the branch's condition: besides the department worked as
(``app.tenant_id``), the departments the scope opened (``app.tenant_ids``, "3,5,9": the reader's region and the
regions below it, or a joint frame's invited departments), read once per statement. ``app.all_tenants`` stays the
platform's own path (``system_access``) alone. The tables are those that have the policies (``pg_policies``),
whichever migration gave it them; PostgreSQL only (SQLite has no row-level security).

Revision ID: 0060
Revises: 0059
Create Date: 2026-11-28 14:00:00

"""

from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0060"
down_revision = "0059"
branch_labels = None
depends_on = None

#: The conditions before this revision: a department's own rows, or every department's.
PREDICATE_BEFORE = (
    "(current_setting('app.all_tenants', true) = 'on' "
    "OR tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::integer "
    "OR (tenant_id IS NULL AND current_setting('app.platform', true) = 'on'))"
)
RECEIVER_BEFORE = "receiver_tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::integer"


def upgrade():
    rls.set_predicates(op, rls.PREDICATE, rls.RECEIVER)


def downgrade():
    rls.set_predicates(op, PREDICATE_BEFORE, RECEIVER_BEFORE)
