"""the deployment's own record, and the address each notice's QR code carries

``deployment`` (one row): an identity made now, answered at ``/healthz/deployment`` so that ``spotcheck check`` can
tell that ``SPOTCHECK_PUBLIC_BASE_URL`` reaches this deployment and not another; and the check value of the data key
the protected values are under (ID numbers, 企业核验码, complainants' contacts, draws' commitment nonces): the key
this upgrade runs with, which is the one they were written under. ``notice.qr_base``: the public address a notice's
inspection-code QR carries, written with the notice — a printed code cannot be corrected, so ``spotcheck check`` lists
the notices whose address is a loopback or private one; notices made before this revision have none recorded.

Revision ID: 0056
Revises: 0055
Create Date: 2026-11-28 14:00:00

"""

import secrets

import sqlalchemy as sa
from alembic import op
from cryptography.fernet import InvalidToken

from spotcheck.core import personal_data, settings

# revision identifiers, used by Alembic.
revision = "0056"
down_revision = "0055"
branch_labels = None
depends_on = None


def upgrade():
    deployment = op.create_table(
        "deployment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("identity", sa.String(length=64), nullable=False),
        sa.Column("data_key_check", sa.String(length=64), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deployment")),
    )
    op.bulk_insert(deployment, [{"id": 1, "identity": secrets.token_hex(16), "data_key_check": _key_in_use()}])
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.add_column(sa.Column("qr_base", sa.String(length=200), nullable=True))


def _key_in_use() -> str:
    """The check value of the key the stored values are under: the configured one, unless a stored value reads only
    with the key derived from SECRET_KEY (an operator who set SPOTCHECK_DATA_KEY before adopting it)."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":  # every department's rows (row-level security binds the owner too)
        bind.execute(sa.text("SELECT set_config('app.all_tenants', 'on', true)"))
    sample = None
    for table, column in (
        ("draw", "nonce_encrypted"),
        ("inspector", "id_encrypted"),
        ("inspection_code", "business_encrypted"),
    ):
        sample = bind.execute(sa.text(f"SELECT {column} FROM {table} LIMIT 1")).scalar()
        if sample:
            break
    configured = personal_data.keys_of(personal_data.configured_key())
    if not sample:
        return configured.check
    derived = personal_data.keys_of(personal_data.derived_key(str(settings.get("SECRET_KEY"))))
    for keys in (configured, derived):
        try:
            keys.fernet.decrypt(sample.encode("ascii"))
            return keys.check
        except InvalidToken:
            continue
    return ""  # under neither: `spotcheck check` and the keys commands will say so


def downgrade():
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_column("qr_base")
    op.drop_table("deployment")
