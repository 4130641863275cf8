"""the directories' history: each period's figures as of that period

``removed_entry`` keeps an entry removed from a department's target directory with when it was in it
(an entry still in the directory is its own record, since its ``created_at``); ``inspector_tenure``
each time an inspector was in the directory as active; ``rules_document.first_published_at`` when a
细则 was first published. Both tables are a department's rows (row-level security). The history
before this revision is taken from what is known: an active inspector is in the directory since they
were added, and each change of ``active`` the audit log recorded (``inspector.changed``) turns it over;
an entry removed is known from ``directory.removed``, since its ``directory.added`` (an entry removed
with no record of its adding — an import's — is left out); a 细则 first published at its first
``rules.published``, else at its last publication.

Revision ID: 0027
Revises: 0026
Create Date: 2026-11-24 22:40:00

"""

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

#: The departments' rows (row-level security).
TABLES = ["removed_entry", "inspector_tenure"]

_audit = sa.table(
    "audit_entry",
    sa.column("id", sa.Integer()),
    sa.column("action", sa.String()),
    sa.column("object_type", sa.String()),
    sa.column("object_id", sa.String()),
    sa.column("tenant_id", sa.Integer()),
    sa.column("details", sa.JSON()),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
_inspector = sa.table(
    "inspector",
    sa.column("id", sa.Integer()),
    sa.column("tenant_id", sa.Integer()),
    sa.column("active", sa.Boolean()),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
_tenure = sa.table(
    "inspector_tenure",
    sa.column("tenant_id", sa.Integer()),
    sa.column("inspector_id", sa.Integer()),
    sa.column("since", sa.DateTime(timezone=True)),
    sa.column("until", sa.DateTime(timezone=True)),
)
_entity = sa.table("entity", sa.column("id", sa.Integer()), sa.column("code", sa.String()))
_removed = sa.table(
    "removed_entry",
    sa.column("tenant_id", sa.Integer()),
    sa.column("entity_id", sa.Integer()),
    sa.column("entry_id", sa.Integer()),
    sa.column("category", sa.String()),
    sa.column("risk", sa.String()),
    sa.column("joined_at", sa.DateTime(timezone=True)),
    sa.column("removed_at", sa.DateTime(timezone=True)),
)
_document = sa.table(
    "rules_document",
    sa.column("id", sa.Integer()),
    sa.column("published", sa.Boolean()),
    sa.column("published_at", sa.DateTime(timezone=True)),
    sa.column("first_published_at", sa.DateTime(timezone=True)),
)


def upgrade():
    op.create_table(
        "removed_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("risk", sa.String(length=1), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["entity_id"], ["entity.id"], name=op.f("fk_removed_entry_entity_id_entity")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_removed_entry_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_removed_entry")),
    )
    with op.batch_alter_table("removed_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_removed_entry_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_removed_entry_tenant_id"), ["tenant_id"], unique=False)
    op.create_table(
        "inspector_tenure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspector_id", sa.Integer(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspector_id"], ["inspector.id"], name=op.f("fk_inspector_tenure_inspector_id_inspector")
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_inspector_tenure_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspector_tenure")),
    )
    with op.batch_alter_table("inspector_tenure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspector_tenure_inspector_id"), ["inspector_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspector_tenure_tenant_id"), ["tenant_id"], unique=False)
    with op.batch_alter_table("rules_document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_published_at", sa.DateTime(timezone=True), nullable=True))

    rls.grant_tables(op, TABLES)
    for table in TABLES:
        rls.enable(op, table)

    bind = op.get_bind()
    if bind.dialect.name == "postgresql":  # every department's rows (row-level security binds the migration too)
        bind.execute(sa.text("SELECT set_config('app.all_tenants', 'on', true)"))
    _inspector_tenures(bind)
    _removed_entries(bind)
    _first_publications(bind)


def _changes(bind, action: str, object_type: str) -> dict[str, list]:
    """The audit log's entries of ``action`` on ``object_type``, by object id, oldest first."""
    found: dict[str, list] = {}
    for row in bind.execute(
        sa.select(_audit.c.object_id, _audit.c.details, _audit.c.created_at, _audit.c.tenant_id)
        .where(_audit.c.action == action, _audit.c.object_type == object_type)
        .order_by(_audit.c.id)
    ):
        found.setdefault(row.object_id, []).append(row)
    return found


def _inspector_tenures(bind) -> None:
    """Each inspector's times in the directory as active: from their adding, turned over at each change
    of ``active`` the audit log recorded, ending in the state they are in."""
    turns = {
        key: [row.created_at for row in rows if "active" in ((row.details or {}).get("fields") or [])]
        for key, rows in _changes(bind, "inspector.changed", "inspector").items()
    }
    rows = []
    for person in bind.execute(sa.select(_inspector)).all():
        moments = turns.get(str(person.id), [])
        active = bool(person.active) == (len(moments) % 2 == 0)  # the state they were added in
        since = person.created_at
        for moment in moments:
            if active:
                rows.append({"tenant_id": person.tenant_id, "inspector_id": person.id, "since": since, "until": moment})
            active, since = not active, moment
        if active:
            rows.append({"tenant_id": person.tenant_id, "inspector_id": person.id, "since": since, "until": None})
    if rows:
        bind.execute(_tenure.insert(), rows)


def _removed_entries(bind) -> None:
    """The entries removed (``directory.removed``) since their adding (``directory.added``)."""
    added = _changes(bind, "directory.added", "directory_entry")
    rows = []
    for entry_id, removals in _changes(bind, "directory.removed", "directory_entry").items():
        removal = removals[-1]
        joined = added.get(entry_id)
        code = (removal.details or {}).get("code")
        entity_id = bind.execute(sa.select(_entity.c.id).where(_entity.c.code == code)).scalar() if code else None
        if not joined or entity_id is None or removal.tenant_id is None or not str(entry_id).isdigit():
            continue
        rows.append(
            {
                "tenant_id": removal.tenant_id,
                "entity_id": entity_id,
                "entry_id": int(entry_id),
                "category": "",
                "risk": "",
                "joined_at": joined[0].created_at,
                "removed_at": removal.created_at,
            }
        )
    if rows:
        bind.execute(_removed.insert(), rows)


def _first_publications(bind) -> None:
    firsts = {key: rows[0].created_at for key, rows in _changes(bind, "rules.published", "rules_document").items()}
    for document in bind.execute(
        sa.select(_document.c.id, _document.c.published_at).where(_document.c.published.is_(True))
    ).all():
        first = firsts.get(str(document.id)) or document.published_at
        bind.execute(_document.update().where(_document.c.id == document.id).values(first_published_at=first))


def downgrade():
    with op.batch_alter_table("rules_document", schema=None) as batch_op:
        batch_op.drop_column("first_published_at")
    for table in reversed(TABLES):
        rls.disable(op, table)
    with op.batch_alter_table("inspector_tenure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspector_tenure_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_inspector_tenure_inspector_id"))
    op.drop_table("inspector_tenure")
    with op.batch_alter_table("removed_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_removed_entry_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_removed_entry_entity_id"))
    op.drop_table("removed_entry")
