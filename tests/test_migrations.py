"""The migrations are the schema: `upgrade` builds it, and it matches the models exactly."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from spotcheck.core.database import db
from spotcheck.platform.rls import include_object


def test_models_and_migrations_agree(app):
    """Fails when a model changes without a migration (or the reverse)."""
    with app.app_context():
        engine = db.engine
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": include_object})
            differences = compare_metadata(context, db.metadata)
        engine.dispose()
    assert differences == [], f"models differ from the migrations: {differences}"


def test_downgrade_and_upgrade_again(app):
    """Every migration can be undone: at ``base`` no table of the application is left; upgraded
    again, the schema is at the head revision and matches the models."""
    import flask_migrate
    import sqlalchemy as sa
    from alembic.script import ScriptDirectory

    with app.app_context():
        directory = app.config["SPOTCHECK_MIGRATIONS"]
        db.session.remove()
        db.engine.dispose()
        flask_migrate.downgrade(directory=directory, revision="base")
        with db.engine.connect() as connection:
            left = set(sa.inspect(connection).get_table_names()) - {"alembic_version"}
        assert left == set(), f"tables left after downgrading to base: {sorted(left)}"
        flask_migrate.upgrade(directory=directory)
        owner = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=sa.pool.NullPool)  # not the app role
        with owner.connect() as connection:
            tables = set(sa.inspect(connection).get_table_names())
            revision = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": include_object})
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    head = ScriptDirectory(directory).get_current_head()
    assert revision == head and {t.name for t in db.metadata.sorted_tables} <= tables
    assert differences == []


def test_stored_draws_survive_the_frame_file_migration_both_ways(app):
    """0004 moves frames out of the proofs into frame files: a drawn campaign's published proofs
    are the same bytes after a downgrade to 0003 and an upgrade again, and still verify."""
    import flask_migrate
    import sqlalchemy as sa

    from campaign_world import build
    from conftest import user_named
    from spotcheck.draw import proof_file
    from spotcheck.draw.verify import verify
    from spotcheck.tenants.campaigns import ceremony
    from spotcheck.tenants.campaigns.models import Draw
    from spotcheck.core.scoping import tenant_scope
    from test_public_draws import campaign_through

    def published(campaign_id):
        with tenant_scope(user_named("yjj_admin").tenant_id):
            records = db.session.scalars(sa.select(Draw).where(Draw.campaign_id == campaign_id).order_by(Draw.kind))
            return {r.kind.value: (ceremony.published_bytes(r), r.proof_sha256) for r in records}

    with app.app_context():
        campaign_id = campaign_through(build(), stop="inspectors")
        before = published(campaign_id)
        directory = app.config["SPOTCHECK_MIGRATIONS"]
        db.session.remove()
        db.engine.dispose()
        flask_migrate.downgrade(directory=directory, revision="0003")
        flask_migrate.upgrade(directory=directory)
        db.engine.dispose()
        after = published(campaign_id)
    assert set(before) == {"targets", "inspectors"} and after == before
    for data, sha in after.values():
        assert all(check.ok for check in verify(proof_file.loads(data)))
