"""The migrations are the schema: `upgrade` builds it, and it matches the models exactly."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from spotcheck.platform.extensions import db
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
    import flask_migrate

    with app.app_context():
        directory = app.config["SPOTCHECK_MIGRATIONS"]
        db.session.remove()
        db.engine.dispose()
        engine = db.engine
        engine.dispose()
        flask_migrate.downgrade(directory=directory, revision="base")
        flask_migrate.upgrade(directory=directory)
        db.engine.dispose()
