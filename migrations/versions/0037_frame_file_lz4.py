"""draws: the frozen frame file compressed with LZ4 instead of PostgreSQL's default pglz

A target frame of a million candidates is a 24.5 MB file: pglz took 0.49 s to write it at the freeze and
0.27 s to read it back at the draw; LZ4 0.21 s and 0.18 s, for 8.0 MB stored instead of 7.3 MB. Only new
values are compressed so (the stored frames are read as they are). PostgreSQL only, and only where the
server was built with LZ4 (14 and later); elsewhere nothing changes.

Revision ID: 0037
Revises: 0036
Create Date: 2026-11-25 15:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None


def _lz4_available() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    return bool(
        bind.exec_driver_sql(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        ).scalar()
    )


def upgrade():
    if _lz4_available():
        op.execute("ALTER TABLE draw ALTER COLUMN frame_file SET COMPRESSION lz4")


def downgrade():
    if _lz4_available():
        op.execute("ALTER TABLE draw ALTER COLUMN frame_file SET COMPRESSION pglz")
